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

std::vector<float> resample(std::span<const float> x, double fsIn, double fsOut) {
  if (!(fsIn > 0.0) || !(fsOut > 0.0) || !std::isfinite(fsIn) || !std::isfinite(fsOut))
    throw Error("invalid_sample_rate", "sample rates must be finite and positive (got " + std::to_string(fsIn) +
                                           " and " + std::to_string(fsOut) + ")");
  if (x.empty()) return {};
  if (fsIn == fsOut) return std::vector<float>(x.begin(), x.end());

  const double ratio = fsOut / fsIn;
  const size_t outLen = static_cast<size_t>(std::ceil(static_cast<double>(x.size()) * ratio - 1e-9));
  // Cut-off as a fraction of the input rate; the kernel spans kTapsPerSide zero crossings per side.
  const double cutoff = 0.45 * std::min(1.0, ratio) * 2.0;  // in cycles per input sample, times 2
  const double halfWidth = kTapsPerSide / cutoff;             // in input samples
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

  const int64_t n = static_cast<int64_t>(x.size());
  const int reach = static_cast<int>(std::ceil(halfWidth));
  std::vector<float> y(outLen);
  for (size_t m = 0; m < outLen; ++m) {
    const double u = static_cast<double>(m) / ratio;  // output instant in input samples
    const int64_t centre = static_cast<int64_t>(std::floor(u));
    double acc = 0.0, wsum = 0.0;
    for (int64_t k = centre - reach + 1; k <= centre + reach; ++k) {
      const double pos = std::fabs(u - static_cast<double>(k)) * kTableResolution;
      const int idx = static_cast<int>(pos);
      if (idx + 1 >= tableLen) continue;
      const double frac = pos - idx;
      const double w = table[idx] + (table[idx + 1] - table[idx]) * frac;
      const float v = x[static_cast<size_t>(std::clamp<int64_t>(k, 0, n - 1))];
      acc += w * v;
      wsum += w;
    }
    y[m] = static_cast<float>(wsum != 0.0 ? acc / wsum : 0.0);
  }
  return y;
}

}  // namespace av::dsp
