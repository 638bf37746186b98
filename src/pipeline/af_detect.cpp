#include "pipeline/af_detect.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "core/annotation.h"
#include "core/insert_at.h"
#include "pipeline/ectopy.h"

namespace av::pipeline {
namespace {

constexpr size_t kMinPairs = 8;

// Linear-interpolated quantile of sorted values, as numpy's default.
double quantile_of_sorted(const std::vector<double>& v, double q) {
  const double h = q * static_cast<double>(v.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(h));
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (h - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

// For every beat 0..n-1: the quantile q of the `windowBeats` values nearest to it (values[k] belongs to beat
// at[k], in order), or `none` when fewer than kMinPairs values exist in the whole record. The window only
// slides forward, so it is kept sorted by one insertion and one removal per step.
std::vector<double> centred_quantile(const std::vector<double>& values, const std::vector<size_t>& at, size_t n,
                                     size_t windowBeats, double q, double none) {
  std::vector<double> out(n, none);
  const size_t m = values.size();
  if (m < kMinPairs) return out;
  const size_t w = std::max<size_t>(1, std::min(windowBeats, m));
  std::vector<double> sorted;  // values[from, to), sorted
  size_t from = 0, to = 0;
  size_t next = 0;  // first value at or after the beat
  for (size_t b = 0; b < n; ++b) {
    while (next < m && at[next] < b) ++next;
    size_t lo = next >= w / 2 ? next - w / 2 : 0;
    const size_t hi = std::min(m, lo + w);
    lo = hi >= w ? hi - w : 0;
    for (; to < hi; ++to)
      insert_at(sorted, static_cast<size_t>(std::upper_bound(sorted.begin(), sorted.end(), values[to]) - sorted.begin()), values[to]);
    for (; from < lo; ++from) sorted.erase(std::lower_bound(sorted.begin(), sorted.end(), values[from]));
    out[b] = quantile_of_sorted(sorted, q);
  }
  return out;
}

}  // namespace

std::vector<double> rr_irregularity(const std::vector<BeatLabel>& beats, double fs, const AfOptions& options) {
  const size_t n = beats.size();
  std::vector<double> out(n, -1.0);
  if (n < 3 || !(fs > 0)) return out;
  // Pair i: RR (i-1 → i) and RR (i → i+1), centred on beat i.
  std::vector<double> d;
  std::vector<size_t> centre;
  for (size_t i = 1; i + 1 < n; ++i) {
    if (beats[i - 1].label == kClassV || beats[i].label == kClassV || beats[i + 1].label == kClassV) continue;
    if (beats[i - 1].noisy || beats[i].noisy || beats[i + 1].noisy) continue;
    const double a = static_cast<double>(beats[i].sample - beats[i - 1].sample) / fs;
    const double b = static_cast<double>(beats[i + 1].sample - beats[i].sample) / fs;
    if (!(a > 0 && b > 0) || a > options.maxRrSec || b > options.maxRrSec) continue;
    d.push_back(std::fabs(b - a) / (0.5 * (a + b)));
    centre.push_back(i);
  }
  out = centred_quantile(d, centre, n, options.windowBeats, options.quantile, -1.0);
  // Usable pairs among the windowBeats beats [b − w/2, b + w/2) around each beat, by a running count.
  const size_t w = std::max<size_t>(1, options.windowBeats);
  std::vector<size_t> usableBefore(n + 1, 0);  // usable pairs centred before beat k
  for (size_t c : centre) usableBefore[c + 1] = 1;
  for (size_t k = 0; k < n; ++k) usableBefore[k + 1] += usableBefore[k];
  for (size_t b = 0; b < n; ++b) {
    const size_t lo = b >= w / 2 ? b - w / 2 : 0, hi = std::min(n, b + (w - w / 2));
    const double share = static_cast<double>(usableBefore[hi] - usableBefore[lo]) / static_cast<double>(w);
    if (share < options.minUsableShare) out[b] = 0;
  }
  return out;
}

std::vector<double> p_wave_presence(const std::vector<BeatLabel>& beats, const AfOptions& options) {
  const size_t n = beats.size();
  std::vector<double> p;
  std::vector<size_t> at;
  for (size_t i = 0; i < n; ++i)
    if (std::isfinite(beats[i].pWave) && !beats[i].noisy && beats[i].label != kClassV) {
      p.push_back(beats[i].pWave);
      at.push_back(i);
    }
  return centred_quantile(p, at, n, options.windowBeats, 0.5, std::numeric_limits<double>::quiet_NaN());
}

std::vector<double> af_evidence(std::vector<double> irregularity, const std::vector<double>& presence,
                                const AfOptions& options) {
  if (options.pWaveMax > 1) return irregularity;
  for (size_t i = 0; i < irregularity.size() && i < presence.size(); ++i)
    if (presence[i] >= options.pWaveMax) irregularity[i] = 0;
  return irregularity;
}

std::vector<double> af_evidence(const std::vector<BeatLabel>& beats, double fs, const AfOptions& options) {
  std::vector<double> irregularity = rr_irregularity(beats, fs, options);
  if (options.pWaveMax > 1) return irregularity;  // the P-wave presence is not needed
  return af_evidence(std::move(irregularity), p_wave_presence(beats, options), options);
}

std::vector<AfEpisode> af_episodes(const std::vector<BeatLabel>& beats, const std::vector<double>& irregularity,
                                   double fs, const AfOptions& options) {
  std::vector<AfEpisode> out;
  const size_t n = std::min(beats.size(), irregularity.size());
  const std::vector<uint8_t> ventricular =
      options.splitAtVentricularRhythm ? in_ventricular_rhythm(beats) : std::vector<uint8_t>(beats.size(), 0);
  // Beats [i, j] as episodes: the stretches between ventricular rhythms, of two beats or more.
  auto emit = [&](size_t i, size_t j) {
    while (i <= j) {
      while (i <= j && ventricular[i]) ++i;
      size_t last = i;
      while (last + 1 <= j && !ventricular[last + 1]) ++last;
      if (i < last) {
        AfEpisode e = episode_of(beats, i, last);
        e.rateBpm = mean_rate_bpm(e, fs);
        out.push_back(e);
      }
      i = last + 1;
    }
  };
  // A low quantile over a centred window crosses the threshold (0.5 − q)·window beats inside an irregular
  // stretch, at both ends: the episode is widened back by that much.
  const size_t widen = static_cast<size_t>(std::lround(std::max(0.0, 0.5 - options.quantile) *
                                                       static_cast<double>(options.windowBeats)));
  size_t k = 0;
  size_t previousEnd = 0;
  bool any = false;
  while (k < n) {
    if (!(irregularity[k] > options.threshold)) { ++k; continue; }
    size_t last = k;
    while (last + 1 < n && irregularity[last + 1] > options.threshold) ++last;
    size_t i = k >= widen ? k - widen : 0;
    if (any) i = std::max(i, previousEnd + 1);
    const size_t j = std::min(n - 1, last + widen);
    k = last + 1;
    if (i > j) continue;  // inside the previous episode's widened end
    if (static_cast<double>(beats[j].sample - beats[i].sample) / fs >= options.minEpisodeSec) {
      emit(i, j);
      previousEnd = j;
      any = true;
    }
  }
  return out;
}

}  // namespace av::pipeline
