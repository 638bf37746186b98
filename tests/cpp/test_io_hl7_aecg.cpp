// HL7 aECG: the FDA (aecg-python) and ECGToolkit example files, checked against biosig's save2gdf decoding of the
// same files; MIT-BIH 100 written as HL7aECG by save2gdf and read back; documents written here; hostile XML.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/files.h"
#include "io/hl7_aecg.h"

#include "error_code.h"
#include "save2gdf.h"

using namespace av;
using namespace av::io;
using av::test::error_code_of;
using av::test::have_save2gdf;
using av::test::save2gdf_ascii;
namespace fs = std::filesystem;

namespace {

using Bytes = std::vector<uint8_t>;
const fs::path kDir = fs::path(AV_SOURCE_DIR) / ".." / "shared" / "data" / "ecg-formats" / "hl7-aecg";

Bytes bytes_of(const std::string& s) { return Bytes(s.begin(), s.end()); }
Bytes file(const std::string& name) { return read_file_bytes((kDir / name).string()); }

// A document of our own: sets of {lead code, digits}, each set with a TIME_ABSOLUTE head.
std::string aecg(const std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>>& sets,
                 const std::string& increment = "0.002", const std::string& scale = "<scale value=\"2.5\" unit=\"uV\"/>",
                 const std::string& origin = "<origin value=\"0\" unit=\"uV\"/>") {
  std::string s = "<?xml version=\"1.0\"?>\n<AnnotatedECG xmlns=\"urn:hl7-org:v3\"><effectiveTime><low value=\"20240301081500\"/>"
                  "</effectiveTime><component><series><code code=\"RHYTHM\"/>";
  for (const auto& [head, leads] : sets) {
    s += "<component><sequenceSet><component><sequence><code code=\"TIME_ABSOLUTE\"/><value><head value=\"" + head +
         "\"/><increment value=\"" + increment + "\" unit=\"s\"/></value></sequence></component>";
    for (const auto& [code, digits] : leads)
      s += "<component><sequence><code code=\"" + code + "\"/><value>" + origin + scale + "<digits>" + digits +
           "</digits></value></sequence></component>";
    s += "</sequenceSet></component>";
  }
  return s + "</series></component></AnnotatedECG>";
}

}  // namespace

TEST_CASE("aECG examples: 12 leads, 500 Hz, 10 s, and the representative beats", "[io][aecg][conformance]") {
  for (const char* name : {"fda-Example_aECG.xml", "ecgtoolkit-Example.xml", "fda-subject1_0.xml", "fda-subject1_1.xml",
                           "fda-subject1_2.xml", "fda-subject2_0.xml", "fda-subject2_1.xml", "fda-subject2_2.xml"}) {
    INFO(name);
    const Record r = read_hl7_aecg(file(name));
    CHECK(r.sampleRate == 500.0);
    REQUIRE(r.leads.size() == 12);
    CHECK(r.length() == 5000);
    // In file order: I, II, V1..V6, III, aVR, aVL, aVF.
    CHECK(r.leads[0].name == "I");
    CHECK(r.leads[7].name == "V6");
    CHECK(r.leads[9].name == "aVR");
    CHECK(r.leads[11].name == "aVF");
    for (const Lead& l : r.leads) CHECK(l.units == "mV");
    const Record beat = read_hl7_aecg(file(name), {AecgSeries::RepresentativeBeat});
    REQUIRE(beat.leads.size() == 12);
    CHECK(beat.length() == 599);
    CHECK(beat.sampleRate == 500.0);
  }
  // The minimal files: one lead II of 13 samples, 2.5 uV per digit.
  for (const char* name : {"fda-minimum_aecg.xml", "fda-minimum_aecg_effectiveTime_high.xml",
                           "fda-minimum_aecg_effectiveTime_interval.xml", "fda-minimum_aecg_effectiveTime_low.xml",
                           "fda-minimum_aecg_nouuid.xml"}) {
    INFO(name);
    const Record r = read_hl7_aecg(file(name));
    REQUIRE(r.leads.size() == 1);
    CHECK(r.leads[0].name == "II");
    CHECK(r.sampleRate == 500.0);
    REQUIRE(r.length() == 13);
    CHECK(r.leads[0].samples[0] == Approx(-2 * 2.5e-3));
    CHECK(r.leads[0].samples[12] == Approx(-9 * 2.5e-3));
  }
  std::map<std::string, std::string> meta;
  for (const auto& kv : read_hl7_aecg(file("fda-minimum_aecg.xml")).metadata) meta.insert(kv);
  CHECK(meta["Effective time (center)"] == "20021122091000");
  CHECK(meta["Subject"] == "SBJ-123");
  CHECK(meta["Trial"] == "PUK-123-TRL-1");
  // No waveform at all: a coded error.
  CHECK(error_code_of([] { read_hl7_aecg(file("fda-empty.xml")); }) == "aecg_no_waveform");
}

