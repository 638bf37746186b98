// Embind bindings only: every function here forwards to the core. Calls that can fail return either their
// value or an error object {avError: true, code, message}, which src/js/index.js turns into ArrhythmiaVisionError.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <string>

#include "core/error.h"
#include "core/json_value.h"
#include "core/record.h"
#include "io/csv.h"
#include "io/dispatch.h"
#include "io/edf.h"
#include "io/ishne.h"
#include "io/wfdb_annotation.h"
#include "io/wfdb_header.h"
#include "io/wfdb_signal.h"
#include "pipeline/analyze.h"
#include "pipeline/result_json.h"
#include "pipeline/engine_classifier.h"
#include "wasm/analyze_options.h"
#include "wasm/guarded.h"
#include "pipeline/input_recorder.h"
#include "wasm/nn_bindings.h"
#include "wasm/record_handle.h"

using emscripten::val;

namespace {

using av::wasm::RecordHandle;

std::span<const uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

val record_value(av::Record r) { return val(RecordHandle(std::move(r))); }

// Signal file names a header refers to (validated: no path separators), as a JS array of strings; for a
// multi-segment header, its segment headers ("<segment>.hea").
val wfdb_signal_files(const std::string& header) {
  return av::wasm::guarded("the input", [&] {
    auto h = av::io::parse_wfdb_header(header);
    val names = val::array();
    // Single-segment: the signal files; multi-segment: the segment headers (their signal files are named in them).
    for (const std::string& n : av::io::wfdb_record_files(h, {})) names.call<void>("push", n);
    return names;
  });
}

// files: {name: Uint8Array} for every signal file the header names; atr: annotation bytes or null.
val read_wfdb(const std::string& header, val files, val atr) {
  return av::wasm::guarded("the input", [&] {
    std::map<std::string, std::string, std::less<>> storage;
    const val keys = val::global("Object").call<val>("keys", files);
    const int n = keys["length"].as<int>();
    for (int i = 0; i < n; ++i) {
      auto key = keys[i].as<std::string>();
      storage[key] = files[key].as<std::string>();
    }
    av::Record rec = av::io::read_wfdb(header, [&](std::string_view name) -> std::optional<std::span<const uint8_t>> {
      auto it = storage.find(name);
      if (it == storage.end()) return std::nullopt;
      return bytes_of(it->second);
    });
    if (!atr.isNull() && !atr.isUndefined()) {
      const std::string bytes = atr.as<std::string>();
      // Times in the file's stated resolution, else in frames of the header's frequency, as natively.
      av::io::attach_wfdb_annotations(rec, bytes_of(bytes), av::io::parse_wfdb_header(header).samplingFrequency);
    }
    return record_value(std::move(rec));
  });
}

// {name: Uint8Array} -> an opener over copies of those bytes.
struct FileSet {
  std::map<std::string, std::string, std::less<>> storage;
  explicit FileSet(val files) {
    if (files.isNull() || files.isUndefined()) return;
    const val keys = val::global("Object").call<val>("keys", files);
    const int n = keys["length"].as<int>();
    for (int i = 0; i < n; ++i) {
      auto key = keys[i].as<std::string>();
      storage[key] = files[key].as<std::string>();
    }
  }
  av::io::WfdbFileOpener opener() const {
    return [this](std::string_view name) -> std::optional<std::span<const uint8_t>> {
      auto it = storage.find(name);
      if (it == storage.end()) return std::nullopt;
      return bytes_of(it->second);
    };
  }
};

// optionsJson: {"sampleRate": Hz, "delimiter": ",", "annotator": "atr", "series": "rhythm"|"representative"}.
// The CSV fields of reader options: {"sampleRate": Hz, "delimiter": ","}.
void read_csv_fields(const av::JsonValue& j, double& sampleRate, char& delimiter) {
  if (j.contains("sampleRate") && !j["sampleRate"].is_null()) {
    if (!j["sampleRate"].is_number()) throw av::Error("invalid_sample_rate", "sampleRate must be a number of Hz");
    sampleRate = j["sampleRate"].number();
  }
  if (j.contains("delimiter") && j["delimiter"].is_string()) {
    const std::string& d = j["delimiter"].string();
    if (d.size() != 1) throw av::Error("invalid_option", "delimiter must be one character");
    delimiter = d[0];
  }
}

av::io::ReadOptions read_options(const std::string& optionsJson) {
  av::io::ReadOptions o;
  const av::JsonValue j = av::parse_json_or_null(optionsJson);
  if (!j.is_object()) return o;
  read_csv_fields(j, o.csvSampleRate, o.csvDelimiter);
  if (j.contains("annotator") && !j["annotator"].is_null()) {
    if (!j["annotator"].is_string()) throw av::Error("wfdb_annotator_invalid", "annotator must be a string such as 'atr'");
    o.annotator = j["annotator"].string();
  }
  if (j.contains("series") && j["series"].is_string()) {
    const std::string& s = j["series"].string();
    if (s == "representative") o.aecgSeries = av::io::AecgSeries::RepresentativeBeat;
    else if (s != "rhythm") throw av::Error("invalid_option", "series must be 'rhythm' or 'representative'");
  }
  return o;
}

// Any format, found from the content first (io/dispatch.h); files: the other files by name (WFDB signal files,
// segment headers, annotation files).
val read_any(const std::string& bytes, const std::string& name, val files, const std::string& optionsJson) {
  return av::wasm::guarded("the input", [&] {
    const FileSet set(files);
    return record_value(av::io::read_any(bytes_of(bytes), name, read_options(optionsJson), set.opener()));
  });
}

// The names of the other files the record needs, as far as the files given so far tell (ask again after adding them).
val record_files(const std::string& bytes, const std::string& name, val files, const std::string& optionsJson) {
  return av::wasm::guarded("the input", [&] {
    const FileSet set(files);
    val names = val::array();
    for (const std::string& n : av::io::sibling_files(bytes_of(bytes), name, read_options(optionsJson), set.opener()))
      names.call<void>("push", n);
    return names;
  });
}

// The format of a file from its first bytes and its name ("wfdb", "csv", "edf", "ishne", "hl7-aecg", ...).
std::string detect_format(const std::string& head, const std::string& name) {
  return av::io::format_name(av::io::detect_format(bytes_of(head), name));
}

// An ISHNE file's header bytes -> the same samples as WFDB header text, for the chunked analysis.
val ishne_wfdb_header(const std::string& head, const std::string& fileName, double fileSize) {
  return av::wasm::guarded("the input", [&] {
    const av::io::IshneHeader h = av::io::parse_ishne_header(bytes_of(head));
    return val(av::io::wfdb_header_text(av::io::ishne_wfdb_header(h, fileName, static_cast<int64_t>(fileSize))));
  });
}

// CSV text (bytes); optionsJson: {"sampleRate": Hz, "delimiter": ","}.
val read_csv(const std::string& text, const std::string& optionsJson) {
  return av::wasm::guarded("the input", [&] {
    av::io::CsvOptions o;
    const av::JsonValue j = av::parse_json_or_null(optionsJson);
    if (j.is_object()) read_csv_fields(j, o.sampleRate, o.delimiter);
    av::Record rec = av::io::read_csv(text, o);
    if (rec.name.empty()) rec.name = "csv";
    return record_value(std::move(rec));
  });
}

val read_edf(const std::string& bytes) {
  return av::wasm::guarded("the input", [&] {
    av::Record rec = av::io::read_edf(bytes_of(bytes));
    if (rec.name.empty()) rec.name = "edf";
    return record_value(std::move(rec));
  });
}

// Leads as an array of Float32Array (equal lengths), names as an array of strings.
val from_samples(val leads, val names, double sampleRate, const std::string& name) {
  return av::wasm::guarded("the input", [&] {
    if (!(sampleRate > 0) || !std::isfinite(sampleRate) || sampleRate > 1e6)
      throw av::Error("invalid_sample_rate", "sampleRate must be a positive number of Hz (at most 1e6)");
    av::Record rec;
    rec.name = name;
    rec.sampleRate = sampleRate;
    const int n = leads["length"].as<int>();
    if (n == 0) throw av::Error("empty_signal", "no samples given");
    for (int i = 0; i < n; ++i) {
      av::Lead lead;
      lead.name = names[i].as<std::string>();
      lead.samples = emscripten::convertJSArrayToNumberVector<float>(leads[i]);
      if (lead.samples.empty()) throw av::Error("empty_signal", "lead " + std::to_string(i) + " has no samples");
      if (i > 0 && lead.samples.size() != rec.leads[0].samples.size())
        throw av::Error("lead_length_mismatch", "all leads must have the same number of samples");
      for (float x : lead.samples)
        if (!std::isfinite(x)) throw av::Error("samples_not_finite", "lead " + std::to_string(i) + " has NaN or infinite samples");
      rec.leads.push_back(std::move(lead));
    }
    return record_value(std::move(rec));
  });
}

av::pipeline::AnalyzeOptions analyze_options(val options, val& progress) {
  av::pipeline::AnalyzeOptions o = av::wasm::analyze_options_from(options);
  // The JS side wraps onProgress so that it returns false when the caller wants to stop (or threw): the
  // pipeline then unwinds as a C++ exception, freeing what it holds.
  if (!progress.isUndefined() && !progress.isNull())
    o.progress = [&progress](std::string_view stage, double fraction) {
      if (!progress(fraction, std::string(stage)).as<bool>())
        throw av::Error("cancelled", "the analysis was stopped by onProgress");
    };
  return o;
}

val result_json(const av::pipeline::Result& result) {
  return val(av::pipeline::to_json_string(result));
}

// The DESIGN 2.1 JSON as a string, beats unlabelled. options: see analyze_options.h; progress: function(fraction, stage) or undefined.
val analyze(const RecordHandle& record, val options, val progress) {
  return av::wasm::guarded("the input", [&] {
    return result_json(av::pipeline::analyze(*record.rec, nullptr, analyze_options(options, progress)));
  });
}

// Same, every beat labelled by the model (a handle from loadModel in nn_bindings.cpp).
val analyze_with_model(const RecordHandle& record, const av::wasm::ModelHandle& model, val options, val progress) {
  return av::wasm::guarded("the input", [&] {
    av::pipeline::EngineClassifier classifier(*model.engine);
    const auto o = analyze_options(options, progress);
    if (record.rec->durationSec() > av::wasm::kKeepInputsMaxSec)
      return result_json(av::pipeline::analyze(*record.rec, &classifier, o));
    // Keeps the beats' model inputs on the record, so that the first explanation needs no second analysis;
    // explanations explain the model's own label (before the rhythm stage).
    av::pipeline::InputRecorder recorder(classifier);
    const av::pipeline::Result result = av::pipeline::analyze(*record.rec, &recorder, o);
    auto kept = std::make_shared<av::wasm::AnalysisInputs>();
    kept->engine = model.engine.get();
    kept->leadIndex = result.leadIndex;
    kept->reference = o.beats == av::pipeline::BeatSource::Reference;
    for (const auto& b : result.beats) kept->inputs.samples.push_back(b.sample), kept->inputs.labels.push_back(b.modelLabel >= 0 ? b.modelLabel : b.label);
    kept->inputs.windows = std::move(recorder.windows);
    kept->inputs.contexts = std::move(recorder.context);
    *record.lastInputs = std::move(kept);
    return result_json(result);
  });
}

// Annotations (JSON array of {sample, code|symbol, subtype?, chan?, num?, aux?}) → MIT-format bytes.
val write_wfdb_annotations(const std::string& annotationsJson) {
  return av::wasm::guarded("the input", [&] {
    const av::JsonValue parsed = av::parse_json_or_null(annotationsJson);
    if (!parsed.is_array()) throw av::Error("invalid_annotations", "expected a JSON array of annotations");
    std::vector<av::Annotation> list;
    for (const av::JsonValue& j : parsed) {
      if (!j.is_object() || !j["sample"].is_number_integer())
        throw av::Error("invalid_annotations", "each annotation needs an integer sample");
      av::Annotation a;
      a.sample = j["sample"].integer();
      if (j["code"].is_number_integer()) a.code = static_cast<int>(std::clamp<int64_t>(j["code"].integer(), -1, 1 << 20));
      else if (j["symbol"].is_string()) a.code = av::annotation_code(j["symbol"].string());
      if (a.code <= 0) throw av::Error("invalid_annotations", "annotation at sample " + std::to_string(a.sample) + " has an unknown code");
      auto small_int = [&](const char* key) {
        const av::JsonValue& v = j[key];
        if (v.is_null()) return 0;
        if (!v.is_number_integer())
          throw av::Error("invalid_annotations", std::string("annotation at sample ") + std::to_string(a.sample) + ": " +
                                                     key + " must be an integer");
        return static_cast<int>(std::clamp<int64_t>(v.integer(), -100000, 100000));  // the writer checks the range
      };
      a.subtype = small_int("subtype");
      a.chan = small_int("chan");
      a.num = small_int("num");
      if (!j["aux"].is_null() && !j["aux"].is_string())
        throw av::Error("invalid_annotations", "annotation at sample " + std::to_string(a.sample) + ": aux must be a string");
      a.aux = j["aux"].string();
      list.push_back(std::move(a));
    }
    auto bytes = av::io::write_wfdb_annotations(list);
    return val::global("Uint8Array").new_(emscripten::typed_memory_view(bytes.size(), bytes.data()));
  });
}

val default_window() {
  av::dsp::BeatWindowSpec spec;
  val w = val::object();
  w.set("before", spec.before);
  w.set("after", spec.after);
  w.set("sampleRate", 360);
  return w;
}

// The package version (package.json), passed in by CMakeLists.txt.
std::string version() { return AV_VERSION; }

}  // namespace

