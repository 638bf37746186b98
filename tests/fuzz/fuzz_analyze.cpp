// Fuzzes the whole path from arbitrary bytes to classified beats: the reader is picked from the bytes
// ("0       " = EDF; a header text, NUL and signal bytes = WFDB; else CSV at 360 Hz unless it has a time
// column), then analyze() with the V1 model, whole and chunked (1 s chunks): the two must agree exactly.
#include <nlohmann/json.hpp>

#include "fuzz_common.h"
#include "io/csv.h"
#include "io/edf.h"
#include "io/wfdb_signal.h"
#include "nn/engine.h"
#include "nn/model.h"
#include "pipeline/analyze.h"
#include "pipeline/result_json.h"
#include "pipeline/engine_classifier.h"
#include "pipeline/stream.h"

namespace {

av::Record read_any(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (text.substr(0, 8) == "0       ") return av::io::read_edf(std::span<const uint8_t>(data, size));
  const auto [headerText, bytes] = av::fuzz::split_at_nul(data, size);
  if (headerText.size() == size) return av::io::read_csv(text, {360.0, '\0'});
  return av::io::read_wfdb(headerText, [bytes = bytes](std::string_view) {
    return std::optional<std::span<const uint8_t>>(bytes);
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const av::nn::Model model = av::nn::Model::load(
      [] { auto j = av::fuzz::read_source_file("models/arrhythminet-v1.json"); return std::string(j.begin(), j.end()); }(),
      av::fuzz::read_source_file("models/arrhythminet-v1.bin"));
  static av::nn::Engine engine(model, av::nn::default_backend(), 64);
  static av::pipeline::EngineClassifier classifier(engine);
  av::Record rec;
  try {
    rec = read_any(data, size);
    // A default lead with a rate of its own (multi-frequency WFDB) is analysed at it: both roads below take
    // the record at that rate, as analyze() does.
    if (!rec.leads.empty()) rec = av::at_lead_rate(rec, av::resolve_lead(rec, ""));
  } catch (const av::Error&) {
    return 0;
  }
  // Whole-record analysis, then the chunked one with small chunks: both fail alike or agree exactly.
  for (auto beats : {av::pipeline::BeatSource::Detect, av::pipeline::BeatSource::Reference}) {
    av::pipeline::AnalyzeOptions o;
    o.beats = beats;
    std::string wholeError, chunkedError;
    av::pipeline::Result whole, chunked;
    try {
      whole = av::pipeline::analyze(rec, &classifier, o);
    } catch (const av::Error& e) {
      wholeError = e.code();
    }
    try {
      const int lead = av::resolve_lead(rec, "");
      av::pipeline::StreamOptions so;
      so.analyze = o;
      so.chunkSeconds = 1;
      av::pipeline::StreamRecordInfo info{rec.name, rec.leads[static_cast<size_t>(lead)].name, lead,
                                          av::beat_annotation_samples(rec.annotations,
                                                                               static_cast<int64_t>(rec.length()))};
      chunked = av::pipeline::analyze_chunked(std::make_unique<av::pipeline::RecordLeadSource>(rec, lead),
                                              std::move(info), &classifier, so);
    } catch (const av::Error& e) {
      chunkedError = e.code();
    }
    if (wholeError != chunkedError) __builtin_trap();
    if (!wholeError.empty()) continue;
    if (whole.beats.size() != chunked.beats.size()) __builtin_trap();
    for (size_t i = 0; i < whole.beats.size(); ++i) {
      const auto& a = whole.beats[i];
      const auto& b = chunked.beats[i];
      if (a.sample != b.sample || a.label != b.label || a.probabilities != b.probabilities) __builtin_trap();
      for (float p : a.probabilities)
        if (!(p >= 0.0f && p <= 1.0f)) __builtin_trap();
    }
    // Names and units come from the file and need not be UTF-8: the outputs replace invalid bytes
    // (as the CLI and the JS API do), and the streamed text is the same document.
    const auto text = av::pipeline::to_json(whole).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (nlohmann::ordered_json::parse(text) != nlohmann::ordered_json::parse(av::pipeline::to_json_string(whole)))
      __builtin_trap();
  }
  return 0;
}
