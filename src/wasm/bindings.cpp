// Embind bindings only: every function here forwards to the core. Calls that can fail return either their
// value or an error object {avError: true, code, message}, which src/js/index.js turns into ArrhythmiaVisionError.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cmath>
#include <memory>
#include <string>

#include "core/error.h"
#include "core/record.h"
#include "core/record_blob.h"
#include "io/dispatch.h"
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
#include "wasm/read_options.h"
#include "wasm/record_handle.h"

using emscripten::val;

namespace {

using av::wasm::bytes_of;
using av::wasm::FileSet;
using av::wasm::read_options;
using av::wasm::RecordHandle;

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
    const FileSet set(files);
    av::Record rec = av::io::read_wfdb(header, set.opener());
    if (!atr.isNull() && !atr.isUndefined()) {
      const std::string bytes = atr.as<std::string>();
      // Times in the file's stated resolution, else in frames of the header's frequency, as natively.
      av::io::attach_wfdb_annotations(rec, bytes_of(bytes), av::io::parse_wfdb_header(header).samplingFrequency);
    }
    return record_value(std::move(rec));
  });
}

// A WFDB record, found from the content first (io/dispatch.h); files: the other files by name (signal files,
// segment headers, annotation files). CSV, EDF/BDF, ISHNE and HL7 aECG are the formats module's
// (formats/formats_bindings.cpp): io_format_not_loaded here.
val read_any(const std::string& bytes, const std::string& name, val files, const std::string& optionsJson) {
  return av::wasm::guarded("the input", [&] {
    const FileSet set(files);
    return record_value(av::io::read_base_format(bytes_of(bytes), name, read_options(optionsJson), set.opener()));
  });
}

// A record the formats module read, as its blob (core/record_blob.h).
val record_from_blob(const std::string& blob) {
  return av::wasm::guarded("the input", [&] { return record_value(av::decode_record(bytes_of(blob))); });
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

// The result JSON (pipeline/result_json.h) as a string, beats unlabelled. options: see analyze_options.h; progress: function(fraction, stage) or undefined.
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
  function("readAny", &read_any);
  function("recordFromBlob", &record_from_blob);
  function("recordFiles", &record_files);
  function("detectFormat", &detect_format);
  function("analyze", &analyze);
  function("analyzeWithModel", &analyze_with_model);
  function("defaultWindow", &default_window);
}
