#include "explain/record_explainer.h"

#include "explain/analysis_inputs.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <span>

#include "core/error.h"
#include "core/json_text.h"
#include "dsp/beats.h"
#include "dsp/filters.h"
#include "dsp/qrs.h"
#include "dsp/resample.h"
#include "nn/engine.h"

namespace av::explain {

namespace {

dsp::BeatWindowSpec spec_of(const nn::ModelInfo& info) {
  dsp::BeatWindowSpec spec;
  spec.before = info.windowBefore;
  spec.after = info.windowAfter;
  spec.stdFloor = static_cast<float>(info.stdFloor);
  return spec;
}

}  // namespace

std::vector<size_t> class_subsample(size_t n, size_t cap) {
  std::vector<size_t> idx;
  if (cap == 0) return idx;
  if (n <= cap) {
    for (size_t i = 0; i < n; ++i) idx.push_back(i);
    return idx;
  }
  for (size_t k = 0; k < cap; ++k) idx.push_back((2 * k + 1) * n / (2 * cap));
  return idx;
}

// The analysis' own beats and inputs (explain/analysis_inputs.h): no second detection path.
RecordExplainer::RecordExplainer(Explainer& explainer, const Record& record, const std::string& lead, bool reference)
    : RecordExplainer(explainer, record, analysis_beat_inputs(explainer.engine(), record, lead, reference), lead) {}

RecordExplainer::RecordExplainer(Explainer& explainer, const Record& record, BeatInputs beats, const std::string& lead)
    : explainer_(explainer), record_(record) {
  if (!(record.sampleRate > 0) || !std::isfinite(record.sampleRate))
    throw Error("invalid_sample_rate", "the record's sampling rate must be a positive number");
  lead_ = resolve_lead(record, lead);
  const size_t n = beats.samples.size();
  if (beats.windows.size() != n * static_cast<size_t>(S()))
    throw Error("invalid_argument", "BeatInputs.windows must hold " + std::to_string(S()) + " floats per beat");
  if (beats.contexts.size() != n * static_cast<size_t>(F()))
    throw Error("invalid_argument", "BeatInputs.contexts must hold " + std::to_string(F()) + " floats per beat");
  if (!std::is_sorted(beats.samples.begin(), beats.samples.end()))
    throw Error("invalid_argument", "BeatInputs.samples must be in ascending order");
  samples_ = std::move(beats.samples);
  windows_ = std::move(beats.windows);
  contexts_ = std::move(beats.contexts);
  if (beats.labels.size() == n) labels_ = std::move(beats.labels);
  else classify();
}

void RecordExplainer::classify() {
  const size_t n = samples_.size(), C = explainer_.classes().size();
  labels_.assign(n, 0);
  if (n > 0) {
    const auto p = explainer_.probabilities(windows_.data(), n, F() > 0 ? contexts_.data() : nullptr);
    for (size_t i = 0; i < n; ++i)
      labels_[i] = static_cast<int>(std::max_element(p.begin() + static_cast<long>(i * C),
                                                     p.begin() + static_cast<long>((i + 1) * C)) -
                                    (p.begin() + static_cast<long>(i * C)));
  }
}

std::optional<size_t> RecordExplainer::find(int64_t sample) const {
  auto it = std::lower_bound(samples_.begin(), samples_.end(), sample);
  if (it == samples_.end() || *it != sample) return std::nullopt;
  return static_cast<size_t>(it - samples_.begin());
}

const std::vector<float>& RecordExplainer::baseline(const std::string& wanted, std::string* name) {
  if (wanted == "median-normal") {
    if (!medianDone_) {
      std::vector<size_t> normal;
      for (size_t i = 0; i < labels_.size(); ++i)
        if (labels_[i] == 0) normal.push_back(i);
      medianNormal_ = median_window(windows_.data(), static_cast<size_t>(S()), normal);
      medianNormalContext_ = median_window(contexts_.data(), static_cast<size_t>(F()), normal);
      medianDone_ = true;
    }
    if (!medianNormal_.empty()) {
      if (name) *name = "median-normal";
      return medianNormal_;
    }
  } else if (wanted != "background") {
    throw Error("explain_invalid_option", "baseline must be 'median-normal' or 'background'");
  }
  if (explainer_.background().empty())
    throw Error("explain_no_baseline", "the record has no normal beat and the model ships no explain.background");
  if (name) *name = "background";
  return explainer_.background();
}

const std::vector<float>& RecordExplainer::baseline_context(const std::string& name) {
  static const std::vector<float> none;
  if (F() == 0) return none;
  if (name == "median-normal") {
    baseline(name, nullptr);
    if (!medianNormalContext_.empty()) return medianNormalContext_;
  }
  if (!explainer_.backgroundContext().empty()) return explainer_.backgroundContext();
  if (medianContext_.empty()) {
    std::vector<size_t> all(samples_.size());
    for (size_t i = 0; i < all.size(); ++i) all[i] = i;
    medianContext_ = median_window(contexts_.data(), static_cast<size_t>(F()), all);
  }
  return medianContext_;
}

std::vector<float> RecordExplainer::prepare_one(int64_t sample) {
  const auto& samples = record_.leads[static_cast<size_t>(lead_)].samples;
  if (sample < 0 || static_cast<size_t>(sample) >= samples.size())
    throw Error("explain_beat_out_of_range", "beat sample " + std::to_string(sample) + " is outside the record");
  if (S() != W() || F() > 0)
    throw Error("explain_unsupported", "sample " + std::to_string(sample) +
                                           " is not one of the beats: a context model's inputs cannot be prepared alone");
  // The same steps as dsp::prepare_beats for one reference position, with the classification signal kept.
  if (cls_.empty()) cls_ = dsp::classification_signal(dsp::resample(samples, record_.sampleRate), dsp::kModelRate);
  const int64_t n360 = static_cast<int64_t>(cls_.size());
  const int radius = static_cast<int>(std::lround(dsp::kRefineRadiusSec * dsp::kModelRate));
  const int64_t r = dsp::refine_r_peak(cls_, std::min(dsp::map_index(sample, record_.sampleRate, dsp::kModelRate), n360 - 1),
                                       radius);
  std::vector<float> w(static_cast<size_t>(W()));
  dsp::extract_window(cls_, r, spec_of(explainer_.engine().model().info()), w.data());
  return w;
}

Explanation RecordExplainer::explain_beat(size_t beat, const Options& options) {
  if (beat >= samples_.size()) throw Error("explain_beat_out_of_range", "beat index out of range");
  if (options.method == Method::Gradcam) return explainer_.gradcam(window(beat), options.classIndex, context(beat));
  std::string name;
  const auto& base = baseline(options.baseline, &name);
  return explainer_.shap(window(beat), base.data(), name, options, context(beat), context_or_null(name));
}

Explanation RecordExplainer::explain(int64_t sample, const Options& options) {
  if (auto beat = find(sample)) return explain_beat(*beat, options);
  const auto w = prepare_one(sample);
  if (options.method == Method::Gradcam) return explainer_.gradcam(w.data(), options.classIndex);
  std::string name;
  const auto& base = baseline(options.baseline, &name);
  return explainer_.shap(w.data(), base.data(), name, options);
}

GlobalExplanation RecordExplainer::global(const GlobalOptions& options) {
  GlobalExplanation g;
  g.segments = options.segments;
  g.segmentBounds = make_segments(W(), options.segments);
  const size_t Wn = static_cast<size_t>(W()), Sn = static_cast<size_t>(S()), Fn = static_cast<size_t>(F());
  const auto& classes = explainer_.classes();
  std::vector<float> base;
  if (options.shap) base = baseline(options.baseline, &g.baseline);
  const float* baseContext = options.shap ? context_or_null(g.baseline) : nullptr;
  if (baseContext) g.contextPlayers = explainer_.contextPlayers();
  for (size_t c = 0; c < classes.size(); ++c) {
    std::vector<size_t> members;
    for (size_t i = 0; i < labels_.size(); ++i)
      if (labels_[i] == static_cast<int>(c)) members.push_back(i);
    if (members.empty()) continue;
    ClassProfile p;
    p.classIndex = static_cast<int>(c);
    p.label = classes[c];
    p.beats = members.size();
    std::vector<double> avg(Wn, 0.0), cam(Wn, 0.0);
    std::vector<float> batch, batchContexts;
    const size_t chunk = 256;
    for (size_t first = 0; first < members.size(); first += chunk) {
      const size_t count = std::min(chunk, members.size() - first);
      batch.resize(count * Sn);
      batchContexts.resize(count * Fn);
      for (size_t i = 0; i < count; ++i) {
        const float* w = window(members[first + i]);
        std::copy(w, w + Sn, batch.data() + i * Sn);
        if (Fn) std::copy(context(members[first + i]), context(members[first + i]) + Fn, batchContexts.data() + i * Fn);
        for (size_t t = 0; t < Wn; ++t) avg[t] += w[t];  // channel 0: the z-scored beat
      }
      const std::vector<int> cls(count, static_cast<int>(c));
      for (const auto& e : explainer_.gradcam_batch(batch.data(), count, cls.data(), Fn ? batchContexts.data() : nullptr))
        for (size_t t = 0; t < Wn; ++t) cam[t] += e.values[t];
    }
    for (size_t t = 0; t < Wn; ++t) {
      p.averageBeat.push_back(static_cast<float>(avg[t] / members.size()));
      p.meanGradcam.push_back(static_cast<float>(cam[t] / members.size()));
    }
    if (options.shap) {
      Options o;
      o.method = Method::Shap;
      o.segments = options.segments;
      o.classIndex = static_cast<int>(c);
      std::vector<double> abs(Wn, 0.0);
      p.meanAbsSegments.assign(static_cast<size_t>(options.segments), 0.0);
      p.meanAbsContextPlayers.assign(g.contextPlayers.size(), 0.0);
      for (size_t k : class_subsample(members.size(), options.maxShapBeats)) {
        const size_t beat = members[k];
        p.shapBeats.push_back(beat);
        const auto e = explainer_.shap(window(beat), base.data(), g.baseline, o, context(beat), baseContext);
        for (size_t t = 0; t < Wn; ++t) abs[t] += std::fabs(e.values[t]);
        for (size_t s = 0; s < e.segments.size(); ++s) p.meanAbsSegments[s] += std::fabs(e.segments[s].value);
        for (size_t q = 0; q < e.contextPlayers.size(); ++q)
          p.meanAbsContextPlayers[q] += std::fabs(e.contextPlayers[q].value);
      }
      const double n = static_cast<double>(std::max<size_t>(1, p.shapBeats.size()));
      for (size_t t = 0; t < Wn; ++t) p.meanAbsShap.push_back(static_cast<float>(abs[t] / n));
      for (auto& v : p.meanAbsSegments) v /= n;
      for (auto& v : p.meanAbsContextPlayers) v /= n;
    }
    g.classes.push_back(std::move(p));
  }
  return g;
}

void write_json_members(JsonText& w, const GlobalExplanation& g) {
  w.member("segments", g.segments);
  if (!g.baseline.empty()) w.member("baseline", g.baseline);
  w.key("segmentBounds").open('[');
  for (const auto& s : g.segmentBounds) w.open('{').member("start", s.start).member("end", s.end).close('}');
  w.close(']');
  if (!g.contextPlayers.empty()) {
    w.key("contextPlayers").open('[');
    for (const auto& p : g.contextPlayers) w.open('{').member("name", p.name).member("features", p.featureNames).close('}');
    w.close(']');
  }
  w.key("classes").open('[');
  for (const auto& p : g.classes) {
    w.open('{').member("label", p.label).member("classIndex", p.classIndex).member("beats", p.beats);
    w.member("averageBeat", p.averageBeat).member("meanGradcam", p.meanGradcam);
    if (!p.shapBeats.empty()) {
      w.member("meanAbsShap", p.meanAbsShap).member("meanAbsShapSegments", p.meanAbsSegments);
      if (!p.meanAbsContextPlayers.empty()) w.member("meanAbsShapContextPlayers", p.meanAbsContextPlayers);
      w.member("shapBeats", p.shapBeats);
    }
    w.close('}');
  }
  w.close(']');
}

std::string to_json_string(const GlobalExplanation& g) {
  JsonText w;
  w.open('{');
  write_json_members(w, g);
  w.close('}');
  return std::move(w.out);
}

nlohmann::ordered_json to_json(const GlobalExplanation& g) { return nlohmann::ordered_json::parse(to_json_string(g)); }

}  // namespace av::explain
