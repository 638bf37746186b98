#pragma once
// The decoded record that JS holds through a handle (Embind class "Record", registered in bindings.cpp), and the
// model inputs of its last analysis, which the explanations reuse (explain_bindings.cpp).
#include <emscripten/val.h>

#include <memory>
#include <string>

#include "core/annotation.h"
#include "core/error.h"
#include "core/json_text.h"
#include "core/record.h"
#include "explain/record_explainer.h"

namespace av::wasm {

using emscripten::val;

// Records longer than this keep no inputs (about 2 KB per beat for a context model): their first explanation
// analyses the lead again.
inline constexpr double kKeepInputsMaxSec = 2 * 3600;

struct AnalysisInputs {
  const void* engine = nullptr;  // the engine that classified them
  int leadIndex = 0;
  bool reference = false;
  explain::BeatInputs inputs;
};

// A decoded record owned by the WASM heap; JS holds it through this handle and deletes it when done.
class RecordHandle {
 public:
  explicit RecordHandle(av::Record r) : rec(std::make_shared<av::Record>(std::move(r))) {}

  std::string name() const { return rec->name; }
  double sampleRate() const { return rec->sampleRate; }
  double length() const { return static_cast<double>(rec->length()); }
  int leadCount() const { return static_cast<int>(rec->leads.size()); }
  int defaultLead() const { return av::default_lead_index(*rec); }
  std::string leadName(int i) const { return lead(i).name; }
  std::string leadUnits(int i) const { return lead(i).units; }
  // The lead's own rate (multi-frequency records), or the record's.
  double leadSampleRate(int i) const { return lead(i).sampleRate > 0 ? lead(i).sampleRate : rec->sampleRate; }
  // What the file says about the recording: [[key, value], ...] in file order.
  std::string metadataJson() const {
    av::JsonText w;
    w.open('[');
    for (const auto& [k, v] : rec->metadata) w.open('[').value(k).value(v).close(']');
    w.close(']');
    return std::move(w.out);
  }
  // A view into the heap: the caller copies it at once (it dies with the record or when memory grows).
  val samples(int i) const {
    const auto& s = lead(i).samples;
    return val(emscripten::typed_memory_view(s.size(), s.data()));
  }
  std::string annotationsJson() const {
    av::JsonText w;
    w.open('[');
    for (const auto& x : rec->annotations) {
      // A custom label the annotation file defines wins over the standard mnemonic.
      w.open('{').member("sample", x.sample).member("code", x.code);
      w.member("symbol", x.symbol.empty() ? std::string(av::annotation_symbol(x.code)) : x.symbol);
      if (x.subtype) w.member("subtype", x.subtype);
      if (x.chan) w.member("chan", x.chan);
      if (x.num) w.member("num", x.num);
      if (!x.aux.empty()) w.member("aux", x.aux);
      w.close('}');
    }
    w.close(']');
    return std::move(w.out);
  }

  std::shared_ptr<av::Record> rec;
  // The model inputs of the last analysis with a model (records up to kKeepInputsMaxSec), for the explanations.
  std::shared_ptr<std::shared_ptr<const AnalysisInputs>> lastInputs = std::make_shared<std::shared_ptr<const AnalysisInputs>>();

 private:
  const av::Lead& lead(int i) const {
    if (i < 0 || i >= leadCount()) throw av::Error("lead_not_found", "no lead " + std::to_string(i));
    return rec->leads[static_cast<size_t>(i)];
  }
};

}  // namespace av::wasm
