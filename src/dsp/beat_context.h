#pragma once
// Context of each beat relative to the patient's own recent beats, for the context models: RR intervals
// normalized to the local and the long-term rhythm, and morphology against a running template (the
// element-wise median of the previous beats' windows; with BeatWindowSpec::templateMinPreLocal, of the
// non-premature ones, the first beat always included, with their amplitudes). Beats go in in time order; a beat comes out once the
// next one is known (its post-RR), so the look-ahead is one beat and a chunked analysis computes exactly the
// values of a whole-record one. Only past beats shape the template and the rhythm averages.
#include <array>
#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

#include "dsp/beats.h"
#include "dsp/resample.h"

namespace av::dsp {

// The features, in this order (names as models list them in their metadata).
enum ContextFeature {
  kPreRrSec,            // RR before the beat, s (clipped to [0.15, 4])
  kPostRrSec,           // RR after the beat, s
  kLocalRrSec,          // mean of the previous (up to) 10 RR intervals, s
  kLogPreLocal,         // ln(pre / local)   (all log ratios clipped to [-2, 2])
  kLogPostLocal,        // ln(post / local)
  kLogPostPre,          // ln(post / pre)
  kLogPreLong,          // ln(pre / long), long = mean RR over the previous 5 minutes
  kLogLocalLong,        // ln(local / long)
  kTemplateCorrQrs,     // Pearson correlation with the template, QRS region (-100 ms .. +150 ms)
  kTemplateCorrWindow,  // the same over the whole window
  kTemplateDiffQrs,     // RMS(beat - template) / max(RMS(template), 0.05 mV), QRS region, clipped to [0, 4]
  kLogAmplitudeRatio,   // ln(peak-to-peak of the QRS region / median of the previous beats' values)
  kQrsWidthSec,         // QRS width estimate: 5 %..95 % span of the slope energy within +-150 ms, s
  kLogWidthRatio,       // ln(width / the template's width)
  kContextFeatureCount
};
inline constexpr std::array<std::string_view, kContextFeatureCount> kContextFeatureNames = {
    "preRrSec",        "postRrSec",          "localRrSec",      "logPreLocal",       "logPostLocal",
    "logPostPre",      "logPreLong",         "logLocalLong",    "templateCorrQrs",   "templateCorrWindow",
    "templateDiffQrs", "logAmplitudeRatio", "qrsWidthSec",     "logWidthRatio"};
// Index of a feature name, or -1.
int context_feature_index(std::string_view name);

// Fixed settings (constants, so that the compiler folds them into the per-beat code).
struct ContextSpec {
  static constexpr double fs = kModelRate;  // rate of the positions and windows
  static constexpr int templateBeats = 24;  // previous beats whose median is the template
  static constexpr int localBeats = 10;     // RR intervals in the local mean
  static constexpr double longSec = 300;    // span of the long-term RR mean
};

// One beat with its model inputs.
struct ContextBeat {
  int64_t r = 0;                                // position (ContextSpec::fs)
  std::vector<float> raw;                       // the window as cut (spec.length() values, mV)
  std::vector<float> difference;                // (raw - template) / max(std(template), 0.05 mV); zeros without a template
  std::array<float, kContextFeatureCount> features{};
  // Correlation of the P-wave region (-240 .. -70 ms) with the template's: high where every beat has the same
  // P wave (sinus rhythm), near 0 where fibrillatory waves take its place. NaN until 8 beats are remembered.
  // For the rhythm analysis, not a model input.
  float pWaveCorr = std::numeric_limits<float>::quiet_NaN();
  // QRS width of the template (template_qrs_width), s: the patient's conduction, for a model's L rule
  // (LabelRules::lMinTemplateQrsSec). NaN without a template. Not a model input.
  float templateQrsWidthSec = std::numeric_limits<float>::quiet_NaN();
};

// The QRS width of a template (or any beat window), s: from the steepest sample of |first difference| within
// +-100 ms of the R peak, outwards to where it stays below 20 % of that peak for 11 ms (4 samples at 360 Hz).
// Steeper than the slope-energy span of kQrsWidthSec, it reads left bundle branch block templates about 100 ms
// and normal ones under 70 ms in MIT-BIH's DS1 (models/training/experiments/cv/plan-session12-template-width-gate.md).
double template_qrs_width(const float* window, const BeatWindowSpec& spec, double fs);

class BeatContextTracker {
 public:
  BeatContextTracker(const BeatWindowSpec& window, const ContextSpec& spec = {});
  // The next beat in time order, with its raw window (window.length() values of the classification signal).
  void push(int64_t r, std::vector<float> raw);
  // No more beats: the last one comes out (its post-RR is taken as its pre-RR).
  void finish();
  // Beats whose context is complete, in order; the caller takes them.
  std::vector<ContextBeat>& ready() { return ready_; }

 private:
  void emit(int64_t nextR, bool hasNext);
  void remember(const ContextBeat& beat, float amplitude);

  BeatWindowSpec window_;
  ContextSpec spec_;
  bool holding_ = false;
  ContextBeat held_;
  // The previous templateBeats windows, transposed ([sample][slot], a ring over slots), the same values kept
  // sorted per sample (so that the template's median is a lookup), and their QRS amplitudes.
  std::vector<float> pastWindows_, pastSorted_;
  std::vector<float> pastAmplitudes_;
  int pastCount_ = 0, pastSlot_ = 0;
  std::vector<float> template_;  // scratch
  std::vector<double> column_;   // scratch; double: the build's one nth_element instantiation (exact for floats)
  std::vector<double> localRr_;  // newest last, at most localBeats
  // (end position, RR s) within longSec of the newest: the live ones from longHead_ on (the dropped ones are
  // compacted away now and then, so memory stays bounded).
  std::vector<std::pair<int64_t, double>> longRr_;
  size_t longHead_ = 0;
  double longSum_ = 0;
  int64_t lastR_ = 0;
  bool hasLast_ = false;
  std::vector<ContextBeat> ready_;
};

// The model input of one beat: channel 0 the z-scored window, channel 1 (when channels == 2) the difference
// channel; features picked by index. Writes channels x window.length() floats to `window` and
// featureIndex.size() floats to `features`.
void context_model_input(const ContextBeat& beat, const BeatWindowSpec& spec, int channels,
                         const std::vector<int>& featureIndex, float* window, float* features);

}  // namespace av::dsp
