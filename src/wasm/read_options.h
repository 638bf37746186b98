#pragma once
// What both WASM modules (the core's bindings.cpp, the formats module's formats/formats_bindings.cpp) take from JS
// when they read a file: its sibling files by name and the reader options.
#include <emscripten/val.h>

#include <cstdint>
#include <map>
#include <span>
#include <string>

#include "core/json_value.h"
#include "io/dispatch.h"

namespace av::wasm {

inline std::span<const uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// {name: Uint8Array} -> an opener over copies of those bytes.
struct FileSet {
  std::map<std::string, std::string, std::less<>> storage;
  explicit FileSet(emscripten::val files);
  av::io::WfdbFileOpener opener() const;
};

// The CSV fields of reader options: {"sampleRate": Hz, "delimiter": ","}.
void read_csv_fields(const av::JsonValue& j, double& sampleRate, char& delimiter);

// optionsJson: {"sampleRate": Hz, "delimiter": ",", "annotator": "atr", "series": "rhythm"|"representative"}.
av::io::ReadOptions read_options(const std::string& optionsJson);

}  // namespace av::wasm
