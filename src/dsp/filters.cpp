#include "dsp/filters.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <cstdint>

namespace av::dsp {

Biquad butterworth_lowpass(double fc, double fs) {
  const double k = std::tan(std::numbers::pi * fc / fs), q = std::numbers::sqrt2 / 2;
  const double norm = 1.0 / (1.0 + k / q + k * k);
  Biquad f;
  f.b0 = k * k * norm;
  f.b1 = 2.0 * f.b0;
  f.b2 = f.b0;
  f.a1 = 2.0 * (k * k - 1.0) * norm;
  f.a2 = (1.0 - k / q + k * k) * norm;
  return f;
}

Biquad butterworth_highpass(double fc, double fs) {
  const double k = std::tan(std::numbers::pi * fc / fs), q = std::numbers::sqrt2 / 2;
  const double norm = 1.0 / (1.0 + k / q + k * k);
  Biquad f;
  f.b0 = norm;
  f.b1 = -2.0 * norm;
  f.b2 = norm;
  f.a1 = 2.0 * (k * k - 1.0) * norm;
  f.a2 = (1.0 - k / q + k * k) * norm;
  return f;
}

namespace {
// Moving sums are kept in fixed point (2^-32 units, 128-bit accumulator): integer sums are exact, so an
// output depends only on the samples in its window, never on where the running sum started. A chunked
// pass over a long recording therefore reproduces the whole-record values bit for bit, and the sum does
// not drift over 24 hours. Samples are clamped to +-2^24 (far beyond any ECG); NaN counts as 0.
constexpr double kFixedScale = 4294967296.0;  // 2^32
inline __int128 to_fixed(float v) {
  const double d = std::isnan(v) ? 0.0 : std::clamp(static_cast<double>(v), -16777216.0, 16777216.0);
  return static_cast<__int128>(std::llround(d * kFixedScale));
}
}  // namespace

std::vector<float> moving_average(std::span<const float> x, int length) {
  const int64_t n = static_cast<int64_t>(x.size());
  std::vector<float> y(x.size());
  if (n == 0) return y;
  const int64_t half = std::max(0, length / 2);
  auto at = [&](int64_t i) { return to_fixed(x[static_cast<size_t>(std::clamp<int64_t>(i, 0, n - 1))]); };
  __int128 sum = 0;
  for (int64_t i = -half; i <= half; ++i) sum += at(i);
  const double inv = 1.0 / (static_cast<double>(2 * half + 1) * kFixedScale);
  for (int64_t i = 0; i < n; ++i) {
    y[static_cast<size_t>(i)] = static_cast<float>(static_cast<double>(sum) * inv);
    sum += at(i + half + 1) - at(i - half);
  }
  return y;
}

std::vector<float> lowpass_fir_kernel(double fc, double fs, int taps) {
  taps |= 1;
  const int half = taps / 2;
  std::vector<float> h(static_cast<size_t>(taps));
  double sum = 0.0;
  for (int i = -half; i <= half; ++i) {
    const double t = 2.0 * fc / fs * i;
    const double sinc = i == 0 ? 1.0 : std::sin(std::numbers::pi * t) / (std::numbers::pi * t);
    const double w = 0.54 + 0.46 * std::cos(std::numbers::pi * i / (half + 1));
    h[static_cast<size_t>(i + half)] = static_cast<float>(sinc * w);
    sum += sinc * w;
  }
  for (auto& v : h) v = static_cast<float>(v / sum);
  return h;
}

std::vector<float> convolve_centred(std::span<const float> x, std::span<const float> kernel) {
  const int64_t n = static_cast<int64_t>(x.size()), half = static_cast<int64_t>(kernel.size() / 2);
  std::vector<float> y(x.size());
  for (int64_t i = 0; i < n; ++i) {
    float acc = 0.0f;
    if (i >= half && i + half < n) {
      const float* p = x.data() + (i - half);
      for (size_t k = 0; k < kernel.size(); ++k) acc += kernel[k] * p[k];
    } else {
      for (int64_t k = -half; k <= half; ++k)
        acc += kernel[static_cast<size_t>(k + half)] * x[static_cast<size_t>(std::clamp<int64_t>(i + k, 0, n - 1))];
    }
    y[static_cast<size_t>(i)] = acc;
  }
  return y;
}

std::vector<float> baseline_estimate(std::span<const float> x, double fs) {
  const int length = static_cast<int>(std::lround(0.6 * fs)) | 1;
  const std::vector<float> once = moving_average(x, length);
  return moving_average(once, length);
}

std::vector<float> classification_signal(std::span<const float> x, double fs) {
  const std::vector<float> base = baseline_estimate(x, fs);
  std::vector<float> detrended(x.size());
  for (size_t i = 0; i < x.size(); ++i) detrended[i] = x[i] - base[i];
  const int taps = static_cast<int>(std::lround(0.1 * fs)) | 1;  // 37 taps at 360 Hz
  const std::vector<float> kernel = lowpass_fir_kernel(35.0, fs, taps);
  return convolve_centred(detrended, kernel);
}

}  // namespace av::dsp
