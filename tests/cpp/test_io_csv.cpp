// CSV reader: files written here in the shapes people export (PhysioNet rdsamp, Kaggle MIT-BIH, spreadsheets).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>
#include <functional>
#include <string>

#include "core/error.h"
#include "io/csv.h"
#include "io/text_util.h"

#include <cstdlib>
#include <random>

#include "error_code.h"

using namespace av;
using av::test::error_code_of;
using namespace av::io;

namespace {
CsvOptions rate(double hz) {
  CsvOptions o;
  o.sampleRate = hz;
  return o;
}
}  // namespace

TEST_CASE("CSV with a header and a time column in seconds", "[io][csv]") {
  // 4 ms steps: 250 Hz.
  const Record r = read_csv("time,MLII,V5\n0.000,0.1,-0.2\n0.004,0.15,-0.25\n0.008,0.2,-0.3\n0.012,0.25,-0.35\n");
  CHECK(r.sampleRate == Approx(250.0));
  REQUIRE(r.leads.size() == 2);
  CHECK(r.leads[0].name == "MLII");
  CHECK(r.leads[1].name == "V5");
  REQUIRE(r.length() == 4);
  CHECK(r.leads[0].samples[3] == Approx(0.25));
  CHECK(r.leads[1].samples[1] == Approx(-0.25));
}

TEST_CASE("CSV delimiters: semicolon with decimal commas, tab, whitespace", "[io][csv]") {
  const Record semi = read_csv("Zeit (ms);ECG\n0;1,5\n2;2,5\n4;-0,5\n");
  CHECK(semi.sampleRate == Approx(500.0));  // 2 ms steps, named as milliseconds
  REQUIRE(semi.leads.size() == 1);
  CHECK(semi.leads[0].samples[0] == Approx(1.5));
  CHECK(semi.leads[0].samples[2] == Approx(-0.5));

  const Record tab = read_csv("a\tb\tc\n1\t2\t3\n4\t5\t6\n", rate(128));
  CHECK(tab.sampleRate == 128.0);
  REQUIRE(tab.leads.size() == 3);
  CHECK(tab.leads[2].samples[1] == Approx(6.0));

  const Record ws = read_csv("  1.0   2.0\n  3.0   4.0 \n5.0 6.0\n2.0 8.0\n", rate(360));
  REQUIRE(ws.leads.size() == 2);  // first column falls, so it is a signal, not time
  CHECK(ws.leads[0].name == "column 1");
  CHECK(ws.leads[1].samples[3] == Approx(8.0));
}

TEST_CASE("CSV in the PhysioNet and Kaggle shapes", "[io][csv]") {
  // rdsamp -c -p -v: quoted names, a units row, elapsed time in seconds, a microvolt column.
  const Record rd = read_csv("'Elapsed time','MLII','V5'\n'seconds','mV','uV'\n0.000,-0.145,-65\n0.003,-0.145,-65\n"
                             "0.006,-0.145,-65\n");
  CHECK(rd.sampleRate == Approx(1.0 / 0.003));
  CHECK(rd.leads[0].name == "MLII");
  CHECK(rd.leads[1].samples[0] == Approx(-0.065));  // uV -> mV
  // Kaggle mitbih_database: a sample index column carries no rate.
  const std::string kaggle = "\"'sample #'\",\"'MLII'\",\"'V5'\"\n0,995,1011\n1,995,1011\n2,995,1011\n";
  CHECK(error_code_of([&] { read_csv(kaggle); }) == "csv_no_sample_rate");
  const Record k = read_csv(kaggle, rate(360));
  CHECK(k.sampleRate == 360.0);
  REQUIRE(k.leads.size() == 2);
  CHECK(k.leads[0].name == "'MLII'");
  // Without a header, a column counting 0, 1, 2, ... is an index; a steadily rising fraction is time.
  CHECK(error_code_of([] { read_csv("0,5\n1,6\n2,7\n"); }) == "csv_no_sample_rate");
  const Record t = read_csv("0.0,5\n0.002,6\n0.004,7\n");
  CHECK(t.sampleRate == Approx(500.0));
  REQUIRE(t.leads.size() == 1);
  // Milliseconds recognised by a step too long for seconds.
  const Record ms = read_csv("time,ecg\n0,1\n4,2\n8,3\n");
  CHECK(ms.sampleRate == Approx(250.0));
}

