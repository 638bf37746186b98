// EDF/EDF+ reader: files written here field by field from the EDF specification.
#include <catch2/catch.hpp>

#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/edf.h"

#include "error_code.h"

using namespace av;
using av::test::error_code_of;
using namespace av::io;

namespace {

using Bytes = std::vector<uint8_t>;

struct Sig {
  std::string label, units;
  std::string pmin, pmax, dmin, dmax;
  int spr = 0;
  std::vector<int16_t> data;  // records × spr samples, record by record
};

std::string pad(const std::string& s, size_t width) {
  std::string out = s.substr(0, width);
  out.resize(width, ' ');
  return out;
}

struct EdfSpec {
  std::vector<Sig> sigs;
  std::string records = "2";
  std::string duration = "1";
  std::string reserved = "EDF+C";
  std::string headerBytes;  // empty: computed
  std::string version = "0";
};

Bytes make_edf(const EdfSpec& e) {
  const size_t ns = e.sigs.size();
  std::string h = pad(e.version, 8) + pad("X M 01-JAN-1970 Test", 80) + pad("Startdate 01-JAN-2020 X X X", 80) +
                  "01.01.20" + "10.00.00" +
                  pad(e.headerBytes.empty() ? std::to_string(256 * (ns + 1)) : e.headerBytes, 8) +
                  pad(e.reserved, 44) + pad(e.records, 8) + pad(e.duration, 8) + pad(std::to_string(ns), 4);
  for (const Sig& s : e.sigs) h += pad(s.label, 16);
  for (size_t i = 0; i < ns; ++i) h += pad("AgAgCl electrode", 80);
  for (const Sig& s : e.sigs) h += pad(s.units, 8);
  for (const Sig& s : e.sigs) h += pad(s.pmin, 8);
  for (const Sig& s : e.sigs) h += pad(s.pmax, 8);
  for (const Sig& s : e.sigs) h += pad(s.dmin, 8);
  for (const Sig& s : e.sigs) h += pad(s.dmax, 8);
  for (size_t i = 0; i < ns; ++i) h += pad("HP:0.1Hz", 80);
  for (const Sig& s : e.sigs) h += pad(std::to_string(s.spr), 8);
  for (size_t i = 0; i < ns; ++i) h += pad("", 32);
  Bytes b(h.begin(), h.end());
  const size_t records = e.sigs.empty() || e.sigs[0].spr == 0 ? 0 : e.sigs[0].data.size() / size_t(e.sigs[0].spr);
  for (size_t r = 0; r < records; ++r)
    for (const Sig& s : e.sigs)
      for (int j = 0; j < s.spr; ++j) {
        const uint16_t v = uint16_t(s.data[r * size_t(s.spr) + size_t(j)]);
        b.push_back(uint8_t(v & 0xFF));
        b.push_back(uint8_t(v >> 8));
      }
  return b;
}

// Two data records of 1 s: an ECG at 4 Hz in uV and a respiration signal at 4 Hz without units.
EdfSpec basic() {
  EdfSpec e;
  e.sigs.push_back({"ECG II", "uV", "-32768", "32767", "-32768", "32767", 4, {100, -200, 300, 1000, 0, 5, -5, 32767}});
  e.sigs.push_back({"Resp", "", "-5", "5", "0", "1000", 4, {0, 500, 1000, 250, 0, 0, 0, 0}});
  return e;
}

}  // namespace

TEST_CASE("EDF scales digital values to physical ones and uV to mV", "[io][edf]") {
  const Record r = read_edf(make_edf(basic()));
  CHECK(r.sampleRate == 4.0);
  REQUIRE(r.leads.size() == 2);
  CHECK(r.leads[0].name == "ECG II");
  CHECK(r.leads[0].units == "mV");
  REQUIRE(r.length() == 8);
  CHECK(r.leads[0].samples[0] == Approx(0.1));  // 100 uV
  CHECK(r.leads[0].samples[1] == Approx(-0.2));
  CHECK(r.leads[0].samples[3] == Approx(1.0));
  CHECK(r.leads[0].samples[7] == Approx(32.767));
  CHECK(r.leads[1].units == "");
  CHECK(r.leads[1].samples[0] == Approx(-5.0));  // digital 0 -> physical -5
  CHECK(r.leads[1].samples[1] == Approx(0.0));   // 500 -> 0
  CHECK(r.leads[1].samples[2] == Approx(5.0));
  CHECK(r.leads[1].samples[3] == Approx(-2.5));
  CHECK(find_ecg_lead(r) == 0);

  EdfSpec unknown = basic();
  unknown.records = "-1";  // still recording: the data decides
  CHECK(read_edf(make_edf(unknown)).length() == 8);
}

