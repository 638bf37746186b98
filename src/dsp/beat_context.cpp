#include "dsp/beat_context.h"

#include <algorithm>
#include <cmath>

namespace av::dsp {
namespace {

constexpr double kDefaultRrSec = 0.8;  // 75 bpm: an RR when a record has a single beat
constexpr double kMinRrSec = 0.15, kMaxRrSec = 4.0;
constexpr float kLogClip = 2.0f;
constexpr double kAmplitudeFloorMv = 0.05;
constexpr int kPWaveMinBeats = 8;

float clipped_log(double ratio) {
  return static_cast<float>(std::clamp(std::log(std::max(ratio, 1e-6)), -double(kLogClip), double(kLogClip)));
}

double mean_of(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

// Pearson correlation of a and b over [i0, i1); 1 when either is flat.
double correlation(const float* a, const float* b, int i0, int i1) {
  const int n = i1 - i0;
  double ma = 0, mb = 0;
  for (int i = i0; i < i1; ++i) ma += a[i], mb += b[i];
  ma /= n;
  mb /= n;
  double sab = 0, saa = 0, sbb = 0;
  for (int i = i0; i < i1; ++i) {
    const double da = a[i] - ma, db = b[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  if (saa < 1e-12 || sbb < 1e-12) return 1.0;
  return sab / std::sqrt(saa * sbb);
}

double peak_to_peak(const float* x, int i0, int i1) {
  const auto [lo, hi] = std::minmax_element(x + i0, x + i1);
  return static_cast<double>(*hi) - static_cast<double>(*lo);
}

// 5 %..95 % span of the squared slope within [i0, i1), in samples.
double slope_energy_width(const float* x, int i0, int i1) {
  double total = 0;
  for (int i = i0; i + 1 < i1; ++i) total += double(x[i + 1] - x[i]) * double(x[i + 1] - x[i]);
  if (total <= 0) return 0;
  double acc = 0;
  int lo = i0, hi = i1 - 1;
  bool seenLo = false;
  for (int i = i0; i + 1 < i1; ++i) {
    acc += double(x[i + 1] - x[i]) * double(x[i + 1] - x[i]);
    if (!seenLo && acc >= 0.05 * total) lo = i, seenLo = true;
    if (acc >= 0.95 * total) {
      hi = i + 1;
      break;
    }
  }
  return hi - lo;
}

}  // namespace

double template_qrs_width(const float* x, const BeatWindowSpec& spec, double fs) {
  const int n = spec.length() - 1, r = spec.before;  // n slopes |x[i+1] - x[i]|
  if (n < 2 || r < 1 || r >= n) return 0;
  const int search = static_cast<int>(std::lround(0.10 * fs)), run = std::max(1, static_cast<int>(std::lround(0.011 * fs)));
  const auto slope = [x](int i) { return std::fabs(x[i + 1] - x[i]); };
  int peak = std::max(0, r - search);
  for (int i = peak + 1; i < std::min(n, r + search); ++i)
    if (slope(i) > slope(peak)) peak = i;
  const float threshold = 0.2f * slope(peak);
  // From the peak outwards, until `run` slopes in a row (clipped to the window) are below the threshold.
  int onset = peak, offset = peak;
  for (int i = peak - 1, quiet = 0; i >= 0 && quiet < run; --i) {
    if (slope(i) < threshold) ++quiet;
    else quiet = 0, onset = i;
  }
  for (int i = peak + 1, quiet = 0; i < n && quiet < run; ++i) {
    if (slope(i) < threshold) ++quiet;
    else quiet = 0, offset = i;
  }
  return (offset - onset) / fs;
}

int context_feature_index(std::string_view name) {
  for (size_t i = 0; i < kContextFeatureNames.size(); ++i)
    if (kContextFeatureNames[i] == name) return static_cast<int>(i);
  return -1;
}

BeatContextTracker::BeatContextTracker(const BeatWindowSpec& window, const ContextSpec& spec)
    : window_(window), spec_(spec) {
  const size_t k = static_cast<size_t>(std::max(1, spec_.templateBeats));
  pastWindows_.assign(static_cast<size_t>(window_.length()) * k, 0.0f);
  pastSorted_.assign(pastWindows_.size(), 0.0f);
  pastAmplitudes_.assign(k, 0.0f);
  template_.resize(static_cast<size_t>(window_.length()));
  column_.resize(k);
}

namespace {
// Median of the sorted run v[0, n): the middle value, or the mean of the two middle values for even n.
float median_of_sorted(const float* v, int n) {
  const int mid = n / 2;
  return n % 2 == 0 ? 0.5f * (v[mid] + v[mid - 1]) : v[mid];
}

// In the sorted run v[0, n), replaces one occurrence of `out` (n == capacity) or appends (n < capacity) `in`,
// keeping the run sorted.
void replace_sorted(float* v, int n, int capacity, float out, float in) {
  int size = n;
  if (n == capacity) {
    int j = 0;
    while (j < n && !(v[j] == out || (std::isnan(v[j]) && std::isnan(out)))) ++j;
    if (j == n) j = n - 1;  // not found (cannot happen): drop the largest
    std::copy(v + j + 1, v + n, v + j);
    size = n - 1;
  }
  const int at = static_cast<int>(std::upper_bound(v, v + size, in) - v);
  std::copy_backward(v + at, v + size, v + size + 1);
  v[at] = in;
}
}  // namespace

void BeatContextTracker::push(int64_t r, std::vector<float> raw) {
  if (holding_) emit(r, true);
  held_ = ContextBeat{};
  held_.r = r;
  held_.raw = std::move(raw);
  holding_ = true;
}

void BeatContextTracker::finish() {
  if (holding_) emit(0, false);
  holding_ = false;
}

void BeatContextTracker::emit(int64_t nextR, bool hasNext) {
  ContextBeat& b = held_;
  const double fs = spec_.fs;
  const auto rr = [&](int64_t a, int64_t c) { return std::clamp(double(c - a) / fs, kMinRrSec, kMaxRrSec); };
  const bool hasPre = hasLast_;
  double pre = hasPre ? rr(lastR_, b.r) : 0, post = hasNext ? rr(b.r, nextR) : 0;
  if (!hasPre) pre = hasNext ? post : kDefaultRrSec;
  if (!hasNext) post = pre;
  const double local = localRr_.empty() ? pre : mean_of(localRr_);
  const size_t longCount = longRr_.size() - longHead_;
  const double lng = longCount == 0 ? local : longSum_ / static_cast<double>(longCount);

  auto& f = b.features;
  f[kPreRrSec] = static_cast<float>(pre);
  f[kPostRrSec] = static_cast<float>(post);
  f[kLocalRrSec] = static_cast<float>(local);
  f[kLogPreLocal] = clipped_log(pre / local);
  f[kLogPostLocal] = clipped_log(post / local);
  f[kLogPostPre] = clipped_log(post / pre);
  f[kLogPreLong] = clipped_log(pre / lng);
  f[kLogLocalLong] = clipped_log(local / lng);

  // Morphology: QRS region -100 ms .. +150 ms, width search +-150 ms, both within the window.
  const int len = window_.length();
  const int q0 = std::max(0, window_.before - static_cast<int>(std::lround(0.10 * fs)));
  const int q1 = std::min(len, window_.before + static_cast<int>(std::lround(0.15 * fs)));
  const int w0 = std::max(0, window_.before - static_cast<int>(std::lround(0.15 * fs)));
  const int w1 = std::min(len, window_.before + static_cast<int>(std::lround(0.15 * fs)));
  const float* x = b.raw.data();
  const double amplitude = peak_to_peak(x, q0, q1);
  const double width = slope_energy_width(x, w0, w1);
  f[kQrsWidthSec] = static_cast<float>(width / fs);
  b.difference.assign(static_cast<size_t>(len), 0.0f);
  if (pastCount_ == 0) {
    f[kTemplateCorrQrs] = 1;
    f[kTemplateCorrWindow] = 1;
    f[kTemplateDiffQrs] = 0;
    f[kLogAmplitudeRatio] = 0;
    f[kLogWidthRatio] = 0;
  } else {
    const int k = pastCount_, slots = static_cast<int>(pastAmplitudes_.size());
    std::vector<float>& tmpl = template_;
    for (int i = 0; i < len; ++i)
      tmpl[static_cast<size_t>(i)] = median_of_sorted(pastSorted_.data() + static_cast<ptrdiff_t>(i) * slots, k);
    // The amplitude reference: the upper median of the previous amplitudes.
    std::copy_n(pastAmplitudes_.begin(), k, column_.begin());
    std::nth_element(column_.begin(), column_.begin() + k / 2, column_.begin() + k);
    const double medianAmp = column_[static_cast<size_t>(k / 2)];

    f[kTemplateCorrQrs] = static_cast<float>(correlation(x, tmpl.data(), q0, q1));
    const int p0 = std::max(0, window_.before - static_cast<int>(std::lround(0.24 * fs)));
    const int p1 = std::max(p0 + 2, window_.before - static_cast<int>(std::lround(0.07 * fs)));
    if (k >= kPWaveMinBeats) b.pWaveCorr = static_cast<float>(correlation(x, tmpl.data(), p0, p1));
    f[kTemplateCorrWindow] = static_cast<float>(correlation(x, tmpl.data(), 0, len));
    double se = 0, st = 0, mean = 0;
    for (int i = q0; i < q1; ++i) {
      se += double(x[i] - tmpl[static_cast<size_t>(i)]) * double(x[i] - tmpl[static_cast<size_t>(i)]);
      st += double(tmpl[static_cast<size_t>(i)]) * double(tmpl[static_cast<size_t>(i)]);
    }
    const double rmsT = std::max(std::sqrt(st / (q1 - q0)), kAmplitudeFloorMv);
    f[kTemplateDiffQrs] = static_cast<float>(std::min(4.0, std::sqrt(se / (q1 - q0)) / rmsT));
    f[kLogAmplitudeRatio] = clipped_log(amplitude / std::max(medianAmp, kAmplitudeFloorMv));
    const double tWidth = slope_energy_width(tmpl.data(), w0, w1);
    f[kLogWidthRatio] = clipped_log(std::max(width, 1.0) / std::max(tWidth, 1.0));
    b.templateQrsWidthSec = static_cast<float>(template_qrs_width(tmpl.data(), window_, fs));
    for (int i = 0; i < len; ++i) mean += tmpl[static_cast<size_t>(i)];
    mean /= len;
    double var = 0;
    for (int i = 0; i < len; ++i) var += (tmpl[static_cast<size_t>(i)] - mean) * (tmpl[static_cast<size_t>(i)] - mean);
    const double sd = std::max(std::sqrt(var / len), kAmplitudeFloorMv);
    for (int i = 0; i < len; ++i)
      b.difference[static_cast<size_t>(i)] = static_cast<float>((x[i] - tmpl[static_cast<size_t>(i)]) / sd);
  }

  // This beat becomes history for the next one.
  if (hasPre) {
    localRr_.push_back(pre);
    if (static_cast<int>(localRr_.size()) > spec_.localBeats) localRr_.erase(localRr_.begin());
    longRr_.emplace_back(b.r, pre);
    longSum_ += pre;
    const int64_t span = static_cast<int64_t>(std::llround(spec_.longSec * fs));
    while (longHead_ < longRr_.size() && longRr_[longHead_].first < b.r - span) {
      longSum_ -= longRr_[longHead_].second;
      ++longHead_;
    }
    if (longHead_ > 1024 && 2 * longHead_ > longRr_.size()) {
      longRr_.erase(longRr_.begin(), longRr_.begin() + static_cast<std::ptrdiff_t>(longHead_));
      longHead_ = 0;
    }
  }
  if (pre >= window_.templateMinPreLocal * local) remember(b, static_cast<float>(amplitude));
  lastR_ = b.r;
  hasLast_ = true;
  ready_.push_back(std::move(b));
}

void BeatContextTracker::remember(const ContextBeat& beat, float amplitude) {
  const int slots = static_cast<int>(pastAmplitudes_.size());
  for (int i = 0; i < window_.length(); ++i) {
    const size_t row = static_cast<size_t>(i) * static_cast<size_t>(slots);
    float& slot = pastWindows_[row + static_cast<size_t>(pastSlot_)];
    replace_sorted(pastSorted_.data() + row, pastCount_, slots, slot, beat.raw[static_cast<size_t>(i)]);
    slot = beat.raw[static_cast<size_t>(i)];
  }
  pastAmplitudes_[static_cast<size_t>(pastSlot_)] = amplitude;
  pastSlot_ = (pastSlot_ + 1) % slots;
  pastCount_ = std::min(pastCount_ + 1, slots);
}

void context_model_input(const ContextBeat& beat, const BeatWindowSpec& spec, int channels,
                         const std::vector<int>& featureIndex, float* window, float* features) {
  const size_t len = static_cast<size_t>(spec.length());
  zscore_window(beat.raw.data(), spec, window);
  if (channels >= 2) std::copy_n(beat.difference.begin(), len, window + len);
  for (size_t k = 0; k < featureIndex.size(); ++k) features[k] = beat.features[static_cast<size_t>(featureIndex[k])];
}

}  // namespace av::dsp
