#pragma once
// Beat windows for the classifiers: R peaks located on the 360 Hz classification signal and cut
// out as z-scored windows (models/FORMAT.md: (x - mean) / max(std, stdFloor), population std).
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace av::dsp {

struct BeatWindowSpec {
  int before = 90;   // samples before the R peak at 360 Hz
  int after = 166;   // samples from the R peak on (the R peak sits at index `before`)
  float stdFloor = 0.01f;
  // Context models: only beats with pre-RR >= this x the local mean RR (not premature) join the running template
  // that channel 1 and the morphology features are measured against (input.context.templateMinPreLocal); 0: all.
  float templateMinPreLocal = 0;
  int length() const { return before + after; }
};

struct PreparedBeats {
  std::vector<int64_t> sample;     // R peak at the input's own rate
  std::vector<int64_t> sample360;  // R peak in the 360 Hz classification signal
  std::vector<float> windows;      // count() x spec.length(), z-scored
  size_t count() const { return sample.size(); }
};

// Detects beats (reference empty) or uses the given reference positions (input rate); both are
// refined with the same rule (refine_r_peak) on the same signal, so a reference beat and a detection a
// few samples off give the same window. Positions outside the signal are dropped; duplicates after
// refinement are kept (one window per given position) for reference positions.
PreparedBeats prepare_beats(std::span<const float> samples, double fs, const BeatWindowSpec& spec,
                            const std::vector<int64_t>* referencePositions = nullptr);

// Writes the window centred on `r` as it is (index `spec.before` = r); samples beyond the signal take the
// edge value.
void cut_window(std::span<const float> signal, int64_t r, const BeatWindowSpec& spec, float* out);
// z-scores a cut window (models/FORMAT.md); `out` may be `raw`.
void zscore_window(const float* raw, const BeatWindowSpec& spec, float* out);

// Writes the z-scored window centred on `r` (index `spec.before` = r) into `out` (spec.length()
// floats); samples beyond the signal take the edge value.
void extract_window(std::span<const float> signal, int64_t r, const BeatWindowSpec& spec, float* out);

}  // namespace av::dsp
