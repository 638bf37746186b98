#include "dsp/resample.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <numbers>
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
  // Bounded rates keep the kernel table and the output (at most 36x the input) bounded.
  auto valid = [](double f) { return std::isfinite(f) && f >= kMinRate && f <= kMaxRate; };
  if (!valid(fsIn) || !valid(fsOut))
    throw Error("invalid_sample_rate", "sample rates must be between " + std::to_string(static_cast<int>(kMinRate)) +
                                           " and " + std::to_string(static_cast<int>(kMaxRate)) + " Hz (got " +
                                           std::to_string(fsIn) + " and " + std::to_string(fsOut) + ")");
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
    const double arg = std::numbers::pi * cutoff * d;
    const double sinc = d == 0.0 ? 1.0 : std::sin(arg) / arg;
    table[i] = static_cast<float>(sinc * bessel_i0(kKaiserBeta * std::sqrt(1.0 - r * r)) / i0beta);
  }

  const int64_t n = static_cast<int64_t>(x.size());
  const int reach = static_cast<int>(std::ceil(halfWidth));
  const int taps = 2 * reach;
  // Weights of the taps k = centre - reach + 1 ... centre + reach for an output at centre + frac,
  // normalised to unit sum (exact DC gain).
  auto weights = [&](double frac, float* w) {
    double sum = 0.0;
    for (int j = 0; j < taps; ++j) {
      const double pos = std::fabs(frac + (reach - 1 - j)) * kTableResolution;
      const int idx = static_cast<int>(pos);
      const double v = idx + 1 < tableLen ? table[idx] + (table[idx + 1] - table[idx]) * (pos - idx) : 0.0;
      w[j] = static_cast<float>(v);
      sum += v;
    }
    for (int j = 0; j < taps; ++j) w[j] = static_cast<float>(w[j] / sum);
  };
  // Integer rates with a modest ratio (128, 250, 257, 500, 1000 Hz -> 360 Hz) repeat a small set of
  // phases: precompute them (polyphase). Other rates compute each output's weights from the table.
  int64_t up = 0, down = 0;
  if (fsIn == std::round(fsIn) && fsOut == std::round(fsOut) && fsIn < 1e6 && fsOut < 1e6) {
    const int64_t g = std::gcd(static_cast<int64_t>(fsIn), static_cast<int64_t>(fsOut));
    up = static_cast<int64_t>(fsOut) / g;
    down = static_cast<int64_t>(fsIn) / g;
    if (up > 4096) up = down = 0;
  }
  std::vector<float> phases(static_cast<size_t>(up) * taps), scratch(static_cast<size_t>(taps));
  for (int64_t p = 0; p < up; ++p) weights(static_cast<double>(p) / up, phases.data() + p * taps);

  std::vector<float> y(outLen);
  for (size_t m = 0; m < outLen; ++m) {
    int64_t centre;
    const float* w;
    if (up > 0) {
      const int64_t t = static_cast<int64_t>(m) * down;
      centre = t / up;
      w = phases.data() + (t % up) * taps;
    } else {
      const double u = static_cast<double>(m) / ratio;  // output instant in input samples
      centre = static_cast<int64_t>(std::floor(u));
      weights(u - static_cast<double>(centre), scratch.data());
      w = scratch.data();
    }
    const int64_t first = centre - reach + 1;
    float acc = 0.0f;
    if (first >= 0 && first + taps <= n) {
      const float* px = x.data() + first;
      for (int j = 0; j < taps; ++j) acc += w[j] * px[j];
    } else {
      for (int j = 0; j < taps; ++j) acc += w[j] * x[static_cast<size_t>(std::clamp<int64_t>(first + j, 0, n - 1))];
    }
    y[m] = acc;
  }
  return y;
}

}  // namespace av::dsp
