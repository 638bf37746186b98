// Native file helpers: dispatch by extension, size limits, missing files.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "core/error.h"
#include "io/files.h"

#include "error_code.h"

using namespace av;
using av::test::error_code_of;
using namespace av::io;

namespace {
std::string write_temp(const std::string& name, const std::string& content) {
  const auto dir = std::filesystem::temp_directory_path() / "av_test_io_files";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / name).string();
  std::ofstream(path, std::ios::binary) << content;
  return path;
}
}  // namespace

TEST_CASE("read_record_file picks the reader by extension", "[io][files]") {
  const Record csv = read_record_file(write_temp("walk.csv", "time,ECG\n0,1\n0.01,2\n0.02,3\n"));
  CHECK(csv.name == "walk");
  CHECK(csv.sampleRate == Approx(100.0));
  const Record txt = read_record_file(write_temp("raw.TXT", "1\n2\n3\n"), 200.0);
  CHECK(txt.sampleRate == 200.0);
  CHECK(txt.length() == 3);
  const Record wfdb = read_record_file(std::string(AV_MITDB_DIR) + "/100.hea");
  CHECK(wfdb.name == "100");
  CHECK(wfdb.length() == 650000);

  const Record bare = read_record_file(std::string(AV_MITDB_DIR) + "/100");  // WFDB-style record name
  CHECK(bare.length() == 650000);
  CHECK(bare.annotations.size() == wfdb.annotations.size());
  CHECK(error_code_of([] { read_record_file(write_temp("x.xyz", std::string("\x01\x02\x00\x7f", 4))); }) == "io_unknown_format");
  CHECK(read_record_file(write_temp("x.xyz", "1\n2\n3\n"), 100.0).length() == 3);  // text of numbers: CSV
  CHECK(error_code_of([] { read_record_file(write_temp("bad.edf", "not an edf")); }) == "edf_header_invalid");
  CHECK(error_code_of([] { read_record_file("/nonexistent/dir/r.csv"); }) == "io_file_not_found");
  CHECK(error_code_of([] { read_file_bytes(write_temp("big.bin", std::string(5000, 'x')), 4096); }) == "io_file_too_large");
  CHECK(read_file_bytes(write_temp("small.bin", "abc"), 4096).size() == 3);
  // A header whose .dat is missing beside it.
  CHECK(error_code_of([] { read_wfdb_file(write_temp("lonely.hea", "lonely 1 360 10\nlonely.dat 16\n")); }) ==
        "wfdb_signal_missing");
}
