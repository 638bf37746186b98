#pragma once
// Beat-by-beat comparison of detections with reference beats (ANSI/AAMI EC57 style): each
// reference beat pairs with at most one detection within +-window samples, nearest pairs first.
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "core/annotation.h"

namespace av::dsp {

struct BeatMatch {
  std::vector<std::pair<size_t, size_t>> pairs;  // (reference index, detection index), by reference
  std::vector<size_t> missed;                    // reference indices with no detection (FN)
  std::vector<size_t> extra;                     // detection indices with no reference (FP)
  size_t truePositives() const { return pairs.size(); }
};

// Both inputs sorted ascending (sample indices at one rate); `window` in samples (inclusive).
BeatMatch match_beats(std::span<const int64_t> reference, std::span<const int64_t> detected, int64_t window);

// Half-open sample intervals [first, second) to leave out of scoring (e.g. ventricular flutter
// episodes between '[' and ']' annotations, as EC57 does); removes positions inside any of them.
std::vector<int64_t> exclude_intervals(std::span<const int64_t> positions,
                                       std::span<const std::pair<int64_t, int64_t>> intervals);

// Sample positions of the annotations that mark beats (is_beat_annotation), in file order.
std::vector<int64_t> reference_beat_positions(std::span<const Annotation> annotations);
// Ventricular flutter/fibrillation episodes: from each '[' (code 32) to its ']' (code 33), inclusive
// of the ']' sample; an episode still open at the end runs to `length`.
std::vector<std::pair<int64_t, int64_t>> flutter_intervals(std::span<const Annotation> annotations, int64_t length);

struct DetectionScore {
  size_t reference = 0, detected = 0, tp = 0, fn = 0, fp = 0;
  double sensitivity() const { return tp + fn ? 100.0 * tp / (tp + fn) : 100.0; }
  double positivePredictivity() const { return tp + fp ? 100.0 * tp / (tp + fp) : 100.0; }
  DetectionScore& operator+=(const DetectionScore& o);
};
DetectionScore score(const BeatMatch& m, size_t referenceCount, size_t detectedCount);

}  // namespace av::dsp
