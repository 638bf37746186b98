// The input limits of core/limits.h, checked at their edges in every reader and in the analysis.
#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "core/limits.h"
#include "io/csv.h"
#include "io/edf.h"
#include "io/files.h"
#include "io/wfdb_header.h"
#include "io/wfdb_signal.h"
#include "pipeline/analyze.h"

#include "error_code.h"

using namespace av;
using av::test::error_code_of;

namespace {

std::string wfdb_header(int signals, const std::string& fs) {
  std::string h = "r " + std::to_string(signals) + " " + fs + " 4\n";
  for (int i = 0; i < signals; ++i) h += "r.dat 16\n";
  return h;
}

// A minimal EDF: `ns` signals of one sample per 1 s record... `spr` samples per record, one data record.
std::vector<uint8_t> edf(int ns, int spr, double duration = 1.0) {
  auto field = [](std::string s, size_t n) { s.resize(n, ' '); return s; };
  std::string h = field("0", 8) + field("X", 80) + field("X", 80) + field("01.01.00", 8) + field("00.00.00", 8) +
                  field(std::to_string(256 * (ns + 1)), 8) + field("", 44) + field("1", 8) +
                  field(std::to_string(duration), 8) + field(std::to_string(ns), 4);
  auto each = [&](const std::string& v, size_t n) { for (int i = 0; i < ns; ++i) h += field(v, n); };
  each("ECG", 16); each("", 80); each("mV", 8); each("-1", 8); each("1", 8); each("-100", 8); each("100", 8);
  each("", 80); each(std::to_string(spr), 8); each("", 32);
  std::vector<uint8_t> bytes(h.begin(), h.end());
  bytes.resize(bytes.size() + static_cast<size_t>(2 * ns * spr), 0);
  return bytes;
}

}  // namespace

TEST_CASE("limits: number of signals is the same in every reader", "[limits]") {
  REQUIRE(limits::kMaxSignals == 64);
  CHECK_NOTHROW(io::parse_wfdb_header(wfdb_header(64, "360")));
  CHECK(error_code_of([] { io::parse_wfdb_header(wfdb_header(65, "360")); }) == "wfdb_header_invalid");

  CHECK_NOTHROW(io::read_edf(edf(64, 10)));
  CHECK(error_code_of([] { io::read_edf(edf(65, 10)); }) == "edf_header_invalid");

  auto csv = [](int leads) {
    std::string text;
    for (int row = 0; row < 3; ++row) {
      for (int c = 0; c < leads; ++c) text += (c ? "," : "") + std::to_string((row * 5 + c) % 3);  // no time column
      text += "\n";
    }
    return text;
  };
  CHECK(io::read_csv(csv(64), {360.0, '\0'}).leads.size() == 64);
  CHECK(error_code_of([&] { io::read_csv(csv(65), {360.0, '\0'}); }) == "csv_too_many_columns");
}

TEST_CASE("limits: sampling rates a reader accepts", "[limits]") {
  CHECK_NOTHROW(io::parse_wfdb_header(wfdb_header(1, "1000000")));
  CHECK_NOTHROW(io::parse_wfdb_header(wfdb_header(1, "0.001")));
  CHECK(error_code_of([] { io::parse_wfdb_header(wfdb_header(1, "1000001")); }) == "wfdb_header_invalid");
  CHECK(error_code_of([] { io::parse_wfdb_header(wfdb_header(1, "0.0009")); }) == "wfdb_header_invalid");

  CHECK(io::read_edf(edf(1, 1000, 0.001)).sampleRate == Approx(1e6));
  CHECK(error_code_of([] { io::read_edf(edf(1, 2000, 0.001)); }) == "edf_header_invalid");

  CHECK(io::read_csv("1\n2\n3\n", {1e6, '\0'}).sampleRate == 1e6);
  CHECK(error_code_of([] { io::read_csv("1\n2\n3\n", {2e6, '\0'}); }) == "sample_rate_out_of_range");
  CHECK(error_code_of([] { io::read_csv("t,x\n0,1\n0.0000001,2\n", {}); }) == "csv_time_invalid");  // 10 MHz
}

TEST_CASE("limits: sampling rates the analysis accepts", "[limits]") {
  CHECK_NOTHROW(limits::check_analysis_sample_rate(50));
  CHECK_NOTHROW(limits::check_analysis_sample_rate(20000));
  for (double fs : {49.99, 20000.5, 0.0, -360.0, std::nan(""), 1.0 / 0.0})
    CHECK(error_code_of([fs] { limits::check_analysis_sample_rate(fs); }) == "sample_rate_out_of_range");
  // analyze() itself, on a record a reader happily accepts (10 Hz CSV).
  const Record slow = io::read_csv("1\n2\n3\n4\n", {10.0, '\0'});
  CHECK(error_code_of([&] { pipeline::analyze(slow, nullptr, {}); }) == "sample_rate_out_of_range");
}

TEST_CASE("limits: the largest file and record", "[limits]") {
  REQUIRE(limits::kMaxInputBytes == (uint64_t{1} << 30));
  // A sparse file one byte over the limit is refused before anything is read.
  const auto path = std::filesystem::temp_directory_path() / "av-limits-too-large.dat";
  { std::ofstream(path, std::ios::binary).put('x'); }
  std::filesystem::resize_file(path, limits::kMaxInputBytes + 1);
  CHECK(error_code_of([&] { io::read_file_bytes(path.string()); }) == "io_file_too_large");
  std::filesystem::remove(path);
  CHECK(error_code_of([] { limits::check_input_bytes(limits::kMaxInputBytes + 1, "x"); }) == "io_file_too_large");
  CHECK_NOTHROW(limits::check_input_bytes(limits::kMaxInputBytes, "x"));

  CHECK_NOTHROW(limits::check_record_samples(limits::kMaxRecordSamples));
  CHECK(error_code_of([] { limits::check_record_samples(limits::kMaxRecordSamples + 1); }) == "record_too_long");
  // A WFDB header whose record would decode to more floats than the limit: refused before allocating
  // (format 80 with 1024 samples per frame and 64 signals: 65 536 samples a frame, 2049 frames).
  std::string h = "r 64 360 2049\n";
  for (int i = 0; i < 64; ++i) h += "r.dat 80x1024\n";
  std::vector<uint8_t> bytes(static_cast<size_t>(2049) * 65536, 0x80);
  CHECK(error_code_of([&] {
          io::read_wfdb(h, [&](std::string_view) { return std::optional<std::span<const uint8_t>>(bytes); });
        }) == "record_too_long");
}
