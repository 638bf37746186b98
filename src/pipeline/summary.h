#pragma once
// Record-level summary built from labelled beats: class counts, heart rate, ectopic burden and rhythm events.
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace av::pipeline {

// One beat as the summary sees it: position at the input's rate and class index 0..4 (N L R A V), -1 if unlabelled.
struct BeatLabel {
  int64_t sample = 0;
  int label = -1;
};

// A stretch of beats [firstBeat, lastBeat] (indices into the beat list) with its sample span.
struct Episode {
  size_t firstBeat = 0, lastBeat = 0;
  int64_t start = 0, end = 0;  // samples of the first and last beat, input rate
  size_t beats = 0;            // beats in the stretch
  size_t cycles = 0;           // bigeminy/trigeminy: ectopic beats in the pattern
  double rateBpm = 0;          // V runs: 60 / mean RR inside the run
};

struct HeartRate {
  std::optional<double> meanBpm, minBpm, maxBpm;  // empty when fewer than two beats
};

struct Summary {
  size_t beatCount = 0;
  size_t unlabelled = 0;
  std::array<size_t, 5> counts{};
  HeartRate heartRate;
  std::array<double, 2> burdenPercent{};  // {V, A}: % of labelled beats
  std::vector<Episode> couplets, vRuns, bigeminy, trigeminy;
};

// Heart-rate windows for min/max: mean rate over this many consecutive RR intervals, sliding one beat at a time.
inline constexpr size_t kHeartRateWindowBeats = 8;
// Minimum repetitions of the (non-V, V) or (non-V, non-V, V) pattern that make a bigeminy/trigeminy episode.
inline constexpr size_t kMinPatternCycles = 3;

// Summarises beats in sample order; sampleRate > 0 (Hz at the input's rate).
Summary summarize(const std::vector<BeatLabel>& beats, double sampleRate);

}  // namespace av::pipeline
