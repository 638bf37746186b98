#include "pipeline/ectopy.h"

#include "core/annotation.h"

namespace av::pipeline {

Episode episode_of(const std::vector<BeatLabel>& beats, size_t first, size_t last) {
  Episode e;
  e.firstBeat = first;
  e.lastBeat = last;
  e.start = beats[first].sample;
  e.end = beats[last].sample;
  e.beats = last - first + 1;
  return e;
}

double mean_rate_bpm(const Episode& e, double fs) {
  const double span = static_cast<double>(e.end - e.start) / fs;
  return span > 0 ? 60.0 * static_cast<double>(e.beats - 1) / span : 0.0;
}

EctopicRuns runs_of(const std::vector<BeatLabel>& beats, double fs, int label) {
  EctopicRuns out;
  size_t i = 0;
  while (i < beats.size()) {
    if (beats[i].label != label) { ++i; continue; }
    size_t j = i;
    while (j + 1 < beats.size() && beats[j + 1].label == label) ++j;
    Episode e = episode_of(beats, i, j);
    if (e.beats == 1) {
      ++out.isolated;
    } else if (e.beats == 2) {
      out.couplets.push_back(e);
    } else {
      e.rateBpm = mean_rate_bpm(e, fs);
      out.runs.push_back(e);
    }
    i = j + 1;
  }
  return out;
}

std::vector<Episode> ectopic_patterns(const std::vector<BeatLabel>& beats, size_t period) {
  std::vector<size_t> v;
  for (size_t i = 0; i < beats.size(); ++i)
    if (beats[i].label == kClassV) v.push_back(i);
  std::vector<Episode> out;
  size_t k = 0;
  while (k < v.size()) {
    size_t m = k;
    while (m + 1 < v.size() && v[m + 1] - v[m] == period) ++m;
    size_t cycles = m - k + 1;
    if (cycles >= kMinPatternCycles) {
      size_t first = v[k] >= period - 1 ? v[k] - (period - 1) : 0;
      // The opening beat(s) must not be V themselves (that would be a couplet, not the pattern).
      while (first < v[k] && beats[first].label == kClassV) ++first;
      Episode e = episode_of(beats, first, v[m]);
      e.cycles = cycles;
      out.push_back(e);
    }
    k = m + 1;
  }
  return out;
}

std::vector<uint8_t> in_ventricular_rhythm(const std::vector<BeatLabel>& input) {
  std::vector<BeatLabel> beats = input;
  for (auto& b : beats)
    if (b.noisy) b.label = -1;
  std::vector<uint8_t> in(beats.size(), 0);
  auto mark = [&](const std::vector<Episode>& episodes) {
    for (const Episode& e : episodes)
      for (size_t i = e.firstBeat; i <= e.lastBeat; ++i) in[i] = 1;
  };
  mark(runs_of(beats, 1.0, kClassV).runs);
  mark(ectopic_patterns(beats, 2));
  mark(ectopic_patterns(beats, 3));
  return in;
}

}  // namespace av::pipeline
