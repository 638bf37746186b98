#pragma once
// Filters for ECG at a fixed rate. Every filter here is either causal with state (Biquad) or a
// centred FIR / moving average with a fixed, finite reach, so a chunked version only needs to carry
// that many samples of context between chunks.
#include <span>
#include <vector>

namespace av::dsp {

// Second-order IIR section (direct form II transposed), state kept between calls.
struct Biquad {
  double b0 = 1, b1 = 0, b2 = 0, a1 = 0, a2 = 0;
  double z1 = 0, z2 = 0;
  double step(double x) {
    const double y = b0 * x + z1;
    z1 = b1 * x - a1 * y + z2;
    z2 = b2 * x - a2 * y;
    return y;
  }
  void reset() { z1 = z2 = 0; }
};

// Butterworth (Q = 1/sqrt(2)) sections by the bilinear transform; fc in Hz.
Biquad butterworth_lowpass(double fc, double fs);
Biquad butterworth_highpass(double fc, double fs);

// Centred moving average over `length` samples (made odd), edges extended with the edge value.
std::vector<float> moving_average(std::span<const float> x, int length);

// Linear-phase low-pass FIR (Hamming-windowed sinc), `taps` odd, unit DC gain.
std::vector<float> lowpass_fir_kernel(double fc, double fs, int taps);
// Centred convolution with a symmetric kernel (zero delay), edges extended with the edge value.
std::vector<float> convolve_centred(std::span<const float> x, std::span<const float> kernel);

// Baseline wander estimate: two cascaded centred moving averages of 0.6 s (about 0.5 Hz cut-off).
std::vector<float> baseline_estimate(std::span<const float> x, double fs);

// The signal beats are classified on: baseline removed and low-passed at 35 Hz (removes mains and
// muscle noise), zero delay, same length and rate as `x`.
std::vector<float> classification_signal(std::span<const float> x, double fs);

}  // namespace av::dsp
