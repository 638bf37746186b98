#include "pipeline/summary.h"

#include <algorithm>
#include <limits>

namespace av::pipeline {
namespace {

constexpr int kV = 4, kA = 3;
// RR intervals outside this range (seconds) are gaps or artefacts, not heart beats, and stay out of the rate.
constexpr double kMinRR = 0.2, kMaxRR = 3.0;

Episode make_episode(const std::vector<BeatLabel>& beats, size_t first, size_t last) {
  Episode e;
  e.firstBeat = first;
  e.lastBeat = last;
  e.start = beats[first].sample;
  e.end = beats[last].sample;
  e.beats = last - first + 1;
  return e;
}

HeartRate heart_rate(const std::vector<BeatLabel>& beats, double fs) {
  std::vector<double> rr;
  for (size_t i = 1; i < beats.size(); ++i) {
    double seconds = static_cast<double>(beats[i].sample - beats[i - 1].sample) / fs;
    if (seconds >= kMinRR && seconds <= kMaxRR) rr.push_back(seconds);
  }
  HeartRate hr;
  if (rr.empty()) return hr;
  double total = 0;
  for (double s : rr) total += s;
  hr.meanBpm = 60.0 * static_cast<double>(rr.size()) / total;
  // Sliding mean over kHeartRateWindowBeats intervals (all of them when the record is shorter).
  size_t w = std::min(kHeartRateWindowBeats, rr.size());
  double sum = 0, lo = std::numeric_limits<double>::max(), hi = 0;
  for (size_t i = 0; i < rr.size(); ++i) {
    sum += rr[i];
    if (i >= w) sum -= rr[i - w];
    if (i + 1 >= w) {
      double bpm = 60.0 * static_cast<double>(w) / sum;
      lo = std::min(lo, bpm);
      hi = std::max(hi, bpm);
    }
  }
  hr.minBpm = lo;
  hr.maxBpm = hi;
  return hr;
}

// Runs of consecutive V beats: two make a couplet, three or more a V run (with its rate).
void v_runs(const std::vector<BeatLabel>& beats, double fs, Summary& s) {
  size_t i = 0;
  while (i < beats.size()) {
    if (beats[i].label != kV) { ++i; continue; }
    size_t j = i;
    while (j + 1 < beats.size() && beats[j + 1].label == kV) ++j;
    Episode e = make_episode(beats, i, j);
    if (e.beats == 2) {
      s.couplets.push_back(e);
    } else if (e.beats >= 3) {
      double span = static_cast<double>(e.end - e.start) / fs;
      e.rateBpm = span > 0 ? 60.0 * static_cast<double>(e.beats - 1) / span : 0.0;
      s.vRuns.push_back(e);
    }
    i = j + 1;
  }
}

// Ventricular bigeminy (period 2) or trigeminy (period 3): successive V beats exactly `period` beats apart,
// at least kMinPatternCycles times. The episode starts at the normal beat that opens the first cycle.
std::vector<Episode> patterns(const std::vector<BeatLabel>& beats, size_t period) {
  std::vector<size_t> v;
  for (size_t i = 0; i < beats.size(); ++i)
    if (beats[i].label == kV) v.push_back(i);
  std::vector<Episode> out;
  size_t k = 0;
  while (k < v.size()) {
    size_t m = k;
    while (m + 1 < v.size() && v[m + 1] - v[m] == period) ++m;
    size_t cycles = m - k + 1;
    if (cycles >= kMinPatternCycles) {
      size_t first = v[k] >= period - 1 ? v[k] - (period - 1) : 0;
      // The opening beat(s) must not be V themselves (that would be a couplet, not the pattern).
      while (first < v[k] && beats[first].label == kV) ++first;
      Episode e = make_episode(beats, first, v[m]);
      e.cycles = cycles;
      out.push_back(e);
    }
    k = m + 1;
  }
  return out;
}

}  // namespace

Summary summarize(const std::vector<BeatLabel>& beats, double sampleRate) {
  Summary s;
  s.beatCount = beats.size();
  size_t labelled = 0;
  for (const auto& b : beats) {
    if (b.label >= 0 && b.label < 5) {
      ++s.counts[static_cast<size_t>(b.label)];
      ++labelled;
    } else {
      ++s.unlabelled;
    }
  }
  if (labelled > 0) {
    s.burdenPercent[0] = 100.0 * static_cast<double>(s.counts[kV]) / static_cast<double>(labelled);
    s.burdenPercent[1] = 100.0 * static_cast<double>(s.counts[kA]) / static_cast<double>(labelled);
  }
  if (sampleRate <= 0) return s;
  s.heartRate = heart_rate(beats, sampleRate);
  v_runs(beats, sampleRate, s);
  s.bigeminy = patterns(beats, 2);
  s.trigeminy = patterns(beats, 3);
  return s;
}

}  // namespace av::pipeline
