#pragma once
// Band-limited resampling of an ECG lead to another rate (the models run at 360 Hz).
#include <cstdint>
#include <span>
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

// Maps a sample index between rates (rounded to the nearest sample).
int64_t map_index(int64_t index, double fsFrom, double fsTo);

}  // namespace av::dsp
