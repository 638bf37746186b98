#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "core/error.h"
#include "dsp/resample.h"

using av::dsp::map_index;
using av::dsp::resample;

namespace {
std::vector<float> sine(double freq, double fs, double seconds, double amp = 1.0, double phase = 0.3) {
  std::vector<float> x(static_cast<size_t>(std::lround(seconds * fs)));
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(amp * std::sin(2 * M_PI * freq * i / fs + phase));
  return x;
}
}  // namespace

TEST_CASE("resampling 360 Hz to 360 Hz copies the input exactly", "[dsp][resample]") {
  std::vector<float> x = {0.5f, -1.25f, 3.0f, 0.0f, 7.75f};
  CHECK(resample(x, 360.0, 360.0) == x);
  CHECK(resample(std::vector<float>{}, 250.0).empty());
}

TEST_CASE("resampled sinusoids match the analytic sinusoid at 360 Hz", "[dsp][resample]") {
  const double rates[] = {128.0, 250.0, 257.0, 500.0, 1000.0, 250.5, 999.9};  // last two: no polyphase
  const double freqs[] = {1.0, 5.0, 17.0, 40.0};
  for (double fs : rates) {
    for (double f : freqs) {
      if (f > 0.4 * std::min(fs, 360.0)) continue;
      const auto x = sine(f, fs, 4.0);
      const auto y = resample(x, fs, 360.0);
      INFO("fs=" << fs << " f=" << f);
      REQUIRE(y.size() == static_cast<size_t>(std::ceil(x.size() * 360.0 / fs - 1e-9)));
      double maxErr = 0;
      for (size_t m = 180; m + 180 < y.size(); ++m)  // away from the edge extension
        maxErr = std::max(maxErr, std::fabs(y[m] - std::sin(2 * M_PI * f * m / 360.0 + 0.3)));
      CHECK(maxErr < 2e-3);
    }
  }
}

TEST_CASE("downsampling removes tones above the new Nyquist frequency", "[dsp][resample]") {
  const auto x = sine(300.0, 1000.0, 2.0);  // would alias to 60 Hz at 360 Hz
  const auto y = resample(x, 1000.0, 360.0);
  double energy = 0;
  for (size_t m = 100; m + 100 < y.size(); ++m) energy += y[m] * y[m];
  CHECK(std::sqrt(energy / (y.size() - 200)) < 0.01);  // input RMS is 0.707
}

TEST_CASE("a constant stays constant through resampling", "[dsp][resample]") {
  std::vector<float> x(1000, 1.5f);
  for (float v : resample(x, 250.0, 360.0)) CHECK(v == Approx(1.5f).epsilon(1e-5));
}

TEST_CASE("bad sample rates are rejected and indices map between rates", "[dsp][resample]") {
  std::vector<float> x(10, 0.0f);
  CHECK_THROWS_AS(resample(x, 0.0, 360.0), av::Error);
  CHECK_THROWS_AS(resample(x, -250.0, 360.0), av::Error);
  CHECK_THROWS_AS(resample(x, std::nan(""), 360.0), av::Error);
  CHECK_THROWS_AS(resample(x, 0.001, 360.0), av::Error);  // would make 3.6 million samples of each one
  CHECK_THROWS_AS(resample(x, 1e9, 360.0), av::Error);    // would need a huge kernel
  CHECK_THROWS_AS(resample(x, 250.0, INFINITY), av::Error);
  try {
    resample(x, 0.0, 360.0);
  } catch (const av::Error& e) {
    CHECK(e.code() == "invalid_sample_rate");
  }
  CHECK(map_index(250, 250.0, 360.0) == 360);
  CHECK(map_index(360, 360.0, 250.0) == 250);
  CHECK(map_index(77, 360.0, 360.0) == 77);
  CHECK(map_index(1, 128.0, 360.0) == 3);  // 2.8125 rounds to 3
}
