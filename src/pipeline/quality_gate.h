#pragma once
// From the signal-quality segments (dsp/signal_quality.h) to what the result reports: the unusable stretches
// at the input's rate, and the warnings of the plausibility gate (a lead that does not look like an ECG, an
// implausible rate, a lead unlike the models' training lead). A lead that is not an ECG (no QRS-like peaks,
// beats that repeat exactly like a generator's, an implausible rate) is unusable as a whole, so that it gives
// no arrhythmia findings.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "dsp/signal_quality.h"
#include "pipeline/analyze.h"

namespace av::pipeline {

// Below this median kurtosis of the segments that are not flat the lead has no QRS-like peaks (an ECG has ≥ 5; a sine
// 1.5, a square wave 1, breathing about 2).
inline constexpr double kMinEcgKurtosis = 3.0;

struct QualityVerdict {
  SignalQuality quality;
  std::vector<Warning> warnings;
};

// segments: in order at 360 Hz; fs and length: the input's rate and sample count; beats360: the beats' peaks
// at 360 Hz, in order.
// Segments inside ventricular flutter (flutter360: the detector's episodes at 360 Hz) are a rhythm, not noise,
// and stay usable.
QualityVerdict judge_quality(const std::vector<dsp::SegmentQuality>& segments, double fs, int64_t length,
                             const std::vector<int64_t>& beats360, const std::string& leadName,
                             const std::vector<std::pair<int64_t, int64_t>>& flutter360 = {});

}  // namespace av::pipeline
