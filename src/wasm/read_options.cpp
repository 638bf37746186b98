#include "wasm/read_options.h"

#include "core/error.h"

namespace av::wasm {

using emscripten::val;

FileSet::FileSet(val files) {
  if (files.isNull() || files.isUndefined()) return;
  const val keys = val::global("Object").call<val>("keys", files);
  const int n = keys["length"].as<int>();
  for (int i = 0; i < n; ++i) {
    auto key = keys[i].as<std::string>();
    storage[key] = files[key].as<std::string>();
  }
}

av::io::WfdbFileOpener FileSet::opener() const {
  return [this](std::string_view name) -> std::optional<std::span<const uint8_t>> {
    auto it = storage.find(name);
    if (it == storage.end()) return std::nullopt;
    return bytes_of(it->second);
  };
}

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

}  // namespace av::wasm
