#pragma once
#include <cstdint>

namespace av::pipeline {

// One beat as the rhythm analysis sees it: position at the input's rate and class index 0..4 (N L R A V),
// -1 if unlabelled.
struct BeatLabel {
  int64_t sample = 0;
  int label = -1;
};

}  // namespace av::pipeline
