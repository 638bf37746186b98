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

namespace {

void check_rates(double fsIn, double fsOut) {
  // Bounded rates keep the kernel table and the output (at most 36x the input) bounded.
  auto valid = [](double f) { return std::isfinite(f) && f >= kMinRate && f <= kMaxRate; };
  if (!valid(fsIn) || !valid(fsOut))
    throw Error("invalid_sample_rate", "sample rates must be between " + std::to_string(static_cast<int>(kMinRate)) +
                                           " and " + std::to_string(static_cast<int>(kMaxRate)) + " Hz (got " +
                                           std::to_string(fsIn) + " and " + std::to_string(fsOut) + ")");
}

// The kernel geometry shared by resample(), resample_range() and resample_input_range(): output m's
// taps are inputs centre(m) - reach + 1 ... centre(m) + reach, with m counted from the signal's start.
struct Kernel {
  double ratio, cutoff, halfWidth;
  int reach;
  int64_t up = 0, down = 0;  // integer rates with a modest ratio: polyphase (phase = m * down % up)
  Kernel(double fsIn, double fsOut) : ratio(fsOut / fsIn) {
    cutoff = 0.45 * std::min(1.0, ratio) * 2.0;  // in cycles per input sample, times 2
    halfWidth = kTapsPerSide / cutoff;           // in input samples
    reach = static_cast<int>(std::ceil(halfWidth));
    if (fsIn == std::round(fsIn) && fsOut == std::round(fsOut) && fsIn < 1e6 && fsOut < 1e6) {
      const int64_t g = std::gcd(static_cast<int64_t>(fsIn), static_cast<int64_t>(fsOut));
      up = static_cast<int64_t>(fsOut) / g;
      down = static_cast<int64_t>(fsIn) / g;
      if (up > 4096) up = down = 0;
    }
  }
  int64_t centre(int64_t m) const {
    return up > 0 ? m * down / up : static_cast<int64_t>(std::floor(static_cast<double>(m) / ratio));
  }
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

std::vector<float> resample_range(std::span<const float> x, int64_t xFirst, int64_t inputLength, double fsIn,
                                  double fsOut, int64_t m0, int64_t m1) {
  check_rates(fsIn, fsOut);
  if (m1 <= m0 || inputLength <= 0) return {};
  const auto [need0, need1] = resample_input_range(m0, m1, inputLength, fsIn, fsOut);
  if (xFirst > need0 || xFirst + static_cast<int64_t>(x.size()) < need1)
    throw Error("internal_error", "resample_range: the input does not cover the samples the outputs need");
  if (fsIn == fsOut) return std::vector<float>(x.begin() + (m0 - xFirst), x.begin() + (m1 - xFirst));

  const Kernel kern(fsIn, fsOut);
  const double cutoff = kern.cutoff, halfWidth = kern.halfWidth;
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

  const int64_t n = inputLength;
  const int reach = kern.reach;
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
  const int64_t up = kern.up, down = kern.down;
  std::vector<float> phases(static_cast<size_t>(up) * taps), scratch(static_cast<size_t>(taps));
  for (int64_t p = 0; p < up; ++p) weights(static_cast<double>(p) / up, phases.data() + p * taps);

  // Output m is computed from its absolute index, so a range gives exactly the whole signal's values.
  std::vector<float> y(static_cast<size_t>(m1 - m0));
  for (int64_t m = m0; m < m1; ++m) {
    int64_t centre;
    const float* w;
    if (up > 0) {
      const int64_t t = m * down;
      centre = t / up;
      w = phases.data() + (t % up) * taps;
    } else {
      const double u = static_cast<double>(m) / kern.ratio;  // output instant in input samples
      centre = static_cast<int64_t>(std::floor(u));
      weights(u - static_cast<double>(centre), scratch.data());
      w = scratch.data();
    }
    const int64_t first = centre - reach + 1;
    float acc = 0.0f;
    if (first >= 0 && first + taps <= n) {
      const float* px = x.data() + (first - xFirst);
      for (int j = 0; j < taps; ++j) acc += w[j] * px[j];
    } else {
      for (int j = 0; j < taps; ++j) acc += w[j] * x[static_cast<size_t>(std::clamp<int64_t>(first + j, 0, n - 1) - xFirst)];
    }
    y[static_cast<size_t>(m - m0)] = acc;
  }
  return y;
}

}  // namespace av::dsp
