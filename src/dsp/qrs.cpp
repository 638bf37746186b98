#include "dsp/qrs.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "dsp/resample.h"

namespace av::dsp {
namespace {
inline size_t ri(int64_t i) { return static_cast<size_t>(i) & 4095u; }
}  // namespace

QrsDetector::QrsDetector(double fs, const QrsParams& params) : fs_(fs), p_(params) {
  lookAhead_ = static_cast<int>(std::lround(p_.lookAheadSec * fs));
  window_ = static_cast<int>(std::lround(p_.integrationSec * fs));
  refractory_ = static_cast<int>(std::lround(p_.refractorySec * fs));
  tWaveLimit_ = static_cast<int>(std::lround(p_.tWaveSec * fs));
  learnSamples_ = static_cast<int>(std::lround(2.0 * fs));
  delay_ = static_cast<int>(std::lround(0.025 * fs));
  hp_ = butterworth_highpass(p_.highpassHz, fs);
  lp1_ = butterworth_lowpass(p_.lowpassHz, fs);
  lp2_ = lp1_;
  pending_.reserve(kMaxPending);
}

void QrsDetector::push(std::span<const float> x, std::vector<int64_t>& beats) {
  for (float v : x) step(v, beats);
}

void QrsDetector::finish(std::vector<int64_t>& beats) {
  const int64_t end = n_;
  if (!initialised_) initialise();
  std::vector<int64_t> tail;
  for (int i = 0; i < lookAhead_ + 2; ++i) step(last_, tail);
  if (lastPeak_ >= 0 && end - lastPeak_ > p_.searchBackRr * rr_average()) search_back(end, tail);
  for (int64_t b : tail)
    if (b < end) beats.push_back(b);
  n_ = end;
}

int64_t QrsDetector::settled() const {
  // A future candidate peaks at >= n_ - lookAhead_ and sits at most window_ + delay_ before its peak.
  int64_t s = n_ - lookAhead_ - window_ - delay_ - 2;
  for (const Candidate& c : learning_) s = std::min(s, c.pos);
  for (const Candidate& c : pending_) s = std::min(s, c.pos);
  return std::max<int64_t>(0, s);
}

void QrsDetector::step(float x, std::vector<int64_t>& beats) {
  last_ = x;
  if (n_ == 0) offset_ = x;  // start the filters from rest: no step response at the first sample
  const double bp = hp_.step(lp2_.step(lp1_.step(static_cast<double>(x) - offset_)));
  const int64_t n = n_++;
  bp_[ri(n)] = static_cast<float>(bp);
  const double d = n >= 4 ? (2.0 * bp + bp_[ri(n - 1)] - bp_[ri(n - 3)] - 2.0 * bp_[ri(n - 4)]) * 0.125 : 0.0;
  deriv_[ri(n)] = static_cast<float>(d);
  const double sq = std::fabs(d);
  sq_[ri(n)] = sq;
  mwiSum_ += sq;
  if (n >= window_) mwiSum_ -= sq_[ri(n - window_)];
  if (mwiSum_ < 0) mwiSum_ = 0;
  const float f = static_cast<float>(mwiSum_ / window_);
  mwi_[ri(n)] = f;

  if (!initialised_) {
    maxLearn_ = std::max(maxLearn_, static_cast<double>(f));
    sumLearn_ += f;
  }
  // A candidate peak is a local maximum of the integrated signal over +-lookAhead.
  const int64_t p = n - lookAhead_;
  if (p >= 1 && mwi_[ri(p)] > mwi_[ri(p - 1)] && mwi_[ri(p)] >= mwi_[ri(p + 1)]) consider(p, beats);
  if (!initialised_ && n + 1 >= learnSamples_) {
    initialise();
    std::vector<Candidate> learned;
    learned.swap(learning_);
    for (const Candidate& c : learned) decide(c, beats);
  }
}

void QrsDetector::consider(int64_t p, std::vector<int64_t>& beats) {
  const float h = mwi_[ri(p)];
  const int64_t lo = std::max<int64_t>(0, p - lookAhead_);
  for (int64_t i = lo; i < p; ++i)
    if (mwi_[ri(i)] >= h) return;
  for (int64_t i = p + 1; i <= p + lookAhead_; ++i)
    if (mwi_[ri(i)] > h) return;
  Candidate c;
  c.peak = p;
  c.height = h;
  const int64_t from = std::max<int64_t>(0, p - window_);
  double best = -1;
  for (int64_t i = from; i <= p; ++i) {
    const double a = std::fabs(bp_[ri(i)]);
    if (a > best) { best = a; c.pos = i; }
    c.slope = std::max(c.slope, static_cast<double>(std::fabs(deriv_[ri(i)])));
  }
  c.pos = std::max<int64_t>(0, c.pos - delay_);
  if (!initialised_) {
    if (learning_.size() < 4 * kMaxPending) learning_.push_back(c);
    return;
  }
  decide(c, beats);
}

void QrsDetector::initialise() {
  initialised_ = true;
  double best = 0;
  for (const Candidate& c : learning_) best = std::max(best, c.height);
  spk_ = best > 0 ? 0.75 * best : maxLearn_ / 3.0;
  npk_ = n_ > 0 ? 0.5 * sumLearn_ / static_cast<double>(n_) : 0.0;
}

double QrsDetector::rr_average() const {
  if (rrCount_ == 0) return fs_;
  const int k = std::min(rrCount_, 8);
  double s = 0;
  for (int i = 0; i < k; ++i) s += rr_[static_cast<size_t>(i)];
  return s / k;
}

void QrsDetector::decide(const Candidate& c, std::vector<int64_t>& beats) {
  if (lastPeak_ >= 0 && c.peak - lastPeak_ < refractory_) return;
  if (lastPeak_ >= 0 && static_cast<double>(c.peak - lastPeak_) > p_.searchBackRr * rr_average()) search_back(c.peak, beats);
  const double th1 = npk_ + p_.thresholdFraction * (spk_ - npk_);
  const int64_t since = lastPeak_ >= 0 ? c.peak - lastPeak_ : INT64_MAX;
  if (since < refractory_) return;
  if (c.height > th1) {
    if (since < tWaveLimit_ && c.slope < p_.tWaveSlopeRatio * lastSlope_) {  // a T wave
      npk_ = 0.125 * c.height + 0.875 * npk_;
      return;
    }
    accept(c, false, beats);
    return;
  }
  npk_ = 0.125 * c.height + 0.875 * npk_;
  if (pending_.size() == kMaxPending) pending_.erase(pending_.begin());
  pending_.push_back(c);
}

bool QrsDetector::search_back(int64_t now, std::vector<int64_t>& beats) {
  bool found = false;
  for (int guard = 0; guard < 8 && !pending_.empty(); ++guard) {
    const double th2 = p_.searchBackThreshold * (npk_ + p_.thresholdFraction * (spk_ - npk_));
    const Candidate* best = nullptr;
    for (const Candidate& c : pending_)
      if (c.peak - lastPeak_ >= tWaveLimit_ && c.peak < now && c.height > th2 &&
          c.slope >= p_.searchBackSlopeRatio * lastSlope_ && (!best || c.height > best->height))
        best = &c;
    if (!best) break;
    const Candidate chosen = *best;
    accept(chosen, true, beats);
    found = true;
    if (static_cast<double>(now - lastPeak_) <= p_.searchBackRr * rr_average()) break;
  }
  return found;
}

void QrsDetector::accept(const Candidate& c, bool fromSearchBack, std::vector<int64_t>& beats) {
  beats.push_back(c.pos);
  if (lastPeak_ >= 0) {
    for (size_t i = rr_.size() - 1; i > 0; --i) rr_[i] = rr_[i - 1];
    rr_[0] = static_cast<double>(c.peak - lastPeak_);
    ++rrCount_;
  }
  lastPeak_ = c.peak;
  lastSlope_ = c.slope;
  spk_ = fromSearchBack ? 0.25 * c.height + 0.75 * spk_ : 0.125 * c.height + 0.875 * spk_;
  std::erase_if(pending_, [&](const Candidate& p) { return p.peak <= c.peak; });
}

int64_t refine_r_peak(std::span<const float> cls, int64_t pos, int radius) {
  const int64_t n = static_cast<int64_t>(cls.size());
  if (n == 0) return pos;
  pos = std::clamp<int64_t>(pos, 0, n - 1);
  for (int move = 0; move < 2; ++move) {
    const int64_t lo = std::max<int64_t>(0, pos - radius), hi = std::min<int64_t>(n - 1, pos + radius);
    int64_t best = pos;
    float bestAbs = std::fabs(cls[static_cast<size_t>(pos)]);
    for (int64_t i = lo; i <= hi; ++i) {
      const float a = std::fabs(cls[static_cast<size_t>(i)]);
      if (a > bestAbs) { bestAbs = a; best = i; }
    }
    if (best == pos) break;
    pos = best;
  }
  return pos;
}

std::vector<std::pair<int64_t, int64_t>> detect_flutter(std::span<const float> cls, double fs,
                                                        std::span<const int64_t> beats, double leakage,
                                                        double maxRrSec) {
  std::vector<std::pair<int64_t, int64_t>> out;
  const int64_t n = static_cast<int64_t>(cls.size());
  const int64_t w = static_cast<int64_t>(std::lround(4.0 * fs)), step = static_cast<int64_t>(std::lround(fs));
  if (leakage <= 0 || n < w || step < 1) return out;
  for (int64_t a = 0;; a += step) {
    if (a + w > n) a = n - w;  // the last window ends at the last sample
    // Mean detection interval in the window first: only fast rhythms can be flutter.
    const auto lo = std::lower_bound(beats.begin(), beats.end(), a);
    const auto hi = std::lower_bound(beats.begin(), beats.end(), a + w);
    const double count = static_cast<double>(hi - lo);
    if (count > 1 && 4.0 / count < maxRrSec) {
      // Half period N from the mean absolute value and mean absolute difference, then the leakage of
      // a comb filter x[i] + x[i - N], which cancels a sinusoid of that period.
      double sumAbs = 0, sumDiff = 0;
      for (int64_t i = a + 1; i < a + w; ++i) {
        sumAbs += std::fabs(cls[static_cast<size_t>(i)]);
        sumDiff += std::fabs(cls[static_cast<size_t>(i)] - cls[static_cast<size_t>(i - 1)]);
      }
      const int64_t half = sumDiff > 0 ? static_cast<int64_t>(std::floor(std::numbers::pi * sumAbs / sumDiff + 0.5)) : 0;
      if (half >= 1 && half < w) {
        double num = 0, den = 0;
        for (int64_t i = a + half; i < a + w; ++i) {
          const float x0 = cls[static_cast<size_t>(i)], x1 = cls[static_cast<size_t>(i - half)];
          num += std::fabs(x0 + x1);
          den += std::fabs(x0) + std::fabs(x1);
        }
        if (den > 0 && num / den < leakage) {
          if (!out.empty() && out.back().second >= a) out.back().second = a + w;
          else out.emplace_back(a, a + w);
        }
      }
    }
    if (a + w >= n) break;
  }
  return out;
}

std::vector<int64_t> detect_qrs_360(std::span<const float> x360, std::span<const float> cls, const QrsParams& params,
                                    std::vector<std::pair<int64_t, int64_t>>* flutterOut) {
  std::vector<float> own;
  if (cls.size() != x360.size()) {
    own = classification_signal(x360, kModelRate);
    cls = own;
  }
  QrsDetector det(kModelRate, params);
  std::vector<int64_t> coarse;
  det.push(x360, coarse);
  det.finish(coarse);
  const int radius = static_cast<int>(std::lround(kRefineRadiusSec * kModelRate));
  std::vector<int64_t> out;
  out.reserve(coarse.size());
  for (int64_t c : coarse) {
    const int64_t r = refine_r_peak(cls, c, radius);
    if (!out.empty() && r - out.back() < radius) continue;  // two coarse hits on one complex
    out.push_back(r);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  const auto flutter = detect_flutter(cls, kModelRate, out, params.flutterLeakage, params.flutterMaxRrSec);
  if (flutterOut) *flutterOut = flutter;
  if (!flutter.empty())
    std::erase_if(out, [&](int64_t b) {
      return std::any_of(flutter.begin(), flutter.end(), [b](const auto& iv) { return b >= iv.first && b < iv.second; });
    });
  return out;
}

std::vector<int64_t> detect_qrs(std::span<const float> samples, double fs, const QrsParams& params) {
  const std::vector<float> x360 = resample(samples, fs, kModelRate);
  std::vector<int64_t> peaks = detect_qrs_360(x360, {}, params);
  const int64_t n = static_cast<int64_t>(samples.size());
  for (int64_t& p : peaks) p = std::clamp<int64_t>(map_index(p, kModelRate, fs), 0, std::max<int64_t>(0, n - 1));
  peaks.erase(std::unique(peaks.begin(), peaks.end()), peaks.end());
  return peaks;
}

}  // namespace av::dsp
