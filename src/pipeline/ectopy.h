#pragma once
// Runs and patterns of ectopic beats, as the summary reports them and as the AF detection leaves them out:
// couplets and runs of one class, ventricular bigeminy and trigeminy.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "pipeline/beat_label.h"

namespace av::pipeline {

// A stretch of beats [firstBeat, lastBeat] (indices into the beat list) with its sample span.
struct Episode {
  size_t firstBeat = 0, lastBeat = 0;
  int64_t start = 0, end = 0;  // samples of the first and last beat, input rate
  size_t beats = 0;            // beats in the stretch
  size_t cycles = 0;           // bigeminy/trigeminy: ectopic beats in the pattern
  double rateBpm = 0;          // runs and AF episodes: 60 / mean RR inside the stretch (mean_rate_bpm)
};

// The stretch of beats [first, last]; and 60 / its mean RR (0 for a stretch without duration).
Episode episode_of(const std::vector<BeatLabel>& beats, size_t first, size_t last);
double mean_rate_bpm(const Episode& e, double sampleRate);

// Minimum repetitions of the (non-V, V) or (non-V, non-V, V) pattern that make a bigeminy/trigeminy episode.
inline constexpr size_t kMinPatternCycles = 3;

// Consecutive beats of one class: two make a couplet, three or more a run (with its rate); the rest are isolated.
struct EctopicRuns {
  std::vector<Episode> couplets, runs;
  size_t isolated = 0;
};
EctopicRuns runs_of(const std::vector<BeatLabel>& beats, double sampleRate, int label);

// Ventricular bigeminy (period 2) or trigeminy (period 3): successive V beats exactly `period` beats apart, at
// least kMinPatternCycles times. The episode starts at the normal beat that opens the first cycle.
std::vector<Episode> ectopic_patterns(const std::vector<BeatLabel>& beats, size_t period);

// Per beat: whether it lies in a ventricular rhythm, that is a run of ≥ 3 V beats, a bigeminy or a trigeminy.
// Noisy beats count as unlabelled (they break runs and patterns), as in the summary.
std::vector<uint8_t> in_ventricular_rhythm(const std::vector<BeatLabel>& beats);

}  // namespace av::pipeline