TEST_CASE("CSV missing cells, CRLF, comments and trailing delimiters", "[io][csv]") {
  const Record r = read_csv("# exported\r\nI,II,\r\n1,10,\r\n,20,\r\n3,NaN,\r\n", rate(100));
  REQUIRE(r.leads.size() == 2);  // the empty trailing column is dropped
  CHECK(r.leads[0].samples[1] == Approx(1.0));   // missing: previous value repeats
  CHECK(r.leads[1].samples[2] == Approx(20.0));
  CHECK(r.leads[0].samples[2] == Approx(3.0));
}

TEST_CASE("CSV error paths", "[io][csv][errors]") {
  CHECK(error_code_of([] { read_csv("", rate(360)); }) == "csv_no_numbers");
  CHECK(error_code_of([] { read_csv("\n\n  \n", rate(360)); }) == "csv_no_numbers");
  CHECK(error_code_of([] { read_csv("name,value\nalpha,beta\n", rate(360)); }) == "csv_no_numbers");
  CHECK(error_code_of([] { read_csv("a,b\n1,2\n3\n", rate(360)); }) == "csv_ragged");
  CHECK(error_code_of([] { read_csv("a,b\n1,2\n3,4,5\n", rate(360)); }) == "csv_ragged");
  CHECK(error_code_of([] { read_csv("a,b\n1,2\n3,x4\n", rate(360)); }) == "csv_invalid_number");
  CHECK(error_code_of([] { read_csv("1\n2\n3\n"); }) == "csv_no_sample_rate");
  CHECK(error_code_of([] { read_csv("1\n2\n3\n", rate(0)); }) == "csv_no_sample_rate");
  CHECK(error_code_of([] { read_csv("1\n2\n3\n", rate(-5)); }) == "csv_no_sample_rate");
  CHECK(error_code_of([] { read_csv("time,ecg\n0,1\n0,2\n"); }) == "csv_time_invalid");        // time stands still
  CHECK(error_code_of([] { read_csv("time,ecg\n0,1\n0.1,2\n0.05,3\n"); }) == "csv_time_invalid");  // goes back
  CHECK(error_code_of([] { read_csv("time,ecg\n0,1\n,2\n0.1,3\n"); }) == "csv_time_invalid");
  std::string wide;
  for (int i = 0; i < 2000; ++i) wide += "1,";
  wide += "1\n";
  CHECK(error_code_of([&] { read_csv(wide, rate(360)); }) == "csv_too_many_columns");
  // Random bytes never crash.
  std::string junk;
  uint32_t x = 99;
  for (int i = 0; i < 200; ++i) {
    junk.clear();
    for (int j = 0; j < 300; ++j) junk += char((x = x * 1664525u + 1013904223u) >> 24);
    const std::string c = error_code_of([&] { read_csv(junk, rate(360)); });
    CHECK(c.rfind("csv_", 0) == 0);
  }
}

TEST_CASE("number parsing agrees with strtod and refuses non-numbers", "[io][csv]") {
  std::mt19937_64 rng(11);
  for (int i = 0; i < 20000; ++i) {
    // Decimals of assorted shapes: sign, digits before and after the point, optional exponent.
    std::string s = (rng() % 3 == 0) ? "-" : "";
    s += std::to_string(rng() % (uint64_t(1) << (rng() % 60)));
    if (rng() % 2) s += "." + std::string(rng() % 5, '0') + std::to_string(rng() % 1000000);
    if (rng() % 4 == 0) s += "e" + std::to_string(int(rng() % 40) - 20);
    double v = 0;
    REQUIRE(av::io::detail::parse_double(s, v));
    INFO(s);
    CHECK(v == std::strtod(s.c_str(), nullptr));
  }
  double v = 0;
  for (const char* bad : {"", ".", "-", "1e", "1.2.3", "0x10", "inf", "nan", "1e999", "12a", " 1", "1,5"})
    CHECK_FALSE(av::io::detail::parse_double(bad, v));
  CHECK((av::io::detail::parse_double("+.5", v) && v == 0.5));
  CHECK((av::io::detail::parse_double("12345678901234567890123", v) && v == 12345678901234567890123.0));
}

