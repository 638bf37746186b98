// av-analyze: the native counterpart of `arrhythmiavision analyze --format json`, for comparing the
// native and WASM builds (determinism tests) and for batch runs.
//
//   av-analyze <input .hea|.csv|.edf> [--model <metadata .json>, default models/arrhythminet-v1-ctx.json]
//              [--lead <index|name>]
//              [--beats detect|reference] [--chunk-seconds S] [--csv-rate HZ] [--no-timing]
//
// --chunk-seconds runs the chunked analysis (pipeline/stream.h) instead of the whole-record one; the
// output is the same. --no-timing leaves the "timing" member out, so two runs compare byte for byte.
// Errors: exit code 2 and "error: <code>: <message>" on stderr.
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "io/files.h"
#include "nn/engine.h"
#include "nn/model.h"
#include "pipeline/analyze.h"
#include "pipeline/result_json.h"
#include "pipeline/engine_classifier.h"
#include "pipeline/stream.h"
#include "tool_common.h"

int main(int argc, char** argv) {
  std::string input, model = "models/arrhythminet-v1-ctx.json", lead, beats = "detect";
  double chunkSeconds = 0, csvRate = 0;
  bool timing = true;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      auto value = [&]() -> std::string {
        if (i + 1 >= argc) {
          std::fprintf(stderr, "error: invalid_option: %s needs a value\n", a.c_str());
          std::exit(2);
        }
        return argv[++i];
      };
      if (a == "--model") model = value();
      else if (a == "--lead") lead = value();
      else if (a == "--beats") beats = value();
      else if (a == "--chunk-seconds") chunkSeconds = number_option(a, value());
      else if (a == "--csv-rate") csvRate = number_option(a, value());
      else if (a == "--no-timing") timing = false;
      else input = a;
    }
    if (input.empty()) {
      std::fprintf(stderr, "usage: av-analyze <input> [--model m.json] [--lead L] [--beats detect|reference] "
                           "[--chunk-seconds S] [--csv-rate HZ] [--no-timing]\n");
      return 2;
    }
    const av::Record rec = av::io::read_record_file(input, csvRate);
    const av::nn::Model m = av::nn::Model::load_file(model);
    av::nn::Engine engine(m);
    av::pipeline::EngineClassifier classifier(engine);
    av::pipeline::AnalyzeOptions o;
    o.lead = lead;
    if (beats == "reference") o.beats = av::pipeline::BeatSource::Reference;
    else if (beats != "detect") throw av::Error("invalid_option", "--beats must be detect or reference");
    av::pipeline::Result result;
    if (chunkSeconds > 0) {
      const int index = av::resolve_lead(rec, lead);
      av::pipeline::StreamOptions so;
      so.analyze = o;
      so.chunkSeconds = chunkSeconds;
      av::pipeline::StreamRecordInfo info{rec.name, rec.leads[static_cast<size_t>(index)].name, index,
                                          av::beat_annotation_samples(rec.annotations,
                                                                               static_cast<int64_t>(rec.length()))};
      result = av::pipeline::analyze_chunked(std::make_unique<av::pipeline::RecordLeadSource>(rec, index),
                                             std::move(info), &classifier, so);
    } else {
      result = av::pipeline::analyze(rec, &classifier, o);
    }
    nlohmann::ordered_json j = av::pipeline::to_json(result);
    if (!timing) j.erase("timing");
    std::cout << j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
  } catch (const av::Error& e) {
    std::fprintf(stderr, "error: %s: %s\n", e.code().c_str(), e.what());
    return 2;
  }
  return 0;
}
