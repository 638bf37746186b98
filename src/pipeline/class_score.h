#pragma once
// Classification scoring of labelled beats against labelled reference beats, over the matched pairs of
// dsp::match_beats (EC57-style beat-by-beat comparison extended to the five classes N L R A V):
//   - a matched reference beat of class r whose detection is labelled p adds confusion[r][p];
//   - an unmatched reference beat of class r is a miss of r (counts against r's sensitivity);
//   - an unmatched detection labelled p is a false detection of p (counts against p's PPV);
//   - reference beats of other types (f, /, Q, j, e, ...) are left out, matched or not; a detection
//     matched to one is counted in `excluded` only.
// Per class c: Se = TP / (reference beats of c), PPV = TP / (detections labelled c that entered the
// score, false detections included), F1 = 2 TP / (reference + predicted). Accuracy is over the matched
// five-class beats; macro-F1 averages F1 over the classes that have reference beats.
#include <array>
#include <cstddef>
#include <span>

#include <nlohmann/json_fwd.hpp>

#include "core/annotation.h"
#include "dsp/match_beats.h"

namespace av::pipeline {

inline constexpr int kScoreClasses = 5;  // N L R A V, the models' output order (kClassSymbols)

struct ClassScore {
  using Counts = std::array<size_t, kScoreClasses>;
  std::array<Counts, kScoreClasses> confusion{};  // [reference class][predicted label], matched beats
  Counts missed{};           // reference beats of the class with no detection
  Counts falseDetections{};  // detections with no reference beat, by predicted label
  Counts excluded{};         // detections matched to reference beats of other types, by predicted label

  size_t reference(int c) const;      // confusion row + missed
  size_t predicted(int c) const;      // confusion column + false detections
  size_t truePositives(int c) const { return confusion[c][c]; }
  size_t matched() const;             // sum of the confusion matrix
  size_t correct() const;             // its trace
  size_t excludedTotal() const;
  // NaN where the denominator is zero (no reference beats / no detections of the class).
  double sensitivity(int c) const;
  double positivePredictivity(int c) const;
  double f1(int c) const;             // 2 TP / (reference + predicted); NaN when both are zero
  double accuracy() const;            // correct / matched; NaN when nothing matched
  double macroF1() const;             // mean F1 over classes with reference beats; NaN when none has any

  ClassScore& operator+=(const ClassScore& other);
};

// `referenceClass[i]`: class 0..4 of reference beat i, or -1 for other beat types (core::class_index_for_code);
// `predictedLabel[j]`: label 0..4 of detection j. Indices as in `match` (reference index, detection index).
// Throws av::Error("invalid_argument") when a size or label does not fit.
ClassScore score_classes(const dsp::BeatMatch& match, std::span<const int> referenceClass,
                         std::span<const int> predictedLabel);

// {"confusion": 5x5, "confusionLayout", "missed", "falseDetections", "excluded", "perClass": {N: {reference,
// predicted, tp, se, ppv, f1}, ...}, "matched", "accuracy", "macroF1"}; NaN ratios are written as null.
nlohmann::ordered_json to_json(const ClassScore& score, const char* const* symbols = kClassSymbols);

}  // namespace av::pipeline
