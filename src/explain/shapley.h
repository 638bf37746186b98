#pragma once
// Shapley values over contiguous segments of a beat window, independent of any network.
//
// A "coalition" is a bit mask over M segments: bit s set means segment s takes the explained beat's samples,
// clear means it takes the baseline's. The value function maps coalitions to one number (the explained class
// probability) and is evaluated in batches, so that callers can run many forward passes at once.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace av::explain {

struct Segment {
  int start = 0;  // first sample
  int end = 0;    // one past the last sample
  double value = 0.0;
};

// M contiguous segments covering [0, length): sizes differ by at most one, the longer ones first.
// Throws av::Error("explain_invalid_segments") unless 1 <= m <= length.
std::vector<Segment> make_segments(int length, int m);

// Writes f(masks[i]) to out[i] for i < n.
using CoalitionFn = std::function<void(const uint32_t* masks, size_t n, double* out)>;

struct ShapleyResult {
  std::vector<double> values;  // one per segment
  double baseValue = 0.0;      // f(empty coalition) = f(baseline)
  double outputValue = 0.0;    // f(full coalition) = f(beat)
  size_t evaluations = 0;      // coalitions evaluated
};

// Largest M for which exact Shapley values are computed (2^M coalitions).
inline constexpr int kMaxExactSegments = 16;

// Exact Shapley values: all 2^m coalitions are evaluated, `batch` at a time, and combined with the weights
// |S|! (m-|S|-1)! / m!. Efficiency (sum of values = outputValue - baseValue) holds up to rounding.
ShapleyResult exact_shapley(int m, const CoalitionFn& f, size_t batch = 256);

// KernelSHAP (Lundberg & Lee 2017) for large m: `samples` coalitions drawn (in complementary pairs) from the
// Shapley kernel's size distribution with a fixed seed, weighted least squares with the efficiency constraint
// imposed exactly. Deterministic for a given seed. 2 <= m <= 32, samples <= 65536.
ShapleyResult kernel_shap(int m, const CoalitionFn& f, size_t samples, uint64_t seed, size_t batch = 256);

// Default sample count for kernel_shap when a caller states none.
inline constexpr size_t kDefaultKernelSamples = 2048;

}  // namespace av::explain
