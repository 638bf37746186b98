// Embind bindings for explanations (src/explain): explainPrepareRecordHandle(model, record, leadIndex) copies the
// one lead to explain next to the model handle of nn_bindings.h, and the ExplainRecord it returns
// answers explain(sample, options) and global(options) with JSON strings. Calls return a value or
// {avError, code, message}, the convention src/js/index.js expects.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cmath>
#include <memory>
#include <string>

#include "core/error.h"
#include "core/json_text.h"
#include "core/json_value.h"
#include "core/record.h"
#include "explain/explainer.h"
#include "explain/record_explainer.h"
#include "nn/engine.h"
#include "nn/model.h"
#include "wasm/guarded.h"
#include "wasm/nn_bindings.h"
#include "wasm/record_handle.h"

using emscripten::val;

namespace {

av::JsonValue parse_options(const std::string& text) {
  if (text.empty()) return {};
  av::JsonValue j = av::parse_json_or_null(text);
  if (!j.is_object()) throw av::Error("explain_invalid_option", "options must be a JSON object");
  return j;
}

struct RecordState {
  explicit RecordState(const av::wasm::ModelHandle& model)
      : engine(model.engine), explainer(*engine) {}
  std::shared_ptr<av::nn::Engine> engine;  // the analyzer's engine, kept alive as long as this record
  av::explain::Explainer explainer;
  av::Record record;
  std::unique_ptr<av::explain::RecordExplainer> detected, reference;

  // The analysis' inputs of this lead when the record handle kept them (see record_handle.h): used once, for
  // the beat source they were computed for.
  std::shared_ptr<const av::wasm::AnalysisInputs> kept;

  av::explain::RecordExplainer& beats(bool useReference) {
    auto& slot = useReference ? reference : detected;
    if (!slot && kept && kept->reference == useReference)
      slot = std::make_unique<av::explain::RecordExplainer>(explainer, record, kept->inputs, "0");
    if (!slot) slot = std::make_unique<av::explain::RecordExplainer>(explainer, record, "0", useReference);
    return *slot;
  }
};

class ExplainRecord {
 public:
  explicit ExplainRecord(std::shared_ptr<RecordState> s) : state_(std::move(s)) {}

  // One beat, at `sample` (the input's rate, as in result.beats). options: {method, segments, baseline,
  // classIndex|label, samples, seed}. Returns the explanation as a JSON string.
  val explain(double sample, const std::string& optionsJson) {
    return av::wasm::guarded("the explanation", [&] {
      const auto opts = av::explain::parse_options(parse_options(optionsJson), state_->explainer.classes());
      if (!std::isfinite(sample)) throw av::Error("invalid_argument", "beat.sample must be a number");
      auto& rx = state_->beats(false);
      auto e = rx.explain(static_cast<int64_t>(sample), opts);
      // The JS contract: values are aligned with `window`, the beat's z-scored model input (for detected beats).
      if (auto beat = rx.find(static_cast<int64_t>(sample)))
        e.window.assign(rx.window(*beat), rx.window(*beat) + state_->explainer.windowLength());
      return val(av::explain::to_json_string(e));
    });
  }

