#pragma once
// The JS options object → AnalyzeOptions, one reader for analyze() and analyzeStream():
// {lead: string, beats: 'detect'|'reference', readMs, batchSize, pauseSec, afRelabel}.
#include <algorithm>
#include <string>

#include <emscripten/val.h>

#include "core/error.h"
#include "pipeline/analyze.h"

namespace av::wasm {

inline av::pipeline::AnalyzeOptions analyze_options_from(const emscripten::val& o) {
  av::pipeline::AnalyzeOptions a;
  if (o["lead"].isString()) a.lead = o["lead"].as<std::string>();
  if (o["beats"].isString()) {
    const auto beats = o["beats"].as<std::string>();
    if (beats == "reference") a.beats = av::pipeline::BeatSource::Reference;
    else if (beats != "detect") throw av::Error("invalid_option", "beats must be 'detect' or 'reference'");
  }
  if (o["readMs"].isNumber()) a.readMs = o["readMs"].as<double>();
  if (o["batchSize"].isNumber()) a.batchSize = static_cast<size_t>(std::max(1.0, o["batchSize"].as<double>()));
  if (o["pauseSec"].isNumber()) {
    a.summary.pauseSec = o["pauseSec"].as<double>();
    if (!(a.summary.pauseSec >= 0.5 && a.summary.pauseSec <= 60))
      throw av::Error("invalid_option", "pauseSec must be a number of seconds in [0.5, 60]");
  }
  if (o["afRelabel"].isFalse()) a.summary.afRelabel = false;
  return a;
}

}  // namespace av::wasm
