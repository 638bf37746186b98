#pragma once
// Band-limited resampling of an ECG lead to another rate (the models run at 360 Hz).
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace av::dsp {

inline constexpr double kModelRate = 360.0;
inline constexpr double kMinRate = 10.0, kMaxRate = 100000.0;  // accepted sample rates, Hz

// Resamples `x` from `fsIn` to `fsOut` with a Kaiser-windowed sinc kernel centred on each output
// instant (no delay: output n sits at time n / fsOut). The cut-off is 0.45 x the lower of the two
// rates, so downsampling is anti-aliased. Equal rates copy the input exactly. Output length is
// ceil(len * fsOut / fsIn). Edges are extended with the edge value. Throws av::Error
// ("invalid_sample_rate") for rates outside [kMinRate, kMaxRate].
std::vector<float> resample(std::span<const float> x, double fsIn, double fsOut = kModelRate);

// Length of resample()'s output for `inputLength` samples: ceil(len * fsOut / fsIn), or len for equal rates.
int64_t resampled_length(int64_t inputLength, double fsIn, double fsOut = kModelRate);
// Input samples [first, last) that outputs [m0, m1) of resampling a signal of `inputLength` samples read
// (clamped to the signal): what a chunked caller must supply to resample_range().
std::pair<int64_t, int64_t> resample_input_range(int64_t m0, int64_t m1, int64_t inputLength, double fsIn,
                                                 double fsOut = kModelRate);
// Outputs [m0, m1) of resample() over a whole signal of `inputLength` samples, bit for bit, computed from
// `x` = input samples [first, first + x.size()), which must cover resample_input_range(m0, m1, ...)
// (internal_error otherwise). This is how a long recording is resampled chunk by chunk.
std::vector<float> resample_range(std::span<const float> x, int64_t first, int64_t inputLength, double fsIn,
                                  double fsOut, int64_t m0, int64_t m1);

// Maps a sample index between rates (rounded to the nearest sample).
int64_t map_index(int64_t index, double fsFrom, double fsTo);

}  // namespace av::dsp
