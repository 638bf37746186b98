// Embind bindings of the chunked analysis (pipeline/stream.h). The samples never enter the WASM heap
// whole: a WFDB record is read through JS callbacks that hand over byte ranges of its files, any other
// lead through a callback that hands over sample ranges. JS drives the job one chunk at a time (step()),
// so it can report progress and stop on an AbortSignal between chunks. Beats come back as typed arrays
// (the JSON of ~100 000 beats would cost more heap than the analysis itself).
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <algorithm>

#include "core/error.h"
#include "core/json_value.h"
#include "core/limits.h"
#include "io/wfdb_annotation.h"
#include "io/wfdb_header.h"
#include "nn/engine.h"
#include "pipeline/engine_classifier.h"
#include "pipeline/result_json.h"
#include "pipeline/stream.h"
#include "wasm/analyze_options.h"
#include "wasm/guarded.h"
#include "wasm/nn_bindings.h"

using emscripten::val;

namespace {

// A lead whose samples JS hands over range by range: readSamples(first, count) -> Float32Array.
class JsSampleSource : public av::pipeline::SampleSource {
 public:
  JsSampleSource(double length, double fs, val read) : n_(static_cast<int64_t>(length)), fs_(fs), read_(std::move(read)) {}
  int64_t length() const override { return n_; }
  double sample_rate() const override { return fs_; }
  void read(int64_t first, int64_t count, float* out) override {
    const val chunk = read_(static_cast<double>(first), static_cast<double>(count));
    if (chunk["length"].as<double>() != static_cast<double>(count))
      throw av::Error("internal_error", "readSamples returned the wrong number of samples");
    val(emscripten::typed_memory_view(static_cast<size_t>(count), out)).call<void>("set", chunk);
  }

 private:
  int64_t n_;
  double fs_;
  val read_;
};

av::pipeline::StreamOptions stream_options(const val& o) {
  av::pipeline::StreamOptions s;
  s.analyze = av::wasm::analyze_options_from(o);
  s.analyze.lead.clear();  // the stream is given its lead
  if (o["chunkSeconds"].isNumber()) {
    s.chunkSeconds = o["chunkSeconds"].as<double>();
    if (!(s.chunkSeconds >= 1)) throw av::Error("invalid_option", "chunkSeconds must be a number >= 1");
  }
  return s;
}

// One chunked analysis in progress; owns its source, classifier and partial result (shared, so that the
// handle Embind copies stays cheap).
class StreamJob {
 public:
  StreamJob(std::unique_ptr<av::pipeline::SampleSource> source, av::pipeline::StreamRecordInfo info, const val& model,
            const val& options)
      : s_(std::make_shared<State>()) {
    if (!model.isNull() && !model.isUndefined()) {
      s_->model = model.as<av::wasm::ModelHandle>();
      s_->classifier = std::make_unique<av::pipeline::EngineClassifier>(*s_->model.engine);
    }
    s_->job = std::make_unique<av::pipeline::StreamAnalyzer>(std::move(source), std::move(info), s_->classifier.get(),
                                                             stream_options(options));
  }
  // Runs one chunk: true while chunks remain, false when done, or an error object.
  val step() {
    return av::wasm::guarded("the analysis", [&] {
      const bool more = s_->job->step();
      if (!more) s_->result = s_->job->result();
      return val(more);
    });
  }
  double progress() const { return s_->job->progress(); }
  // The result JSON (pipeline/result_json.h) with an empty beats array (JS fills it from the typed arrays below).
  std::string resultJson() const {
    av::pipeline::Result r = s_->result;
    r.beats.clear();
    return av::pipeline::to_json_string(r);
  }
  val beatSamples() const {
    std::vector<double> v;
    v.reserve(s_->result.beats.size());
    for (const auto& b : s_->result.beats) v.push_back(static_cast<double>(b.sample));
    return copy_out<double>("Float64Array", v);
  }
  val beatLabels() const {
    std::vector<int8_t> v;
    v.reserve(s_->result.beats.size());
    for (const auto& b : s_->result.beats) v.push_back(static_cast<int8_t>(b.label));
    return copy_out<int8_t>("Int8Array", v);
  }
  // Per beat, three values: the model's own label where a rule changed it (else -1), 1 inside AF,
  // 1 inside unusable signal.
  val beatRhythm() const {
    std::vector<int8_t> v;
    v.reserve(s_->result.beats.size() * 3);
    for (const auto& b : s_->result.beats) {
      v.push_back(static_cast<int8_t>(b.modelLabel));
      v.push_back(b.af ? 1 : 0);
      v.push_back(b.noisy ? 1 : 0);
    }
    return copy_out<int8_t>("Int8Array", v);
  }
  val beatProbabilities() const {
    std::vector<float> v;
    v.reserve(s_->result.beats.size() * 5);
    for (const auto& b : s_->result.beats) v.insert(v.end(), b.probabilities.begin(), b.probabilities.end());
    return copy_out<float>("Float32Array", v);
  }

 private:
  template <class T>
  static val copy_out(const char* type, const std::vector<T>& v) {
    val out = val::global(type).new_(v.size());
    out.call<void>("set", val(emscripten::typed_memory_view(v.size(), v.data())));
    return out;
  }