TEST_CASE("EDF+ annotation signals are skipped; the ECG lead sets the rate, other rates are kept", "[io][edf]") {
  EdfSpec e;
  e.duration = "0.5";
  e.sigs.push_back({"EEG Fpz-Cz", "uV", "-100", "100", "-2048", "2047", 2, {1, 2, 3, 4}});
  e.sigs.push_back({"EDF Annotations", "", "-1", "1", "-32768", "32767", 3, {0x142b, 0x1430, 0x0014, 0, 0, 0}});
  e.sigs.push_back({"EKG", "mV", "-10", "10", "-10000", "10000", 4, {1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000}});
  e.sigs.push_back({"V1", "V", "-1", "1", "-1000", "1000", 4, {1, 2, 3, 4, 5, 6, 7, 8}});
  const Record r = read_edf(make_edf(e));
  CHECK(r.sampleRate == 8.0);  // 4 samples per 0.5 s record
  REQUIRE(r.leads.size() == 3);  // the annotations are left out; the EEG keeps its own rate
  CHECK(r.leads[0].name == "EEG Fpz-Cz");
  CHECK(r.leads[0].sampleRate == 4.0);
  REQUIRE(r.leads[0].samples.size() == 4);
  CHECK(r.leads[0].samples[3] == Approx((-100 + (4 + 2048) * 200.0 / 4095) / 1000).epsilon(1e-5));  // uV -> mV
  CHECK(r.leads[1].name == "EKG");
  CHECK(r.leads[1].sampleRate == 0.0);
  CHECK(r.leads[1].samples[7] == Approx(8.0));
  CHECK(r.leads[2].name == "V1");
  CHECK(r.leads[2].samples[0] == Approx(1.0));  // 1 mV in volts: 0.001 V
  CHECK(r.length() == 8);
  CHECK(find_ecg_lead(r) == 1);
  CHECK(default_lead_index(r) == 1);  // the first lead at the record's rate
  // The analysis of the EEG sees it at its own rate.
  const Record eeg = at_lead_rate(r, 0);
  CHECK(eeg.sampleRate == 4.0);
  CHECK(eeg.leads[0].sampleRate == 0.0);
  CHECK(eeg.leads[1].sampleRate == 8.0);
  CHECK(eeg.length() == 4);

  Record named;
  named.leads = {Lead{"Resp", "", {}}, Lead{"II", "mV", {}}};
  CHECK(find_ecg_lead(named) == 1);
  named.leads[1].name = "Pleth";
  CHECK(find_ecg_lead(named) == -1);
}

TEST_CASE("EDF error paths", "[io][edf][errors]") {
  auto read = [](const EdfSpec& e) { return [b = make_edf(e)] { read_edf(b); }; };
  CHECK(error_code_of([] { read_edf(Bytes{}); }) == "edf_header_invalid");
  CHECK(error_code_of([] { read_edf(Bytes(100, '0')); }) == "edf_header_invalid");
  EdfSpec e = basic();
  e.records = "999999999";
  CHECK(error_code_of(read(e)) == "edf_truncated");
  e.records = "3";
  CHECK(error_code_of(read(e)) == "edf_truncated");
  e.records = "0";
  CHECK(error_code_of(read(e)) == "edf_truncated");
  e.records = "many";
  CHECK(error_code_of(read(e)) == "edf_header_invalid");
  e = basic();
  e.duration = "0";
  CHECK(error_code_of(read(e)) == "edf_header_invalid");
  e.duration = "x";
  CHECK(error_code_of(read(e)) == "edf_header_invalid");
  e = basic();
  e.headerBytes = "99999999";
  CHECK(error_code_of(read(e)) == "edf_header_invalid");
  e = basic();
  e.version = "1";
  CHECK(error_code_of(read(e)) == "edf_header_invalid");
  e = basic();
  e.sigs[0].dmax = "-32768";
  CHECK(error_code_of(read(e)) == "edf_header_invalid");
  e = basic();
  e.sigs[1].pmin = "abc";
  CHECK(error_code_of(read(e)) == "edf_header_invalid");
  e = basic();
  e.sigs[0].spr = 0;
  CHECK(error_code_of(read(e)) == "edf_header_invalid");
  e = basic();
  e.sigs.clear();
  CHECK(error_code_of(read(e)) == "edf_header_invalid");  // zero signals
  EdfSpec onlyAnn;
  onlyAnn.sigs.push_back({"EDF Annotations", "", "-1", "1", "-32768", "32767", 2, {0, 0, 0, 0}});
  CHECK(error_code_of(read(onlyAnn)) == "edf_no_signal");
  onlyAnn.duration = "0";  // annotation-only files may state a record duration of 0
  CHECK(error_code_of(read(onlyAnn)) == "edf_no_signal");

  Bytes cut = make_edf(basic());
  cut.resize(600);  // inside the signal headers
  CHECK(error_code_of([&] { read_edf(cut); }) == "edf_truncated");
  Bytes bdf = make_edf(basic());
  bdf[0] = 0xFF;  // 0xFF without "BIOSEMI": neither EDF nor BDF
  CHECK(error_code_of([&] { read_edf(bdf); }) == "edf_header_invalid");
  Bytes hugeNs = make_edf(basic());
  const std::string ns = "9999";
  std::copy(ns.begin(), ns.end(), hugeNs.begin() + 252);
  CHECK(error_code_of([&] { read_edf(hugeNs); }) == "edf_header_invalid");

  // Random bytes behind a valid-looking start never crash.
  std::mt19937 rng(3);
  const Bytes good = make_edf(basic());
  for (int i = 0; i < 300; ++i) {
    Bytes b = good;
    for (int k = 0; k < 8; ++k) b[rng() % b.size()] = uint8_t(rng());
    const std::string c = error_code_of([&] { read_edf(b); });
    CHECK((c == "(no error)" || c.rfind("edf_", 0) == 0 || c == "empty_signal"));
  }
}
