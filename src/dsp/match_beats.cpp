#include "dsp/match_beats.h"

#include <algorithm>

namespace av::dsp {

BeatMatch match_beats(std::span<const int64_t> reference, std::span<const int64_t> detected, int64_t window) {
  struct Pair { int64_t dist; size_t r, d; };
  std::vector<Pair> candidates;
  size_t first = 0;
  for (size_t r = 0; r < reference.size(); ++r) {
    while (first < detected.size() && detected[first] < reference[r] - window) ++first;
    for (size_t d = first; d < detected.size() && detected[d] <= reference[r] + window; ++d)
      candidates.push_back({detected[d] > reference[r] ? detected[d] - reference[r] : reference[r] - detected[d], r, d});
  }
  std::stable_sort(candidates.begin(), candidates.end(), [](const Pair& a, const Pair& b) { return a.dist < b.dist; });
  std::vector<char> refUsed(reference.size(), 0), detUsed(detected.size(), 0);
  BeatMatch m;
  for (const Pair& p : candidates) {
    if (refUsed[p.r] || detUsed[p.d]) continue;
    refUsed[p.r] = detUsed[p.d] = 1;
    m.pairs.emplace_back(p.r, p.d);
  }
  std::sort(m.pairs.begin(), m.pairs.end());
  for (size_t r = 0; r < reference.size(); ++r)
    if (!refUsed[r]) m.missed.push_back(r);
  for (size_t d = 0; d < detected.size(); ++d)
    if (!detUsed[d]) m.extra.push_back(d);
  return m;
}

std::vector<int64_t> exclude_intervals(std::span<const int64_t> positions,
                                       std::span<const std::pair<int64_t, int64_t>> intervals) {
  std::vector<int64_t> kept;
  kept.reserve(positions.size());
  for (int64_t p : positions) {
    const bool inside = std::any_of(intervals.begin(), intervals.end(),
                                    [p](const auto& iv) { return p >= iv.first && p < iv.second; });
    if (!inside) kept.push_back(p);
  }
  return kept;
}

std::vector<int64_t> reference_beat_positions(std::span<const Annotation> annotations) {
  std::vector<int64_t> out;
  for (const Annotation& a : annotations)
    if (is_beat_annotation(a.code)) out.push_back(a.sample);
  return out;
}

std::vector<std::pair<int64_t, int64_t>> flutter_intervals(std::span<const Annotation> annotations, int64_t length) {
  constexpr int kVfOn = 32, kVfOff = 33;
  std::vector<std::pair<int64_t, int64_t>> out;
  int64_t start = -1;
  for (const Annotation& a : annotations) {
    if (a.code == kVfOn && start < 0) start = a.sample;
    if (a.code == kVfOff && start >= 0) {
      out.emplace_back(start, a.sample + 1);
      start = -1;
    }
  }
  if (start >= 0) out.emplace_back(start, std::max(start, length));
  return out;
}

DetectionScore& DetectionScore::operator+=(const DetectionScore& o) {
  reference += o.reference;
  detected += o.detected;
  tp += o.tp;
  fn += o.fn;
  fp += o.fp;
  return *this;
}

DetectionScore score(const BeatMatch& m, size_t referenceCount, size_t detectedCount) {
  DetectionScore s;
  s.reference = referenceCount;
  s.detected = detectedCount;
  s.tp = m.pairs.size();
  s.fn = m.missed.size();
  s.fp = m.extra.size();
  return s;
}

}  // namespace av::dsp
