#include "pipeline/intervals.h"

#include <algorithm>
#include <cmath>

#include "dsp/filters.h"
#include "dsp/resample.h"

namespace av::pipeline {
namespace {

constexpr double kFs = dsp::kModelRate;
constexpr int kBefore = 126, kAfter = 270;  // 0.35 s and 0.75 s at 360 Hz
constexpr int kLength = kBefore + kAfter;

int ms(double m) { return static_cast<int>(std::lround(m * kFs / 1000.0)); }

double median_of(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

// One beat's window at 360 Hz from the source (input rate), or empty near the record's ends.
std::vector<float> window_360(SampleSource& source, int64_t sample) {
  const double fs = source.sample_rate();
  const int64_t n = source.length(), n360 = dsp::resampled_length(n, fs, kFs);
  const int64_t r = dsp::map_index(sample, fs, kFs);
  const int64_t m0 = r - kBefore - 8, m1 = r + kAfter + 8;  // margins for the 5-sample low-pass
  if (m0 < 0 || m1 > n360) return {};
  const auto [i0, i1] = dsp::resample_input_range(m0, m1, n, fs, kFs);
  std::vector<float> in(static_cast<size_t>(i1 - i0));
  source.read(i0, i1 - i0, in.data());
  const std::vector<float> x = fs == kFs ? std::vector<float>(in.begin() + (m0 - i0), in.begin() + (m1 - i0))
                                         : dsp::resample_range(in, i0, n, fs, kFs, m0, m1);
  const std::vector<float> smooth = dsp::moving_average(x, 5);
  std::vector<float> w(smooth.begin() + 8, smooth.begin() + 8 + kLength);
  // PR baseline: the median of 100-60 ms before the R peak (flat in most beats, between P and Q);
  // subtracted so that the isoelectric level is 0.
  std::vector<double> pr;
  for (int i = kBefore - ms(100); i < kBefore - ms(60); ++i) pr.push_back(w[static_cast<size_t>(i)]);
  const double base = median_of(pr);
  for (auto& v : w) v = static_cast<float>(v - base);
  return w;
}

}  // namespace

std::optional<BeatIntervals> measure_median_beat(std::vector<float> m, double rrSec) {
  if (static_cast<int>(m.size()) != kLength || !(rrSec > 0)) return std::nullopt;
  BeatIntervals out;
  // R peak: the largest deflection within 50 ms of the window's R position.
  int r = kBefore;
  for (int i = kBefore - ms(50); i <= kBefore + ms(50); ++i)
    if (std::fabs(m[static_cast<size_t>(i)]) > std::fabs(m[static_cast<size_t>(r)])) r = i;
  std::vector<float> d(m.size(), 0.f);
  for (size_t i = 1; i + 1 < m.size(); ++i) d[i] = 0.5f * (m[i + 1] - m[i - 1]);
  float maxSlope = 0;
  for (int i = r - ms(80); i <= r + ms(80); ++i) maxSlope = std::max(maxSlope, std::fabs(d[static_cast<size_t>(i)]));
  if (!(maxSlope > 0)) return std::nullopt;
  const float flat = 0.03f * maxSlope;
  const int hold = ms(10);
  // Q onset: walking back from R, the first point that starts `hold` samples of flat slope.
  int q = r - ms(120);
  for (int i = r - ms(15); i > r - ms(150); --i) {
    bool still = true;
    for (int k = 0; k < hold && still; ++k) still = std::fabs(d[static_cast<size_t>(i - k)]) < flat;
    if (still) { q = i; break; }
  }
  int j = r + ms(120);
  for (int i = r + ms(15); i < r + ms(180); ++i) {
    bool still = true;
    for (int k = 0; k < hold && still; ++k) still = std::fabs(d[static_cast<size_t>(i + k)]) < flat;
    if (still) { j = i; break; }
  }
  // T peak: the largest deflection from 80 ms after J to 0.6 RR (at most 0.7 s) after R.
  const int tLast = std::min(kLength - ms(60), r + std::min(ms(700), static_cast<int>(0.6 * rrSec * kFs)));
  const int tFirst = j + ms(80);
  if (tFirst >= tLast) return std::nullopt;
  int tp = tFirst;
  for (int i = tFirst; i <= tLast; ++i)
    if (std::fabs(m[static_cast<size_t>(i)]) > std::fabs(m[static_cast<size_t>(tp)])) tp = i;
  const float tAmp = m[static_cast<size_t>(tp)];
  // A T wave under 10 % of the R wave (or under 0.02 mV) is too flat to place its end: no QT rather than a
  // doubtful one (record 100's MLII: 0.06 mV against 1.1 mV).
  if (std::fabs(tAmp) < std::max(0.02f, 0.1f * std::fabs(m[static_cast<size_t>(r)]))) return std::nullopt;
  // T end: after the steepest point of the T wave's descent (in the 200 ms after its peak), the first point
  // where the slope has fallen to 10 % of that steepest slope: where the T wave has returned to its level.
  int steep = tp;
  float best = 0;
  for (int i = tp + 1; i <= std::min(kLength - 2, tp + ms(200)); ++i) {
    const float towards = tAmp > 0 ? -d[static_cast<size_t>(i)] : d[static_cast<size_t>(i)];
    if (towards > best) { best = towards; steep = i; }
  }
  if (!(best > 0)) return std::nullopt;
  int tEndAt = -1;
  for (int i = steep + 1; i < kLength - 1; ++i) {
    const float towards = tAmp > 0 ? -d[static_cast<size_t>(i)] : d[static_cast<size_t>(i)];
    if (towards < 0.1f * best) { tEndAt = i; break; }
  }
  if (tEndAt < 0) return std::nullopt;
  const double tEnd = tEndAt;
  out.medianBeat = std::move(m);
  out.qOnset = q;
  out.rPeak = r;
  out.jPoint = j;
  out.tPeak = tp;
  out.tEnd = static_cast<int>(std::lround(tEnd));
  out.rrMs = 1000.0 * rrSec;
  out.qrsMs = 1000.0 * (j - q) / kFs;
  out.qtMs = 1000.0 * (tEnd - q) / kFs;
  out.qtcBazettMs = out.qtMs / std::sqrt(rrSec);
  out.qtcFridericiaMs = out.qtMs / std::cbrt(rrSec);
  return out;
}

std::optional<BeatIntervals> measure_intervals(SampleSource& source, const std::vector<BeatResult>& beats) {
  const double fs = source.sample_rate();
  std::vector<std::vector<float>> windows;
  std::vector<double> rr;
  for (size_t i = 1; i + 1 < beats.size() && windows.size() < kMedianBeats; ++i) {
    const BeatResult& b = beats[i];
    if (b.label != 0 || b.noisy || beats[i - 1].noisy || beats[i + 1].noisy) continue;
    const double pre = static_cast<double>(b.sample - beats[i - 1].sample) / fs;
    const double post = static_cast<double>(beats[i + 1].sample - b.sample) / fs;
    if (pre < 0.4 || pre > 2.0 || std::fabs(post - pre) > 0.15 * pre) continue;
    std::vector<float> w = window_360(source, b.sample);
    if (w.empty()) continue;
    windows.push_back(std::move(w));
    rr.push_back(pre);
  }
  if (windows.size() < kMinMedianBeats) return std::nullopt;
  std::vector<float> median(kLength);
  std::vector<double> column(windows.size());
  for (int s = 0; s < kLength; ++s) {
    for (size_t k = 0; k < windows.size(); ++k) column[k] = windows[k][static_cast<size_t>(s)];
    median[static_cast<size_t>(s)] = static_cast<float>(median_of(column));
  }
  auto out = measure_median_beat(std::move(median), median_of(rr));
  if (out) out->beats = windows.size();
  return out;
}

}  // namespace av::pipeline