namespace {
// An Apple Watch ECG export as the Health app writes it: metadata lines, blank lines, then one value per line in µV.
// The samples are a 1 mV, 1.5 Hz sine at 512 Hz, written with 3 decimals.
std::string apple_watch_export(const std::string& rateLine, const std::string& unitLine, bool decimalComma,
                               std::vector<double>* writtenUv) {
  std::string s = "Name,Jane Appleseed\nDate of Birth,\"Jan 2, 1980\"\nRecorded Date,2024-03-01 08:15:21 +0100\n"
                  "Classification,Sinus Rhythm\nSymptoms,\nSoftware Version,2.0\nDevice,\"Watch6,1\"\n" +
                  rateLine + "\nLead,Lead I\n" + unitLine + "\n\n\n";
  char buf[64];
  for (int i = 0; i < 1536; ++i) {
    const double uv = std::round(1000.0 * std::sin(2 * M_PI * 1.5 * i / 512.0) * 1000.0) / 1000.0;
    if (writtenUv) writtenUv->push_back(uv);
    std::snprintf(buf, sizeof buf, "%.3f", uv);
    std::string v = buf;
    if (decimalComma) {
      std::replace(v.begin(), v.end(), '.', ',');
      v = "\"" + v + "\"";
    }
    s += v + "\n";
  }
  return s;
}
}  // namespace

TEST_CASE("Apple Watch ECG export: rate, µV, lead and metadata from the header lines", "[io][csv][apple]") {
  std::vector<double> uv;
  const Record r = read_csv(apple_watch_export("Sample Rate,512 hertz", "Unit,\xc2\xb5V", false, &uv));
  CHECK(r.sampleRate == 512.0);
  REQUIRE(r.leads.size() == 1);
  CHECK(r.leads[0].name == "Lead I");
  CHECK(r.leads[0].units == "mV");
  REQUIRE(r.length() == uv.size());
  double maxErr = 0;
  for (size_t i = 0; i < uv.size(); ++i) maxErr = std::max(maxErr, std::fabs(r.leads[0].samples[i] - uv[i] / 1000.0));
  CHECK(maxErr < 1e-6);                          // µV -> mV, not 1000x too large
  CHECK(r.leads[0].samples[85] == Approx(std::sin(2 * M_PI * 1.5 * 85 / 512.0)).margin(1e-5));
  // The metadata, in file order, quotes removed and commas inside quotes kept.
  REQUIRE(r.metadata.size() == 10);
  CHECK(r.metadata[0] == std::pair<std::string, std::string>{"Name", "Jane Appleseed"});
  CHECK(r.metadata[1].second == "Jan 2, 1980");
  CHECK(r.metadata[2] == std::pair<std::string, std::string>{"Recorded Date", "2024-03-01 08:15:21 +0100"});
  CHECK(r.metadata[3] == std::pair<std::string, std::string>{"Classification", "Sinus Rhythm"});
  CHECK(r.metadata[4] == std::pair<std::string, std::string>{"Symptoms", ""});
  CHECK(r.metadata[6] == std::pair<std::string, std::string>{"Device", "Watch6,1"});
  CHECK(r.metadata[7].second == "512 hertz");
  CHECK(r.metadata[9] == std::pair<std::string, std::string>{"Unit", "\xc2\xb5V"});
}

