#include "pipeline/summary.h"

#include <algorithm>
#include <limits>

#include "core/annotation.h"
#include "pipeline/holter_stats.h"

namespace av::pipeline {
namespace {


Ectopy ectopy(const EctopicRuns& r, double fs) {
  Ectopy e;
  e.isolated = r.isolated;
  e.couplets = r.couplets.size();
  e.runs = r.runs.size();
  for (const Episode& run : r.runs) {
    if (run.beats == 3) ++e.triplets;
    if (static_cast<double>(run.end - run.start) / fs >= kSustainedRunSec) ++e.sustainedRuns;
    if (!e.longestRun || run.beats > e.longestRun->beats) e.longestRun = run;
    if (!e.fastestRun || run.rateBpm > e.fastestRun->rateBpm) e.fastestRun = run;
  }
  return e;
}

}  // namespace

std::vector<AfEpisode> find_af(std::vector<BeatLabel>& beats, double fs, const SummaryOptions& options,
                               std::vector<size_t>* relabelled) {
  if (!(fs > 0)) return {};
  std::vector<AfEpisode> episodes = af_episodes(beats, af_evidence(beats, fs, options.af), fs, options.af);
  if (!options.afRelabel) return episodes;
  for (const AfEpisode& e : episodes)
    for (size_t i = e.firstBeat; i <= e.lastBeat; ++i)
      if (beats[i].label == kClassA) {
        beats[i].label = 0;
        if (relabelled) relabelled->push_back(i);
      }
  return episodes;
}

Summary summarize(const std::vector<BeatLabel>& input, double sampleRate, int64_t lengthSamples,
                  const SummaryOptions& options, const std::vector<AfEpisode>& af, const SignalQuality& quality) {
  Summary s;
  s.beatCount = input.size();
  s.signalQuality = quality;
  // Noisy beats keep their place (they still break runs and patterns) but no label.
  std::vector<BeatLabel> beats = input;
  for (auto& b : beats)
    if (b.noisy) b.label = -1;
  size_t labelled = 0;
  for (const auto& b : beats) {
    if (b.noisy) {
      continue;
    } else if (b.label >= 0 && b.label < 5) {
      ++s.counts[static_cast<size_t>(b.label)];
      ++labelled;
    } else {
      ++s.unlabelled;
    }
  }
  if (labelled > 0) {
    s.burdenPercent[0] = 100.0 * static_cast<double>(s.counts[kClassV]) / static_cast<double>(labelled);
    s.burdenPercent[1] = 100.0 * static_cast<double>(s.counts[kClassA]) / static_cast<double>(labelled);
  }
  if (sampleRate <= 0) return s;
  s.heartRate = heart_rate(beats, sampleRate);
  const EctopicRuns v = runs_of(beats, sampleRate, kClassV), a = runs_of(beats, sampleRate, kClassA);
  s.couplets = v.couplets;
  s.vRuns = v.runs;
  s.svRuns = a.runs;
  s.ventricular = ectopy(v, sampleRate);
  s.supraventricular = ectopy(a, sampleRate);
  s.bigeminy = ectopic_patterns(beats, 2);
  s.trigeminy = ectopic_patterns(beats, 3);
  s.af.episodes = af;
  const int64_t length = lengthSamples > 0 ? lengthSamples : (beats.empty() ? 0 : beats.back().sample + 1);
  double afSamples = 0;
  for (const AfEpisode& e : af) afSamples += static_cast<double>(e.end - e.start);
  if (length > 0) s.af.burdenPercent = 100.0 * afSamples / static_cast<double>(length);
  s.pauses = find_pauses(beats, sampleRate, options, quality.unusable);
  s.hrv = heart_rate_variability(beats, sampleRate);
  s.hourly = hourly_rows(beats, sampleRate, length, s.pauses, af);
  return s;
}

}  // namespace av::pipeline
