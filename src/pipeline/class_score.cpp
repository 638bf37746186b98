#include "pipeline/class_score.h"

#include <cmath>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

#include "core/annotation.h"
#include "core/error.h"

namespace av::pipeline {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double ratio(size_t num, size_t den) { return den ? static_cast<double>(num) / static_cast<double>(den) : kNaN; }

bool is_class(int c) { return c >= 0 && c < kScoreClasses; }

}  // namespace

size_t ClassScore::reference(int c) const {
  size_t n = missed[c];
  for (int p = 0; p < kScoreClasses; ++p) n += confusion[c][p];
  return n;
}

size_t ClassScore::predicted(int c) const {
  size_t n = falseDetections[c];
  for (int r = 0; r < kScoreClasses; ++r) n += confusion[r][c];
  return n;
}

size_t ClassScore::matched() const {
  size_t n = 0;
  for (const auto& row : confusion)
    for (size_t v : row) n += v;
  return n;
}

size_t ClassScore::correct() const {
  size_t n = 0;
  for (int c = 0; c < kScoreClasses; ++c) n += confusion[c][c];
  return n;
}

size_t ClassScore::excludedTotal() const {
  size_t n = 0;
  for (size_t v : excluded) n += v;
  return n;
}

double ClassScore::sensitivity(int c) const { return ratio(truePositives(c), reference(c)); }
double ClassScore::positivePredictivity(int c) const { return ratio(truePositives(c), predicted(c)); }
double ClassScore::f1(int c) const { return ratio(2 * truePositives(c), reference(c) + predicted(c)); }
double ClassScore::accuracy() const { return ratio(correct(), matched()); }

double ClassScore::macroF1() const {
  double sum = 0;
  int classes = 0;
  for (int c = 0; c < kScoreClasses; ++c)
    if (reference(c) > 0) sum += f1(c), ++classes;
  return classes ? sum / classes : kNaN;
}

ClassScore& ClassScore::operator+=(const ClassScore& o) {
  for (int r = 0; r < kScoreClasses; ++r) {
    for (int p = 0; p < kScoreClasses; ++p) confusion[r][p] += o.confusion[r][p];
    missed[r] += o.missed[r];
    falseDetections[r] += o.falseDetections[r];
    excluded[r] += o.excluded[r];
  }
  return *this;
}

ClassScore score_classes(const dsp::BeatMatch& match, std::span<const int> referenceClass,
                         std::span<const int> predictedLabel) {
  auto label = [&](size_t d) {
    if (d >= predictedLabel.size())
      throw Error("invalid_argument", "detection index " + std::to_string(d) + " beyond the labels given");
    const int p = predictedLabel[d];
    if (!is_class(p)) throw Error("invalid_argument", "detection " + std::to_string(d) + " has no class label (0..4)");
    return p;
  };
  auto refClass = [&](size_t r) {
    if (r >= referenceClass.size())
      throw Error("invalid_argument", "reference index " + std::to_string(r) + " beyond the classes given");
    return referenceClass[r];
  };
  ClassScore s;
  for (const auto& [r, d] : match.pairs) {
    const int c = refClass(r), p = label(d);
    if (is_class(c)) ++s.confusion[c][p];
    else ++s.excluded[p];
  }
  for (size_t r : match.missed)
    if (const int c = refClass(r); is_class(c)) ++s.missed[c];
  for (size_t d : match.extra) ++s.falseDetections[label(d)];
  return s;
}

nlohmann::ordered_json to_json(const ClassScore& s, const char* const* symbols) {
  using json = nlohmann::ordered_json;
  auto number = [](double v) { return std::isnan(v) ? json(nullptr) : json(std::round(v * 1e6) / 1e6); };
  auto counts = [symbols](const ClassScore::Counts& c) {
    json j = json::object();
    for (int k = 0; k < kScoreClasses; ++k) j[symbols[k]] = c[k];
    return j;
  };
  json confusion = json::array(), perClass = json::object();
  for (int r = 0; r < kScoreClasses; ++r) {
    confusion.push_back(s.confusion[r]);
    perClass[symbols[r]] = {{"reference", s.reference(r)}, {"predicted", s.predicted(r)},
                                  {"tp", s.truePositives(r)},   {"se", number(s.sensitivity(r))},
                                  {"ppv", number(s.positivePredictivity(r))}, {"f1", number(s.f1(r))}};
  }
  return {{"confusion", confusion},
          {"confusionLayout", "rows: reference class, columns: predicted label, order " + [&] {
             std::string order;
             for (int k = 0; k < kScoreClasses; ++k) order += std::string(k ? " " : "") + symbols[k];
             return order;
           }() + " (matched beats)"},
          {"missed", counts(s.missed)},
          {"falseDetections", counts(s.falseDetections)},
          {"excluded", counts(s.excluded)},
          {"perClass", perClass},
          {"matched", s.matched()},
          {"accuracy", number(s.accuracy())},
          {"macroF1", number(s.macroF1())}};
}

}  // namespace av::pipeline
