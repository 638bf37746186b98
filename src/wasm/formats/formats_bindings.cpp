// The formats module: the readers of CSV, EDF/BDF, ISHNE and HL7 aECG and the WFDB annotation writer, built as a second, smaller WASM module that
// a page fetches only when it first reads such a file (src/js/modules.js). A record it reads crosses to the core
// module as one blob (core/record_blob.h), whose recordFromBlob (bindings.cpp) makes the record the analysis takes.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/annotation.h"
#include "core/error.h"
#include "core/json_value.h"
#include "core/record_blob.h"
#include "io/csv.h"
#include "io/dispatch.h"
#include "io/edf.h"
#include "io/ishne.h"
#include "io/wfdb_annotation.h"
#include "io/wfdb_header.h"
#include "wasm/guarded.h"
#include "wasm/read_options.h"

using emscripten::val;

namespace {

using av::wasm::bytes_of;

val blob_value(const av::Record& rec) {
  const std::string blob = av::encode_record(rec);
  return val::global("Uint8Array").new_(emscripten::typed_memory_view(blob.size(), reinterpret_cast<const uint8_t*>(blob.data())));
}

// A CSV, EDF/BDF, ISHNE or HL7 aECG file, found from the content first (io/dispatch.h); files and options as the
// core's readAny.
val read_any(const std::string& bytes, const std::string& name, val files, const std::string& optionsJson) {
  return av::wasm::guarded("the input", [&] {
    const av::wasm::FileSet set(files);
    return blob_value(av::io::read_extra_format(bytes_of(bytes), name, av::wasm::read_options(optionsJson), set.opener()));
  });
}

// CSV text (bytes); optionsJson: {"sampleRate": Hz, "delimiter": ","}.
val read_csv(const std::string& text, const std::string& optionsJson) {
  return av::wasm::guarded("the input", [&] {
    av::io::CsvOptions o;
    const av::JsonValue j = av::parse_json_or_null(optionsJson);
    if (j.is_object()) av::wasm::read_csv_fields(j, o.sampleRate, o.delimiter);
    av::Record rec = av::io::read_csv(text, o);
    if (rec.name.empty()) rec.name = "csv";
    return blob_value(rec);
  });
}

val read_edf(const std::string& bytes) {
  return av::wasm::guarded("the input", [&] {
    av::Record rec = av::io::read_edf(bytes_of(bytes));
    if (rec.name.empty()) rec.name = "edf";
    return blob_value(rec);
  });
}

// An ISHNE file's header bytes -> the same samples as WFDB header text, for the core's chunked analysis.
val ishne_wfdb_header(const std::string& head, const std::string& fileName, double fileSize) {
  return av::wasm::guarded("the input", [&] {
    const av::io::IshneHeader h = av::io::parse_ishne_header(bytes_of(head));
    return val(av::io::wfdb_header_text(av::io::ishne_wfdb_header(h, fileName, static_cast<int64_t>(fileSize))));
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

// The package version, which must match the core module's.
std::string version() { return AV_VERSION; }

}  // namespace

EMSCRIPTEN_BINDINGS(arrhythmiavision_formats) {
  using emscripten::function;
  function("version", &version);
  function("readAny", &read_any);
  function("readCsv", &read_csv);
  function("readEdf", &read_edf);
  function("ishneWfdbHeader", &ishne_wfdb_header);
  function("writeWfdbAnnotations", &write_wfdb_annotations);
}
