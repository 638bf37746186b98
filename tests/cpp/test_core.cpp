#include <catch2/catch.hpp>

#include <cstdlib>

#include <cmath>

#include "core/annotation.h"
#include "core/error.h"
#include "core/json_text.h"
#include "core/lead_names.h"
#include "core/record.h"

using namespace av;

TEST_CASE("annotation codes follow WFDB ecgcodes.h", "[core]") {
  CHECK(annotation_symbol(1) == "N");
  CHECK(annotation_symbol(5) == "V");
  CHECK(annotation_symbol(8) == "A");
  CHECK(annotation_symbol(28) == "+");
  CHECK(annotation_symbol(99) == "?");
  CHECK(annotation_code("L") == 2);
  CHECK(annotation_code("~") == 14);
  CHECK(annotation_code("nope") == -1);
  CHECK(is_beat_annotation(1));
  CHECK(is_beat_annotation(12));  // paced
  CHECK_FALSE(is_beat_annotation(28));  // rhythm change
  CHECK_FALSE(is_beat_annotation(14));  // noise
  CHECK(class_index_for_code(5) == 4);
  CHECK(class_index_for_code(6) == -1);  // fusion is not one of the five classes
}

TEST_CASE("leads resolve by name, by index, and default to MLII", "[core]") {
  Record r;
  r.leads = {Lead{"V5", "mV", {}}, Lead{"MLII", "mV", {}}};
  CHECK(default_lead_index(r) == 1);
  CHECK(resolve_lead(r, "") == 1);
  CHECK(resolve_lead(r, "V5") == 0);
  CHECK(resolve_lead(r, "1") == 1);
  try {
    resolve_lead(r, "7");
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == "lead_not_found");
  }
}

TEST_CASE("lead names: the training lead, standard leads and ECG channels, in any case", "[core]") {
  for (const char* n : {"MLII", "ml ii", "II", "ECG II", "Lead II", "D2"}) CHECK(av::is_training_lead(n));
  for (const char* n : {"V5", "MLIII", "I", "EKG"}) CHECK_FALSE(av::is_training_lead(n));
  for (const char* n : {"V1", "avf", "CM5", "CC5", "MV2", "ML5", "D1", "Lead III", "MLII"}) CHECK(av::is_standard_lead(n));
  for (const char* n : {"V7", "ECG", "Resp", "II "}) CHECK_FALSE(av::is_standard_lead(n));
  for (const char* n : {"ECG1", "EKG lead", "ecg", "V4"}) CHECK(av::names_ecg(n));
  for (const char* n : {"EEG Fpz-Cz", "Resp chest", "Pleth", "Marker"}) CHECK_FALSE(av::names_ecg(n));
  // The default lead: the training lead wherever it is, else the first ECG-named channel.
  av::Record r;
  for (const char* n : {"Resp", "V5", "D2"}) r.leads.push_back({n, "mV", {}});
  CHECK(av::default_lead_index(r) == 2);
  r.leads[2].name = "SpO2";
  CHECK(av::default_lead_index(r) == 1);
}

TEST_CASE("JsonText places commas and writes numbers that read back exactly", "[core]") {
  av::JsonText w;
  w.open('{').member("a", 1).member("b", 0.1).key("c").open('[').value(1.0).value(std::nan("")).value("x\"y").close(']');
  w.member("d", std::vector<int>{1, 2}).key("e").open('{').close('}').member("f", 1.0 / 3).member("g", 1e-7).close('}');
  CHECK(w.out == R"({"a":1,"b":0.1,"c":[1.0,null,"x\"y"],"d":[1,2],"e":{},"f":0.3333333333333333,"g":1e-07})");
}

TEST_CASE("JsonText writes floats with 9 significant digits, which read back as the same float", "[core]") {
  av::JsonText w;
  w.value(std::vector<float>{0.1f, 1.0f, -2.5e-8f, 3.4028235e38f, std::nanf("")});
  CHECK(w.out == "[0.100000001,1.0,-2.50000003e-08,3.40282347e+38,null]");
  // (numpy: "%.9g" % float(np.float32(x)) gives the same digits.) Every float of a sweep reads back exactly.
  for (float x = 1e-30f; x < 1e30f; x *= 1.37f) {
    av::JsonText t;
    t.value(x);
    CHECK(std::strtof(t.out.c_str(), nullptr) == x);
  }
}
