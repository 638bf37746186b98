// The record blob (core/record_blob.h) that carries a record from the WASM formats module to the core: exact to the
// bit for records read from real files, and a typed error, never a crash, for every truncation and corruption.
// Also the split of the reader dispatch that the two modules rest on (io/dispatch.h read_base_format).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/record_blob.h"
#include "io/dispatch.h"
#include "io/files.h"

#include "error_code.h"
#include "folder_opener.h"

using namespace av;
using av::test::error_code_of;
namespace fs = std::filesystem;

namespace {

const fs::path kShared = fs::path(AV_SOURCE_DIR) / ".." / "shared" / "data";
const fs::path kExamples = fs::path(AV_SOURCE_DIR) / "examples" / "data";

std::span<const uint8_t> bytes_of(const std::string& s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

// Field by field; samples by their bits, so that NaN payloads and -0 count.
void require_same(const Record& a, const Record& b) {
  REQUIRE(a.name == b.name);
  REQUIRE(std::memcmp(&a.sampleRate, &b.sampleRate, sizeof(double)) == 0);
  REQUIRE(a.leads.size() == b.leads.size());
  for (size_t i = 0; i < a.leads.size(); ++i) {
    const Lead &x = a.leads[i], &y = b.leads[i];
    REQUIRE(x.name == y.name);
    REQUIRE(x.units == y.units);
    REQUIRE(x.sampleRate == y.sampleRate);
    REQUIRE(x.samples.size() == y.samples.size());
    REQUIRE(std::memcmp(x.samples.data(), y.samples.data(), x.samples.size() * sizeof(float)) == 0);
  }
  REQUIRE(a.annotations.size() == b.annotations.size());
  for (size_t i = 0; i < a.annotations.size(); ++i) {
    const Annotation &x = a.annotations[i], &y = b.annotations[i];
    REQUIRE((x.sample == y.sample && x.code == y.code && x.subtype == y.subtype && x.chan == y.chan && x.num == y.num &&
             x.aux == y.aux && x.symbol == y.symbol));
  }
  REQUIRE(a.metadata == b.metadata);
}

Record read(const fs::path& p) {
  av::test::FileCache cache;
  return io::read_any(io::read_file_bytes(p.string()), p.filename().string(), {}, av::test::folder(p.parent_path(), cache));
}

}  // namespace

TEST_CASE("record blob: records read from real files come back exactly", "[core][blob]") {
  for (const fs::path& p : {kExamples / "100.hea", kShared / "pyedflib-samples" / "test_generator.edf",
                            kShared / "pyedflib-samples" / "test_utf8.edf",
                            kShared / "ecg-formats" / "hl7-aecg" / "fda-Example_aECG.xml"}) {
    INFO(p.string());
    const Record r = read(p);
    REQUIRE(!r.leads.empty());
    const std::string blob = encode_record(r);
    require_same(decode_record(bytes_of(blob)), r);
  }
  // 100.hea's reference annotations (aux strings among them) and the EDF's metadata travel too.
  const Record mit = read(kExamples / "100.hea");
  CHECK(mit.annotations.size() == 2274);  // 100.atr: 2273 beats + the rhythm label "(N"
  CHECK(decode_record(bytes_of(encode_record(mit))).annotations[0].aux == "(N");  // the first: the rhythm label
  CHECK(!read(kShared / "pyedflib-samples" / "test_generator.edf").metadata.empty());
}

TEST_CASE("record blob: every field, special floats and custom symbols, by hand", "[core][blob]") {
  Record r;
  r.name = "h\xc3\xa9llo";
  r.sampleRate = 128.5;
  Lead a{"II", "uV", {1.5f, -0.0f, std::numeric_limits<float>::infinity(), std::nanf("")}, 0.0};
  Lead b{"Pleth", "", {3.0f}, 0.25};
  r.leads = {a, b};
  r.annotations = {{7, 5, 1, 2, 3, "aux text", ""}, {-4, 41, 0, 0, 0, "", "Z"}};
  r.metadata = {{"Device", "X"}, {"", ""}};
  const std::string blob = encode_record(r);
  // 4 magic + (4+6 name) + 8 rate + 4 leads + (4+2 + 4+2 + 8 + 4 + 16) + (4+5 + 4+0 + 8 + 4 + 4) + 4 annotations
  // + (8+16 + 4+8 + 4+0) + (8+16 + 4+0 + 4+1) + 4 metadata + (4+6 + 4+1) + (4+0 + 4+0)
  CHECK(blob.size() == 4 + 10 + 8 + 4 + 40 + 29 + 4 + 40 + 33 + 4 + 15 + 8);
  CHECK(blob.substr(0, 4) == "AVR1");
  require_same(decode_record(bytes_of(blob)), r);
  // Little-endian on the wire: the sample rate 128.5 is 0x4060100000000000.
  const uint8_t rate[8] = {0, 0, 0, 0, 0, 0x10, 0x60, 0x40};
  CHECK(std::memcmp(blob.data() + 14, rate, 8) == 0);
}

TEST_CASE("record blob: truncated, padded or corrupt bytes are record_blob_invalid", "[core][blob]") {
  Record r;
  r.name = "x";
  r.sampleRate = 360;
  r.leads = {Lead{"MLII", "mV", {1, 2, 3, 4}, 0.0}};
  r.annotations = {{1, 1, 0, 0, 0, "", ""}};
  r.metadata = {{"k", "v"}};
  const std::string blob = encode_record(r);
  for (size_t n = 0; n < blob.size(); ++n) {
    INFO(n);
    CHECK(error_code_of([&] { decode_record(bytes_of(blob.substr(0, n))); }) == "record_blob_invalid");
  }
  CHECK(error_code_of([&] { decode_record(bytes_of(blob + '\0')); }) == "record_blob_invalid");
  std::string magic = blob;
  magic[3] = '2';
  CHECK(error_code_of([&] { decode_record(bytes_of(magic)); }) == "record_blob_invalid");
  // A sample count far beyond the bytes (offset 4 + 5 name + 8 rate + 4 leads + 8 name + 6 units + 8 rate = 43):
  // refused before any allocation.
  std::string huge = blob;
  const uint8_t count[4] = {0xff, 0xff, 0xff, 0x7f};
  std::memcpy(huge.data() + 43, count, 4);
  CHECK(error_code_of([&] { decode_record(bytes_of(huge)); }) == "record_blob_invalid");
}

TEST_CASE("dispatch: read_base_format reads WFDB as read_any does and leaves the extra formats out", "[io][dispatch]") {
  const Record whole = read(kExamples / "100.hea");
  av::test::FileCache cache;
  const io::WfdbFileOpener siblings = av::test::folder(kExamples, cache);
  const auto hea = io::read_file_bytes((kExamples / "100.hea").string());
  require_same(io::read_base_format(hea, "100.hea", {}, siblings), whole);
  const auto edf = io::read_file_bytes((kShared / "pyedflib-samples" / "test_generator.edf").string());
  CHECK(error_code_of([&] { io::read_base_format(edf, "a.edf", {}, {}); }) == "io_format_not_loaded");
  const std::string csv = "1\n2\n3\n";
  CHECK(error_code_of([&] { io::read_base_format(bytes_of(csv), "a.csv", {}, {}); }) == "io_format_not_loaded");
  CHECK(error_code_of([&] { io::read_extra_format(hea, "100.hea", {}, siblings); }) == "io_unknown_format");
  // The extra formats are exactly those four.
  CHECK(io::is_extra_format(io::Format::Csv));
  CHECK(io::is_extra_format(io::Format::Edf));
  CHECK(io::is_extra_format(io::Format::Ishne));
  CHECK(io::is_extra_format(io::Format::Aecg));
  CHECK_FALSE(io::is_extra_format(io::Format::Wfdb));
  CHECK_FALSE(io::is_extra_format(io::Format::ScpEcg));
  require_same(io::read_extra_format(edf, "a.edf", {}, {}), io::read_any(edf, "a.edf", {}, {}));
}
