#pragma once
// The analysis result as JSON (the CLI's and analyze()'s document: record, model, beats and summary, with
// leadIndex, beatSource and the summary's extras): one writer, front to back, for the CLI, the WASM API and the tools.
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "pipeline/analyze.h"

namespace av::pipeline {

// The document as text. Numbers read back as the doubles they were; beat times have 3 decimals and
// probabilities 6; invalid UTF-8 in names and messages becomes U+FFFD.
std::string to_json_string(const Result& result);

// The same document parsed, for tools that add fields to it.
nlohmann::ordered_json to_json(const Result& result);

}  // namespace av::pipeline
