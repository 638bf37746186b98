#include <catch2/catch.hpp>

#include "core/annotation.h"
#include "core/error.h"
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