EMSCRIPTEN_BINDINGS(arrhythmiavision) {
  using namespace emscripten;
  class_<RecordHandle>("Record")
      .function("name", &RecordHandle::name)
      .function("sampleRate", &RecordHandle::sampleRate)
      .function("length", &RecordHandle::length)
      .function("leadCount", &RecordHandle::leadCount)
      .function("defaultLead", &RecordHandle::defaultLead)
      .function("leadName", &RecordHandle::leadName)
      .function("leadUnits", &RecordHandle::leadUnits)
      .function("leadSampleRate", &RecordHandle::leadSampleRate)
      .function("metadataJson", &RecordHandle::metadataJson)
      .function("samples", &RecordHandle::samples)
      .function("annotationsJson", &RecordHandle::annotationsJson);
  function("version", &version);
  function("wfdbSignalFiles", &wfdb_signal_files);
  function("readWfdb", &read_wfdb);
  function("fromSamples", &from_samples);
  function("readCsv", &read_csv);
  function("readEdf", &read_edf);
  function("readAny", &read_any);
  function("recordFiles", &record_files);
  function("detectFormat", &detect_format);
  function("ishneWfdbHeader", &ishne_wfdb_header);
  function("analyze", &analyze);
  function("analyzeWithModel", &analyze_with_model);
  function("writeWfdbAnnotations", &write_wfdb_annotations);
  function("defaultWindow", &default_window);
}
