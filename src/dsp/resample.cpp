#include "dsp/resample.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.h"

namespace av::dsp {
namespace {

constexpr int kTapsPerSide = 16;     // zero crossings of the sinc on each side (at the lower rate)
constexpr int kTableResolution = 512;  // kernel table entries per input sample
constexpr double kKaiserBeta = 8.0;

double bessel_i0(double x) {
  double sum = 1.0, term = 1.0;
  for (int k = 1; k < 50; ++k) {
    term *= (x / (2.0 * k)) * (x / (2.0 * k));
    sum += term;
    if (term < 1e-12 * sum) break;
  }
  return sum;
}

}  // namespace

int64_t map_index(int64_t index, double fsFrom, double fsTo) {
  if (fsFrom == fsTo) return index;
  return static_cast<int64_t>(std::llround(static_cast<double>(index) * fsTo / fsFrom));
}

namespace {

void check_rates(double fsIn, double fsOut) {
  if (!(fsIn > 0.0) || !(fsOut > 0.0) || !std::isfinite(fsIn) || !std::isfinite(fsOut))
    throw Error("invalid_sample_rate", "sample rates must be finite and positive (got " + std::to_string(fsIn) +
                                           " and " + std::to_string(fsOut) + ")");
}

// The kernel geometry shared by resample() and resample_range().
struct Kernel {
  double ratio, cutoff, halfWidth;
  int reach;
  Kernel(double fsIn, double fsOut) : ratio(fsOut / fsIn) {
    cutoff = 0.45 * std::min(1.0, ratio) * 2.0;  // in cycles per input sample, times 2
    halfWidth = kTapsPerSide / cutoff;           // in input samples
    reach = static_cast<int>(std::ceil(halfWidth));
  }
  int64_t centre(int64_t m) const { return static_cast<int64_t>(std::floor(static_cast<double>(m) / ratio)); }
};

}  // namespace

int64_t resampled_length(int64_t inputLength, double fsIn, double fsOut) {
  check_rates(fsIn, fsOut);
  if (inputLength <= 0) return 0;
  if (fsIn == fsOut) return inputLength;
  return static_cast<int64_t>(std::ceil(static_cast<double>(inputLength) * (fsOut / fsIn) - 1e-9));
}

std::pair<int64_t, int64_t> resample_input_range(int64_t m0, int64_t m1, int64_t inputLength, double fsIn,
                                                 double fsOut) {
  check_rates(fsIn, fsOut);
  if (m1 <= m0 || inputLength <= 0) return {0, 0};
  if (fsIn == fsOut) return {std::clamp<int64_t>(m0, 0, inputLength), std::clamp<int64_t>(m1, 0, inputLength)};
  const Kernel k(fsIn, fsOut);
  return {std::clamp<int64_t>(k.centre(m0) - k.reach + 1, 0, inputLength - 1),
          std::clamp<int64_t>(k.centre(m1 - 1) + k.reach, 0, inputLength - 1) + 1};
}

std::vector<float> resample(std::span<const float> x, double fsIn, double fsOut) {
  const int64_t n = static_cast<int64_t>(x.size());
  return resample_range(x, 0, n, fsIn, fsOut, 0, resampled_length(n, fsIn, fsOut));
}

std::vector<float> resample_range(std::span<const float> x, int64_t first, int64_t inputLength, double fsIn,
                                  double fsOut, int64_t m0, int64_t m1) {
  check_rates(fsIn, fsOut);
  if (m1 <= m0 || inputLength <= 0) return {};
  const auto [need0, need1] = resample_input_range(m0, m1, inputLength, fsIn, fsOut);
  if (first > need0 || first + static_cast<int64_t>(x.size()) < need1)
    throw Error("internal_error", "resample_range: the input does not cover the samples the outputs need");
  if (fsIn == fsOut) return std::vector<float>(x.begin() + (m0 - first), x.begin() + (m1 - first));

  const Kernel kern(fsIn, fsOut);
  const double ratio = kern.ratio, cutoff = kern.cutoff, halfWidth = kern.halfWidth;
  const int tableLen = static_cast<int>(std::ceil(halfWidth * kTableResolution)) + 2;
  std::vector<float> table(tableLen);
  const double i0beta = bessel_i0(kKaiserBeta);
  for (int i = 0; i < tableLen; ++i) {
    const double d = static_cast<double>(i) / kTableResolution;
    const double r = d / halfWidth;
    if (r >= 1.0) { table[i] = 0.0f; continue; }
    const double arg = M_PI * cutoff * d;
    const double sinc = d == 0.0 ? 1.0 : std::sin(arg) / arg;
    table[i] = static_cast<float>(sinc * bessel_i0(kKaiserBeta * std::sqrt(1.0 - r * r)) / i0beta);
  }

  // Output m sits at input instant m / ratio, with m counted from the start of the whole signal, so that
  // a range computes exactly the values the whole signal would have there.
  const int64_t n = inputLength;
  const int reach = kern.reach;
  std::vector<float> y(static_cast<size_t>(m1 - m0));
  for (int64_t m = m0; m < m1; ++m) {
    const double u = static_cast<double>(m) / ratio;  // output instant in input samples
    const int64_t centre = static_cast<int64_t>(std::floor(u));
    double acc = 0.0, wsum = 0.0;
    for (int64_t k = centre - reach + 1; k <= centre + reach; ++k) {
      const double pos = std::fabs(u - static_cast<double>(k)) * kTableResolution;
      const int idx = static_cast<int>(pos);
      if (idx + 1 >= tableLen) continue;
      const double frac = pos - idx;
      const double w = table[idx] + (table[idx + 1] - table[idx]) * frac;
      const float v = x[static_cast<size_t>(std::clamp<int64_t>(k, 0, n - 1) - first)];
      acc += w * v;
      wsum += w;
    }
    y[static_cast<size_t>(m - m0)] = static_cast<float>(wsum != 0.0 ? acc / wsum : 0.0);
  }
  return y;
}

}  // namespace av::dsp
