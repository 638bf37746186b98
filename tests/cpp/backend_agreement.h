#pragma once
// For the parity tests: the SIMD and XNNPACK backends' probabilities (within 1e-5) and captured layer (within
// 1e-5 of its scale) agree, when both ran (probsBy / captureBy hold one entry per backend).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

namespace av::test {

inline void check_backends_agree(const std::vector<std::vector<float>>& probsBy,
                                 const std::vector<std::vector<float>>& captureBy) {
  if (probsBy.size() != 2) return;
  float worst = 0, worstCapture = 0, scale = 0;
  for (size_t i = 0; i < probsBy[0].size(); ++i) worst = std::max(worst, std::abs(probsBy[0][i] - probsBy[1][i]));
  for (size_t i = 0; i < captureBy[0].size(); ++i) {
    worstCapture = std::max(worstCapture, std::abs(captureBy[0][i] - captureBy[1][i]));
    scale = std::max(scale, std::abs(captureBy[0][i]));
  }
  INFO("max |p_simd - p_xnnpack| = " << worst << ", captured layer " << worstCapture << " of " << scale);
  CHECK(worst <= 1e-5f);
  CHECK(worstCapture <= 1e-5f * std::max(1.0f, scale));
}

}  // namespace av::test