TEST_CASE("Apple-Watch-like exports: Hz and fractional rates, uV, decimal commas, trailing delimiters", "[io][csv][apple]") {
  std::vector<double> uv;
  const Record hz = read_csv(apple_watch_export("Sample Rate,512 Hz", "Unit,uV", true, &uv));
  CHECK(hz.sampleRate == 512.0);
  REQUIRE(hz.length() == uv.size());
  CHECK(hz.leads[0].samples[100] == Approx(uv[100] / 1000.0).margin(1e-7));  // "-59,808" read as -59.808 µV
  const Record frac = read_csv(apple_watch_export("Sample Rate,\"511,5 Hz\"", "Unit,mV", false, nullptr));
  CHECK(frac.sampleRate == 511.5);
  CHECK(frac.leads[0].samples[85] == Approx(1000.0 * std::sin(2 * M_PI * 1.5 * 85 / 512.0)).epsilon(1e-6));  // mV as is
  const Record k = read_csv("Sampling Frequency: 0.25 kHz\nUnits = V\n0.001,\n0.002,\n-0.001,\n");
  CHECK(k.sampleRate == 250.0);
  REQUIRE(k.leads.size() == 1);  // the empty column made by the trailing commas is no lead
  CHECK(k.leads[0].samples[1] == Approx(2.0));
  // The file's rate wins over the caller's default; a rate line that is no rate is a coded error.
  CHECK(read_csv("Sample Rate,300\n1\n2\n", rate(360)).sampleRate == 300.0);
  CHECK(error_code_of([] { read_csv("Sample Rate,fast\n1\n2\n"); }) == "csv_metadata_invalid");
  CHECK(error_code_of([] { read_csv("Sample Rate,-5 Hz\n1\n2\n"); }) == "csv_metadata_invalid");
  // Still no rate anywhere: the old code.
  CHECK(error_code_of([] { read_csv("Classification,Sinus Rhythm\n1\n2\n"); }) == "csv_no_sample_rate");
  // "# key: value" comments are metadata too.
  const Record c = read_csv("# Sample rate: 128 Hz\n# exported by a tool\n5\n6\n");
  CHECK(c.sampleRate == 128.0);
  REQUIRE(c.metadata.size() == 1);
  CHECK(c.metadata[0].first == "Sample rate");
}

TEST_CASE("CSV units in the column header: ECG (uV), ECG [mV], and metadata above a header row", "[io][csv]") {
  const Record u = read_csv("time,ECG (uV),Resp [V]\n0,1000,0.5\n0.004,-500,0.25\n");
  REQUIRE(u.leads.size() == 2);
  CHECK(u.leads[0].name == "ECG");
  CHECK(u.leads[0].samples[0] == Approx(1.0));
  CHECK(u.leads[0].samples[1] == Approx(-0.5));
  CHECK(u.leads[1].name == "Resp");
  CHECK(u.leads[1].samples[1] == Approx(250.0));
  const Record m = read_csv("ECG [mV]\n0.5\n0.7\n", rate(250));
  CHECK(m.leads[0].name == "ECG");
  CHECK(m.leads[0].samples[1] == Approx(0.7));
  // Metadata lines, then a header row and a units row: each in its place.
  const Record mh = read_csv("Device,Holter X\nSample Rate,200 Hz\nI,II\nuV,mV\n100,1\n200,2\n");
  CHECK(mh.sampleRate == 200.0);
  REQUIRE(mh.leads.size() == 2);
  CHECK(mh.leads[0].name == "I");
  CHECK(mh.leads[0].samples[1] == Approx(0.2));
  CHECK(mh.leads[1].samples[1] == Approx(2.0));
  REQUIRE(mh.metadata.size() == 2);
  CHECK(mh.metadata[0].second == "Holter X");
  // A metadata unit applies where the header names none.
  const Record mu = read_csv("Unit,uV\nECG,Resp (V)\n1000,1\n", rate(100));
  CHECK(mu.leads[0].samples[0] == Approx(1.0));
  CHECK(mu.leads[1].samples[0] == Approx(1000.0));
  // Quoted fields with commas in a header and a quoted decimal-comma value with a comma delimiter.
  const Record q = read_csv("\"time, s\",\"ECG, lead II\"\n0,\"1,5\"\n0.01,\"2,5\"\n");
  CHECK(q.sampleRate == Approx(100.0));
  REQUIRE(q.leads.size() == 1);
  CHECK(q.leads[0].name == "ECG, lead II");
  CHECK(q.leads[0].samples[1] == Approx(2.5));
}
