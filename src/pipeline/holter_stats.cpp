#include "pipeline/holter_stats.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/annotation.h"

namespace av::pipeline {
namespace {

// RR intervals outside this range (seconds) are gaps or artefacts, not heart beats, and stay out of the rate.
constexpr double kMinRR = 0.2, kMaxRR = 3.0;

struct Rr {
  int64_t start = 0, end = 0;  // samples of the two beats
  double sec = 0;
};

std::vector<Rr> valid_rr(const std::vector<BeatLabel>& beats, double fs) {
  std::vector<Rr> rr;
  for (size_t i = 1; i < beats.size(); ++i) {
    if (beats[i - 1].noisy || beats[i].noisy) continue;
    double seconds = static_cast<double>(beats[i].sample - beats[i - 1].sample) / fs;
    if (seconds >= kMinRR && seconds <= kMaxRR) rr.push_back({beats[i - 1].sample, beats[i].sample, seconds});
  }
  return rr;
}

bool is_normal(const BeatLabel& b) { return !b.noisy && b.label >= 0 && b.label <= 2; }  // N, L, R

// Sample standard deviation (n − 1); empty below two values.
std::optional<double> sample_sd(const std::vector<double>& v) {
  if (v.size() < 2) return std::nullopt;
  double mean = 0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  double ss = 0;
  for (double x : v) ss += (x - mean) * (x - mean);
  return std::sqrt(ss / static_cast<double>(v.size() - 1));
}

// Min and max of the sliding kHeartRateWindowBeats-interval mean rate over rr (all of them when shorter),
// each with the middle time of its window; only windows whose last interval ends inside [from, to).
struct Extremes {
  std::optional<double> minBpm, maxBpm, minSec, maxSec;
};
Extremes rate_extremes(const std::vector<Rr>& rr, double fs, int64_t from, int64_t to) {
  Extremes e;
  if (rr.empty()) return e;
  const size_t w = std::min(kHeartRateWindowBeats, rr.size());
  double sum = 0, lo = std::numeric_limits<double>::max(), hi = 0;
  for (size_t i = 0; i < rr.size(); ++i) {
    sum += rr[i].sec;
    if (i >= w) sum -= rr[i - w].sec;
    if (i + 1 < w || rr[i].end < from || rr[i].end >= to) continue;
    const double bpm = 60.0 * static_cast<double>(w) / sum;
    const double mid = 0.5 * static_cast<double>(rr[i + 1 - w].start + rr[i].end) / fs;
    if (bpm < lo) { lo = bpm; e.minBpm = bpm; e.minSec = mid; }
    if (bpm > hi) { hi = bpm; e.maxBpm = bpm; e.maxSec = mid; }
  }
  return e;
}

}  // namespace

HeartRate heart_rate(const std::vector<BeatLabel>& beats, double fs) {
  HeartRate hr;
  const std::vector<Rr> rr = valid_rr(beats, fs);
  if (rr.empty()) return hr;
  double total = 0;
  for (const Rr& r : rr) total += r.sec;
  hr.meanBpm = 60.0 * static_cast<double>(rr.size()) / total;
  const Extremes e = rate_extremes(rr, fs, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
  hr.minBpm = e.minBpm;
  hr.maxBpm = e.maxBpm;
  hr.minTimeSec = e.minSec;
  hr.maxTimeSec = e.maxSec;
  return hr;
}

std::vector<Pause> find_pauses(const std::vector<BeatLabel>& beats, double fs, const SummaryOptions& options,
                               const std::vector<SampleSpan>& unusable) {
  std::vector<Pause> out;
  size_t u = 0;  // first unusable stretch that may still overlap (both lists are in order)
  for (size_t i = 1; i < beats.size(); ++i) {
    // Not a finding when either beat, or any of the interval, lies in unusable signal.
    if (beats[i - 1].noisy || beats[i].noisy) continue;
    while (u < unusable.size() && unusable[u].end <= beats[i - 1].sample) ++u;
    if (u < unusable.size() && unusable[u].start < beats[i].sample) continue;
    const double seconds = static_cast<double>(beats[i].sample - beats[i - 1].sample) / fs;
    if (seconds >= options.pauseSec)
      out.push_back({i - 1, beats[i - 1].sample, seconds, seconds >= options.flaggedPauseSec});
  }
  return out;
}

Hrv heart_rate_variability(const std::vector<BeatLabel>& beats, double fs) {
  Hrv h;
  std::vector<double> nn;            // ms
  std::vector<int64_t> nnEnd;        // sample of the interval's second beat
  std::vector<double> successive;    // ms, differences of NN intervals that share a beat
  for (size_t i = 1; i < beats.size(); ++i) {
    if (!is_normal(beats[i - 1]) || !is_normal(beats[i])) continue;
    const double ms = 1000.0 * static_cast<double>(beats[i].sample - beats[i - 1].sample) / fs;
    if (!nn.empty() && nnEnd.back() == beats[i - 1].sample) successive.push_back(ms - nn.back());
    nn.push_back(ms);
    nnEnd.push_back(beats[i].sample);
  }
  h.nnCount = nn.size();
  h.sdnnMs = sample_sd(nn);
  if (!successive.empty()) {
    double ss = 0;
    size_t over50 = 0;
    for (double d : successive) {
      ss += d * d;
      if (std::fabs(d) > 50.0) ++over50;
    }
    h.rmssdMs = std::sqrt(ss / static_cast<double>(successive.size()));
    h.pnn50Percent = 100.0 * static_cast<double>(over50) / static_cast<double>(successive.size());
  }
  // 5-minute segments from the record start, by the time of each interval's second beat.
  const int64_t segment = static_cast<int64_t>(std::llround(kHrvSegmentSec * fs));
  std::vector<double> means, sds, current;
  auto close = [&]() {
    if (current.empty()) return;
    double m = 0;
    for (double x : current) m += x;
    means.push_back(m / static_cast<double>(current.size()));
    if (auto sd = sample_sd(current)) sds.push_back(*sd);
    current.clear();
  };
  int64_t seg = -1;
  for (size_t k = 0; k < nn.size(); ++k) {
    const int64_t s = segment > 0 ? nnEnd[k] / segment : 0;
    if (s != seg) { close(); seg = s; }
    current.push_back(nn[k]);
  }
  close();
  h.sdannMs = sample_sd(means);
  if (!sds.empty()) {
    double m = 0;
    for (double x : sds) m += x;
    h.sdnnIndexMs = m / static_cast<double>(sds.size());
  }
  return h;
}

std::vector<HourRow> hourly_rows(const std::vector<BeatLabel>& beats, double fs, int64_t lengthSamples,
                                 const std::vector<Pause>& pauses, const std::vector<AfEpisode>& af) {
  std::vector<HourRow> rows;
  int64_t length = lengthSamples;
  if (length <= 0 && !beats.empty()) length = beats.back().sample + 1;
  if (length <= 0) return rows;
  const double hour = kHourSec * fs;
  const size_t count = static_cast<size_t>(std::ceil(static_cast<double>(length) / hour));
  const std::vector<Rr> rr = valid_rr(beats, fs);
  for (size_t h = 0; h < count; ++h) {
    HourRow row;
    row.startSec = kHourSec * static_cast<double>(h);
    const int64_t from = static_cast<int64_t>(std::llround(hour * static_cast<double>(h)));
    const int64_t to = static_cast<int64_t>(std::llround(hour * static_cast<double>(h + 1)));
    for (const BeatLabel& b : beats) {
      if (b.sample < from || b.sample >= to) continue;
      ++row.beats;
      if (b.noisy) continue;
      if (b.label == kClassV) ++row.v;
      if (b.label == kClassA) ++row.a;
    }
    double total = 0;
    size_t n = 0;
    for (const Rr& r : rr)
      if (r.end >= from && r.end < to) { total += r.sec; ++n; }
    if (n > 0) row.meanBpm = 60.0 * static_cast<double>(n) / total;
    const Extremes e = rate_extremes(rr, fs, from, to);
    row.minBpm = e.minBpm;
    row.maxBpm = e.maxBpm;
    for (const Pause& p : pauses)
      if (p.start >= from && p.start < to) ++row.pauses;
    for (const AfEpisode& ep : af) {
      const int64_t a = std::max(ep.start, from), b = std::min(ep.end, to);
      if (b > a) row.afSec += static_cast<double>(b - a) / fs;
    }
    rows.push_back(row);
  }
  return rows;
}

}  // namespace av::pipeline
