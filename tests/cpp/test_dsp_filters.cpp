#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "dsp/filters.h"

using namespace av::dsp;

namespace {
std::vector<float> sine(double freq, double fs, double seconds, double offset = 0.0) {
  std::vector<float> x(static_cast<size_t>(std::lround(seconds * fs)));
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(offset + std::sin(2 * M_PI * freq * i / fs));
  return x;
}
double peak_amplitude(const std::vector<float>& y, size_t from, size_t to) {
  double m = 0;
  for (size_t i = from; i < to; ++i) m = std::max(m, std::fabs(static_cast<double>(y[i])));
  return m;
}
std::vector<float> run(Biquad f, const std::vector<float>& x) {
  std::vector<float> y;
  for (float v : x) y.push_back(static_cast<float>(f.step(v)));
  return y;
}
}  // namespace

TEST_CASE("Butterworth sections have unit pass-band gain and -3 dB at the cut-off", "[dsp][filters]") {
  const double fs = 360.0;
  // Steady state of a constant through the low-pass is the constant; through the high-pass, zero.
  const auto lp = run(butterworth_lowpass(15.0, fs), std::vector<float>(2000, 2.0f));
  CHECK(lp.back() == Approx(2.0).epsilon(1e-6));
  const auto hp = run(butterworth_highpass(5.0, fs), std::vector<float>(4000, 2.0f));
  CHECK(std::fabs(hp.back()) < 1e-6);
  // A sine at the cut-off comes out at 1/sqrt(2).
  const auto lpc = run(butterworth_lowpass(15.0, fs), sine(15.0, fs, 5.0));
  CHECK(peak_amplitude(lpc, 1000, lpc.size()) == Approx(M_SQRT1_2).epsilon(0.01));
  const auto hpc = run(butterworth_highpass(5.0, fs), sine(5.0, fs, 5.0));
  CHECK(peak_amplitude(hpc, 1000, hpc.size()) == Approx(M_SQRT1_2).epsilon(0.01));
}

TEST_CASE("the centred moving average keeps ramps and constants", "[dsp][filters]") {
  std::vector<float> ramp(100);
  for (size_t i = 0; i < ramp.size(); ++i) ramp[i] = 0.5f * i;
  const auto y = moving_average(ramp, 9);
  for (size_t i = 4; i + 4 < ramp.size(); ++i) CHECK(y[i] == Approx(ramp[i]).margin(1e-4));
  CHECK(y[0] == Approx((0 * 5 + 0.5 + 1.0 + 1.5 + 2.0) / 9.0));  // left edge extended with x[0]
}

TEST_CASE("the 35 Hz FIR low-pass passes ECG bands and stops mains", "[dsp][filters]") {
  const double fs = 360.0;
  const auto h = lowpass_fir_kernel(35.0, fs, 37);
  double sum = 0;
  for (float v : h) sum += v;
  CHECK(sum == Approx(1.0).epsilon(1e-6));
  const auto pass = convolve_centred(sine(5.0, fs, 3.0), h);
  CHECK(peak_amplitude(pass, 100, pass.size() - 100) == Approx(1.0).epsilon(0.01));
  const auto stop = convolve_centred(sine(60.0, fs, 3.0), h);
  CHECK(peak_amplitude(stop, 100, stop.size() - 100) < 0.01);  // > 40 dB down
  // Zero delay: a sine in the pass band keeps its phase.
  const auto x = sine(5.0, fs, 3.0);
  for (size_t i = 200; i < 300; ++i) CHECK(pass[i] == Approx(x[i]).margin(0.01));
}

TEST_CASE("the classification signal removes baseline wander and keeps QRS-band content", "[dsp][filters]") {
  const double fs = 360.0;
  // 0.1 Hz wander of 1 mV on a 2 mV offset, plus a 10 Hz component of 0.5 mV.
  std::vector<float> x(static_cast<size_t>(30 * fs));
  for (size_t i = 0; i < x.size(); ++i) {
    const double t = i / fs;
    x[i] = static_cast<float>(2.0 + std::sin(2 * M_PI * 0.1 * t) + 0.5 * std::sin(2 * M_PI * 10.0 * t));
  }
  const auto y = classification_signal(x, fs);
  REQUIRE(y.size() == x.size());
  double maxErr = 0;
  for (size_t i = 720; i + 720 < y.size(); ++i)
    maxErr = std::max(maxErr, std::fabs(y[i] - 0.5 * std::sin(2 * M_PI * 10.0 * i / fs)));
  CHECK(maxErr < 0.03);  // the 2 mV offset and 1 mV wander are gone
}
