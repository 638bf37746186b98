#pragma once
#include <cstdint>
#include <limits>

namespace av::pipeline {

// One beat as the rhythm analysis sees it: position at the input's rate, class index 0..4 (N L R A V) or -1
// if unlabelled, and whether it lies in a stretch of unusable signal (then it takes no part in the findings).
struct BeatLabel {
  int64_t sample = 0;
  int label = -1;
  bool noisy = false;
  float pWave = std::numeric_limits<float>::quiet_NaN();  // P-wave correlation with the template, NaN if unknown
};

}  // namespace av::pipeline