  // Per predicted class: average beat, mean Grad-CAM, mean |SHAP|. options: {segments, baseline, maxShapBeats,
  // shap: bool, beats: 'detect'|'reference'}.
  val global(const std::string& optionsJson) {
    return av::wasm::guarded("the explanation", [&] {
      const auto j = parse_options(optionsJson);
      av::explain::GlobalOptions o;
      const auto base = av::explain::parse_options(j, state_->explainer.classes());
      o.segments = base.segments;
      o.baseline = base.baseline;
      if (j.contains("maxShapBeats")) {
        if (!j["maxShapBeats"].is_number_integer() || j["maxShapBeats"].integer() < 0 ||
            j["maxShapBeats"].integer() > 256)
          throw av::Error("explain_invalid_option", "maxShapBeats must be an integer from 0 to 256");
        o.maxShapBeats = static_cast<size_t>(j["maxShapBeats"].integer());
      }
      if (j.contains("shap")) o.shap = j["shap"].is_boolean() ? j["shap"].boolean() : true;
      const int players = o.segments + static_cast<int>(state_->explainer.contextPlayers().size());
      if (o.shap && players > av::explain::kMaxExactSegments)
        throw av::Error("explain_invalid_option",
                        "global explanations use exact SHAP: at most 16 players (segments plus the model's context players)");
      const std::string beats = !j.contains("beats") ? "detect" : j["beats"].is_string() ? j["beats"].string() : "";
      if (beats != "detect" && beats != "reference")
        throw av::Error("invalid_option", "beats must be 'detect' or 'reference'");
      auto& rx = state_->beats(beats == "reference");
      av::JsonText w;
      w.open('{');
      av::explain::write_json_members(w, rx.global(o));
      w.member("beatSource", beats).member("sampleRate", state_->record.sampleRate).member("beatSamples", rx.samples());
      w.close('}');
      return val(w.out);
    });
  }

 private:
  std::shared_ptr<RecordState> state_;
};

// One lead of a record handle (copied inside the heap, never through JS), reusing the inputs of the record's last
// analysis with this model on this lead when the handle kept them: no second analysis.
val explain_prepare_record_handle(const av::wasm::ModelHandle& model, const av::wasm::RecordHandle& handle, int leadIndex) {
  return av::wasm::guarded("the explanation", [&] {
    if (!model.engine) throw av::Error("model_not_loaded", "explanations need a model");
    const av::Record& rec = *handle.rec;
    if (leadIndex < 0 || leadIndex >= static_cast<int>(rec.leads.size()))
      throw av::Error("lead_not_found", "no lead " + std::to_string(leadIndex));
    auto st = std::make_shared<RecordState>(model);
    st->record.name = rec.name;
    st->record.sampleRate = rec.sampleRate;
    st->record.leads.push_back(rec.leads[static_cast<size_t>(leadIndex)]);
    for (const auto& a : rec.annotations) st->record.annotations.push_back(av::Annotation{a.sample, a.code});
    const auto& kept = *handle.lastInputs;
    if (kept && kept->engine == model.engine.get() && kept->leadIndex == leadIndex) st->kept = kept;
    return val(ExplainRecord(std::move(st)));
  });
}

// One raw, already z-scored window (Float32Array of windowLength): Grad-CAM, or SHAP against the model's
// background (there is no recording to take a median normal beat from).
val explain_window(const av::wasm::ModelHandle& model, val window, const std::string& optionsJson) {
  return av::wasm::guarded("the explanation", [&] {
    if (!model.engine) throw av::Error("model_not_loaded", "explanations need a model");
    if (!window.instanceof(val::global("Float32Array")))
      throw av::Error("invalid_argument", "window must be a Float32Array");
    av::explain::Explainer ex(*model.engine);
    const auto w = emscripten::convertJSArrayToNumberVector<float>(window);
    if (w.size() != static_cast<size_t>(ex.windowLength()))
      throw av::Error("invalid_argument", "window must hold " + std::to_string(ex.windowLength()) + " samples");
    const auto j = parse_options(optionsJson);
    auto opts = av::explain::parse_options(j, ex.classes());
    if (!j.contains("baseline")) opts.baseline = "background";
    if (opts.method == av::explain::Method::Gradcam) return val(av::explain::to_json_string(ex.gradcam(w.data(), opts.classIndex)));
    if (opts.baseline != "background" || ex.background().empty())
      throw av::Error("explain_no_baseline", "SHAP of a lone window uses the model's background (baseline: 'background')");
    return val(av::explain::to_json_string(ex.shap(w.data(), ex.background().data(), "background", opts)));
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(arrhythmiavision_explain) {
  using namespace emscripten;
  class_<ExplainRecord>("ExplainRecord").function("explain", &ExplainRecord::explain).function("global", &ExplainRecord::global);
  function("explainPrepareRecordHandle", &explain_prepare_record_handle);
  function("explainWindow", &explain_window);
}