  struct State {
    av::wasm::ModelHandle model;
    std::unique_ptr<av::pipeline::EngineClassifier> classifier;
    std::unique_ptr<av::pipeline::StreamAnalyzer> job;
    av::pipeline::Result result;
  };
  std::shared_ptr<State> s_;
};

// header: .hea text; fileSize(name) -> bytes or -1; readBytes(name, offset, length) -> Uint8Array;
// atr: annotation bytes or null; options: {lead, beats, chunkSeconds, batchSize, readMs}.
val stream_wfdb(const std::string& headerText, val fileSize, val readBytes, val atr, val model, val options) {
  return av::wasm::guarded("the analysis", [&] {
    const av::io::WfdbHeader header = av::io::parse_wfdb_header(headerText);
    av::Record names;  // lead names only, for the lead choice
    for (size_t i = 0; i < header.signals.size(); ++i)
      names.leads.push_back({header.signals[i].description.empty() ? "signal " + std::to_string(i)
                                                                    : header.signals[i].description});
    const int lead = options["lead"].isString() ? av::resolve_lead(names, options["lead"].as<std::string>())
                                                : std::max(0, av::default_lead_index(names));
    auto source = std::make_unique<av::pipeline::WfdbRangeSource>(
        header, [fileSize](const std::string& name) { return static_cast<int64_t>(fileSize(name).as<double>()); },
        [readBytes](const std::string& name, int64_t offset, int64_t length) {
          const val bytes = readBytes(name, static_cast<double>(offset), static_cast<double>(length));
          std::vector<uint8_t> out(static_cast<size_t>(length));
          if (bytes["length"].as<double>() != static_cast<double>(length))
            throw av::Error("wfdb_signal_truncated", "signal file '" + name + "' is shorter than expected");
          val(emscripten::typed_memory_view(out.size(), out.data())).call<void>("set", bytes);
          return out;
        },
        lead);
    av::pipeline::StreamRecordInfo info{header.recordName, names.leads[static_cast<size_t>(lead)].name, lead, {}};
    if (!atr.isNull() && !atr.isUndefined()) {
      const std::vector<uint8_t> bytes = emscripten::convertJSArrayToNumberVector<uint8_t>(atr);
      info.referenceBeats = av::beat_annotation_samples(av::io::read_wfdb_annotations_at(bytes, header.samplingFrequency), source->length());
    }
    return val(StreamJob(std::move(source), std::move(info), model, options));
  });
}

// Any lead: length samples at sampleRate Hz read through readSamples(first, count) -> Float32Array.
// info: {record, lead, leadIndex, annotations: JSON string of [{sample, code}] for reference beats}.
val stream_samples(double length, double sampleRate, val readSamples, val info, val model, val options) {
  return av::wasm::guarded("the analysis", [&] {
    if (!(length >= 1) || length > 9e15) throw av::Error("empty_signal", "the lead has no samples");
    av::pipeline::StreamRecordInfo i;
    if (info["record"].isString()) i.record = info["record"].as<std::string>();
    if (info["lead"].isString()) i.lead = info["lead"].as<std::string>();
    if (info["leadIndex"].isNumber()) i.leadIndex = info["leadIndex"].as<int>();
    if (info["annotations"].isString()) {  // JSON [{sample, code}]: the record's annotations
      const av::JsonValue list = av::parse_json_or_null(info["annotations"].as<std::string>());
      if (!list.is_array()) throw av::Error("invalid_annotations", "annotations must be a JSON array");
      std::vector<av::Annotation> anns;
      for (const av::JsonValue& a : list)
        if (a["sample"].is_number_integer() && a["code"].is_number_integer())
          anns.push_back({a["sample"].integer(), static_cast<int>(std::clamp<int64_t>(a["code"].integer(), -1, 1 << 20))});
      i.referenceBeats = av::beat_annotation_samples(anns, static_cast<int64_t>(length));
    }
    auto source = std::make_unique<JsSampleSource>(length, sampleRate, readSamples);
    return val(StreamJob(std::move(source), std::move(i), model, options));
  });
}

// core/limits.h for JS (the JS API checks byte inputs against maxInputBytes before copying them).
val limits_value() {
  val v = val::object();
  v.set("maxInputBytes", static_cast<double>(av::limits::kMaxInputBytes));
  v.set("maxSignals", av::limits::kMaxSignals);
  v.set("minReadSampleRate", av::limits::kMinReadSampleRate);
  v.set("maxReadSampleRate", av::limits::kMaxReadSampleRate);
  v.set("minAnalysisSampleRate", av::limits::kMinAnalysisSampleRate);
  v.set("maxAnalysisSampleRate", av::limits::kMaxAnalysisSampleRate);
  v.set("maxRecordSamples", static_cast<double>(av::limits::kMaxRecordSamples));
  return v;
}

// Bytes of the WASM heap now (it only grows): for memory checks from JS.
double heap_bytes() { return static_cast<double>(__builtin_wasm_memory_size(0)) * 65536.0; }

}  // namespace

EMSCRIPTEN_BINDINGS(arrhythmiavision_stream) {
  using namespace emscripten;
  class_<StreamJob>("StreamJob")
      .function("step", &StreamJob::step)
      .function("progress", &StreamJob::progress)
      .function("resultJson", &StreamJob::resultJson)
      .function("beatSamples", &StreamJob::beatSamples)
      .function("beatLabels", &StreamJob::beatLabels)
      .function("beatProbabilities", &StreamJob::beatProbabilities)
      .function("beatRhythm", &StreamJob::beatRhythm);
  function("streamWfdb", &stream_wfdb);
  function("streamSamples", &stream_samples);
  function("heapBytes", &heap_bytes);
  function("limits", &limits_value);
}
