#pragma once
// Signal quality over fixed 5-second segments of the 360 Hz signal, counted from the record start, so that
// chunked and whole-record analysis flag exactly the same segments. Each segment is judged from its own
// samples alone:
//   flat     the signal hardly moves (range below kFlatRangeMv): lead off or a dead channel;
//   clipped  a large share of the samples sit at the segment's extreme values: saturation or clipping;
//   noisy    one of two linear noise detectors fires (electrode motion, muscle), over features that say
//            how much the segment still looks like repeating QRS complexes (kurtosis, crest factor,
//            periodicity) and where its power lies (below ~1 Hz, below ~5 Hz, above ~40 Hz, zero
//            crossings), or baseline wander holds most of the power.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace av::dsp {

inline constexpr int64_t kQualitySegment = 1800;  // 5 s at 360 Hz

enum class QualityIssue : uint8_t { None, Flat, Clipped, Noisy };
const char* quality_issue_name(QualityIssue issue);

struct SegmentQuality {
  int64_t start = 0, end = 0;  // 360 Hz samples [start, end)
  QualityIssue issue = QualityIssue::None;
  float kurtosis = 0, lowFraction = 0, highFraction = 0, clipFraction = 0, rangeMv = 0;
  float periodicity = 0;  // the highest autocorrelation at a lag of 0.25-2 s: how much each beat repeats
  float midFraction = 0;  // share of the baseline-free power below ~5 Hz (P and T waves; motion noise)
  float crest = 0;        // peak / RMS of the baseline-free signal (QRS complexes stand out)
  float crossings = 0;    // zero crossings of the baseline-free signal per second
  bool muscle = false;    // the muscle (broadband) detector fired: high-frequency noise, never a rhythm
  bool usable() const { return issue == QualityIssue::None; }
};

// The judgement of one segment (360 Hz samples, mV).
SegmentQuality judge_segment(std::span<const float> x, int64_t start);

// Collects the 360 Hz samples in order, in chunks of any size, and judges each segment once complete.
class SignalQualityTracker {
 public:
  void push(std::span<const float> x360);  // the next samples, in order from index 0
  void finish();                           // judges the last, partial segment
  const std::vector<SegmentQuality>& segments() const { return segments_; }

 private:
  std::vector<float> buffer_;
  int64_t next_ = 0;  // index of the first sample in buffer_
  std::vector<SegmentQuality> segments_;
};

}  // namespace av::dsp
