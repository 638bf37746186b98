#pragma once
// SHAP players for a context model's features (models/FORMAT.md input.context). Twelve time segments plus one
// player per feature would be 26 players, too many for exact Shapley values (2^16 coalitions at most), so the
// features are grouped by what they measure. The groups come from the names alone (camelCase words), so any
// subset of features a model lists is grouped the same way:
//   "rhythm (RR)"     a word rr, pre, post, local or long   (preRrSec, postRrSec, localRrSec, logPreLocal,
//                                                            logPostLocal, logPostPre, logPreLong, logLocalLong)
//   "template match"  a word template                       (templateCorrQrs, templateCorrWindow, templateDiffQrs)
//   "QRS width"       a word width                          (qrsWidthSec, logWidthRatio)
//   "amplitude"       a word amplitude                      (logAmplitudeRatio)
//   "other context"   anything else
// The rules apply in the order template, width, amplitude, rhythm; players come out in the order of the list
// above, empty groups left out. A player takes the beat's values for all its features or the baseline's.
#include <string>
#include <vector>

namespace av::explain {

struct ContextPlayer {
  std::string name;
  std::vector<int> features;               // indices into the model's context vector, ascending
  std::vector<std::string> featureNames;   // their names
  double value = 0.0;                      // Shapley value (in an Explanation)
};

// The players of a model's context features (empty for no features).
std::vector<ContextPlayer> group_context_features(const std::vector<std::string>& names);

// camelCase (or snake_case) words of a name, lower-cased: "logPreLocal" -> {"log", "pre", "local"}.
std::vector<std::string> name_words(const std::string& name);

}  // namespace av::explain
