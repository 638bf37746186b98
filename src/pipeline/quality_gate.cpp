#include "pipeline/quality_gate.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "core/lead_names.h"
#include "dsp/beats.h"
#include "dsp/resample.h"

namespace av::pipeline {
namespace {

// Standard lead names other than the models' training lead (MIT-BIH MLII, i.e. lead II).
bool other_standard_lead(const std::string& name) { return is_standard_lead(name) && !is_training_lead(name); }

std::string fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// The whole lead unusable, with the reason as the warning.
QualityVerdict& not_ecg(QualityVerdict& v, int64_t length, const char* code, const std::string& why) {
  v.warnings.push_back({code, why + ", so no findings are reported"});
  v.quality.unusable = {{0, length}};
  v.quality.reasons = {"not_ecg"};
  v.quality.usablePercent = 0;
  return v;
}

}  // namespace

QualityVerdict judge_quality(const std::vector<dsp::SegmentQuality>& segments, double fs, int64_t length,
                             const std::vector<int64_t>& beats360, const std::string& leadName,
                             const std::vector<std::pair<int64_t, int64_t>>& flutter360) {
  const size_t beatCount = beats360.size();
  QualityVerdict v;
  const double kFs = dsp::kModelRate;
  auto to_input = [&](int64_t i360) { return std::clamp<int64_t>(dsp::map_index(i360, kFs, fs), 0, length); };
  int64_t usable360 = 0, total360 = 0;
  std::vector<double> kurtosis;
  for (const auto& s : segments) {
    total360 += s.end - s.start;
    if (s.kurtosis > 0) kurtosis.push_back(s.kurtosis);  // every segment that is not flat
    // Ventricular flutter is large and slow like motion noise, never broadband like muscle noise.
    const bool inFlutter = !s.muscle && std::any_of(flutter360.begin(), flutter360.end(),
                                                    [&](const auto& f) { return f.first < s.end && f.second > s.start; });
    if (s.usable() || inFlutter) {
      usable360 += s.end - s.start;
      continue;
    }
    const int64_t a = to_input(s.start), b = to_input(s.end);
    if (!v.quality.unusable.empty() && v.quality.unusable.back().end >= a) {
      v.quality.unusable.back().end = b;
    } else {
      v.quality.unusable.push_back({a, b});
      v.quality.reasons.push_back(dsp::quality_issue_name(s.issue));
    }
  }
  v.quality.usablePercent = total360 > 0 ? 100.0 * static_cast<double>(usable360) / static_cast<double>(total360) : 0;

  const double durationSec = static_cast<double>(length) / fs;
  if (!kurtosis.empty()) {
    std::nth_element(kurtosis.begin(), kurtosis.begin() + static_cast<std::ptrdiff_t>(kurtosis.size() / 2), kurtosis.end());
    const double median = kurtosis[kurtosis.size() / 2];
    if (median < kMinEcgKurtosis)
      return not_ecg(v, length, "not_ecg_waveform", "the lead has no QRS-like peaks (median kurtosis " + fixed(median, 1) +
                                                    "; an ECG has 5 or more): it looks like a periodic or non-ECG waveform");
  }
  // A heart never beats to the sample: intervals all within 2 samples at 360 Hz (5.6 ms) over 20 beats or
  // more come from a generator or a test signal.
  if (beatCount >= 20) {
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (size_t i = 1; i < beatCount; ++i) {
      lo = std::min(lo, beats360[i] - beats360[i - 1]);
      hi = std::max(hi, beats360[i] - beats360[i - 1]);
    }
    if (hi - lo <= 2)
      return not_ecg(v, length, "periodic_test_signal", "the beats repeat exactly every " + fixed(static_cast<double>(lo) / kFs, 3) +
                                                            " s, like a generator or test signal, not a heart");
  }
  if (usable360 == 0 && total360 > 0) {
    v.warnings.push_back({"no_usable_signal", "no stretch of the lead is usable (flat, clipped or noise throughout)"});
    return v;
  }
  const double usableSec = static_cast<double>(usable360) / kFs;
  if (usableSec >= 10) {
    const double bpm = 60.0 * static_cast<double>(beatCount) / durationSec;
    if (bpm < 20 || bpm > 300)
      return not_ecg(v, length, "implausible_heart_rate", "the detected beats give " + fixed(bpm, 0) +
                                                              " per minute, outside 20-300: the lead may not be an ECG");
  }
  if (other_standard_lead(leadName))
    v.warnings.push_back({"lead_unlike_training", "the models were trained on lead MLII (lead II); lead " + leadName +
                                                      " differs, so its labels are less reliable"});
  return v;
}

}  // namespace av::pipeline