TEST_CASE("aECG examples decode as biosig's save2gdf decodes them", "[io][aecg][conformance][biosig]") {
  REQUIRE(have_save2gdf());
  for (const char* name : {"fda-Example_aECG.xml", "fda-subject1_0.xml", "fda-subject2_2.xml"}) {
    INFO(name);
    // save2gdf recognises aECG only after an XML declaration; the subject files open with comments instead.
    Bytes b = file(name);
    const std::string text(b.begin(), b.end());
    const fs::path copy = fs::temp_directory_path() / (std::string("av-aecg-in-") + name);
    std::ofstream(copy) << (text.rfind("<?xml", 0) == 0 ? text : "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + text);
    const auto ref = save2gdf_ascii(copy, "cmp");
    fs::remove(copy);
    const Record r = read_hl7_aecg(b);
    REQUIRE(ref.size() == r.leads.size());
    for (size_t c = 0; c < ref.size(); ++c) {
      REQUIRE(ref[c].size() == r.length());
      double maxErr = 0;
      for (size_t i = 0; i < ref[c].size(); ++i) maxErr = std::max(maxErr, std::fabs(r.leads[c].samples[i] - ref[c][i] * 1e-3));
      CHECK(maxErr < 1e-6);  // uV written with 6 significant digits
    }
  }
}

TEST_CASE("MIT-BIH 100 written as HL7aECG by save2gdf reads back as the WFDB samples", "[io][aecg][biosig][mitdb]") {
  REQUIRE(have_save2gdf());
  const fs::path out = fs::temp_directory_path() / "av-100-aecg.xml";
  REQUIRE(std::system(("save2gdf -f=HL7aECG '" + std::string(AV_MITDB_DIR) + "/100.hea' '" + out.string() +
                       "' >/dev/null 2>&1").c_str()) == 0);
  const Record r = read_hl7_aecg(read_file_bytes(out.string()));
  fs::remove(out);
  const Record wfdb = read_wfdb_file(std::string(AV_MITDB_DIR) + "/100.hea");
  CHECK(r.sampleRate == Approx(360.0));
  REQUIRE(r.leads.size() == 2);
  CHECK(r.leads[0].name == "MLII");
  REQUIRE(r.length() == wfdb.length());
  for (size_t c = 0; c < 2; ++c) {
    double maxErr = 0;
    for (size_t i = 0; i < r.length(); ++i) maxErr = std::max(maxErr, std::fabs(double(r.leads[c].samples[i]) - wfdb.leads[c].samples[i]));
    CHECK(maxErr < 1e-5);
  }
}

TEST_CASE("aECG sequence sets, origin and scale units, prefixes", "[io][aecg]") {
  // Two sets of lead II, 1 s apart in absolute time at 4 Hz (increment 0.25 s); lead V1 only in the second.
  const std::string two = aecg({{"20240301081500", {{"MDC_ECG_LEAD_II", "1 2 3 4"}}},
                                {"20240301081501", {{"MDC_ECG_LEAD_II", "5 6 7 8"}, {"MDC_ECG_LEAD_V1", "9 9 9 9"}}}},
                               "0.25", "<scale value=\"1\" unit=\"mV\"/>", "<origin value=\"100\" unit=\"uV\"/>");
  const Record r = read_hl7_aecg(bytes_of(two));
  CHECK(r.sampleRate == 4.0);
  REQUIRE(r.leads.size() == 2);
  REQUIRE(r.length() == 8);
  CHECK(r.leads[0].samples[0] == Approx(1.1));  // origin 100 uV + 1 x 1 mV
  CHECK(r.leads[0].samples[7] == Approx(8.1));
  CHECK(r.leads[1].name == "V1");
  CHECK(r.leads[1].samples[0] == Approx(9.1));  // before V1 begins: its first value, listed as a gap
  bool gap = false;
  for (const auto& [k, v] : r.metadata) gap |= k == "Gap" && v.rfind("V1: 0.000000 s to 1.000000 s", 0) == 0;
  CHECK(gap);
  // Sets across midnight keep their order; ms increments; a namespace prefix on every element.
  const std::string midnight = aecg({{"20240301235959.5", {{"MDC_ECG_LEAD_I", "1 2"}}}, {"20240302000000", {{"MDC_ECG_LEAD_I", "3 4"}}}},
                                    "250", "<scale value=\"1\" unit=\"mV\"/>", "");
  std::string ms = midnight;
  while (ms.find("unit=\"s\"") != std::string::npos) ms.replace(ms.find("unit=\"s\""), 8, "unit=\"ms\"");
  const Record m = read_hl7_aecg(bytes_of(ms));
  CHECK(m.sampleRate == 4.0);
  REQUIRE(m.length() == 4);
  CHECK(m.leads[0].samples[2] == Approx(3.0));
  std::string prefixed = aecg({{"20240301081500", {{"MDC_ECG_LEAD_II", "1 2 3"}}}});
  for (const char* tag : {"AnnotatedECG", "effectiveTime", "low", "component", "series", "code", "sequenceSet", "sequence",
                          "value", "head", "increment", "origin", "scale", "digits"}) {
    for (const std::string& open : {std::string("<") + tag, std::string("</") + tag}) {
      size_t p = 0;
      while ((p = prefixed.find(open, p)) != std::string::npos) {
        const char next = prefixed[p + open.size()];
        if (next == ' ' || next == '>' || next == '/') prefixed.insert(p + (open[1] == '/' ? 2 : 1), "h:");
        p += open.size() + 2;
      }
    }
  }
  prefixed.replace(prefixed.find("xmlns="), 6, "xmlns:h=");
  const Record pr = read_hl7_aecg(bytes_of(prefixed));
  REQUIRE(pr.leads.size() == 1);
  CHECK(pr.leads[0].samples[2] == Approx(3 * 2.5e-3));
}

TEST_CASE("aECG bad and hostile XML end in coded errors, in bounded time and memory", "[io][aecg][errors]") {
  // The billion laughs: refused before any parsing.
  std::string bomb = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">";
  for (int i = 1; i < 10; ++i) {
    bomb += "<!ENTITY lol" + std::to_string(i) + " \"";
    for (int k = 0; k < 10; ++k) bomb += "&lol" + (i > 1 ? std::to_string(i - 1) : std::string()) + ";";
    bomb += "\">";
  }
  bomb += "]><AnnotatedECG>&lol9;</AnnotatedECG>";
  CHECK(error_code_of([&] { read_hl7_aecg(bytes_of(bomb)); }) == "aecg_dtd_refused");
  // An external entity (a file or URL to fetch).
  const std::string xxe = "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><AnnotatedECG>&x;</AnnotatedECG>";
  CHECK(error_code_of([&] { read_hl7_aecg(bytes_of(xxe)); }) == "aecg_dtd_refused");
  // An undeclared entity reference is not expanded either: the text stays as written, and there is no waveform.
  CHECK(error_code_of([] { read_hl7_aecg(bytes_of("<AnnotatedECG>&x;</AnnotatedECG>")); }) == "aecg_no_waveform");
  // Deep nesting: 200000 levels parse without recursion and are refused.
  std::string deep;
  for (int i = 0; i < 200000; ++i) deep += "<a>";
  for (int i = 0; i < 200000; ++i) deep += "</a>";
  const auto t0 = std::chrono::steady_clock::now();
  CHECK(error_code_of([&] { read_hl7_aecg(bytes_of("<AnnotatedECG>" + deep + "</AnnotatedECG>")); }) == "aecg_too_deep");
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
  // Too many elements for the limit.
  std::string wide = "<AnnotatedECG>";
  for (size_t i = 0; i < kAecgMaxElements + 10; ++i) wide += "<b/>";
  CHECK(error_code_of([&] { read_hl7_aecg(bytes_of(wide + "</AnnotatedECG>")); }) == "aecg_too_many_elements");
  // Malformed, the wrong root, broken sequences.
  CHECK(error_code_of([] { read_hl7_aecg(bytes_of("<AnnotatedECG><component>")); }) == "aecg_xml_invalid");
  CHECK(error_code_of([] { read_hl7_aecg(bytes_of("")); }) == "aecg_xml_invalid");
  CHECK(error_code_of([] { read_hl7_aecg(bytes_of("<html><body/></html>")); }) == "aecg_not_annotated_ecg");
  CHECK(error_code_of([] { read_hl7_aecg(bytes_of(aecg({{"20240301081500", {{"MDC_ECG_LEAD_II", "1 2 x3"}}}}))); }) ==
        "aecg_sequence_invalid");
  CHECK(error_code_of([] { read_hl7_aecg(bytes_of(aecg({{"20240301081500", {{"MDC_ECG_LEAD_II", "1 2"}}}}, "0.002", ""))); }) ==
        "aecg_sequence_invalid");  // no scale
  CHECK(error_code_of([] { read_hl7_aecg(bytes_of(aecg({{"20240301081500", {{"MDC_ECG_LEAD_II", "1 2"}}}}, "-1"))); }) ==
        "aecg_sequence_invalid");  // no positive increment
  std::string rates = aecg({{"20240301081500", {{"MDC_ECG_LEAD_II", "1 2"}}}, {"20240301081501", {{"MDC_ECG_LEAD_II", "1"}}}});
  rates.replace(rates.rfind("0.002"), 5, "0.004");
  CHECK(error_code_of([&] { read_hl7_aecg(bytes_of(rates)); }) == "aecg_sequence_invalid");  // sets at 500 and 250 Hz
  // Random bytes in a real file never crash.
  const Bytes good = file("fda-minimum_aecg.xml");
  uint32_t x = 7;
  for (int i = 0; i < 300; ++i) {
    Bytes b = good;
    for (int k = 0; k < 5; ++k) {
      x = x * 1664525u + 1013904223u;
      b[x % b.size()] = static_cast<uint8_t>(x >> 24);
    }
    const std::string c = error_code_of([&] { read_hl7_aecg(b); });
    CHECK((c == "(no error)" || c.rfind("aecg_", 0) == 0));
  }
}
