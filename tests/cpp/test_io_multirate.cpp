// Records whose leads have rates of their own (multi-frequency WFDB, EDF): the analysed lead is analysed at its rate.
#include <catch2/catch.hpp>

#include <string>

#include "core/record.h"
#include "io/files.h"
#include "pipeline/analyze.h"

using namespace av;

TEST_CASE("a lead with its own rate is analysed at that rate, as the same lead alone", "[io][multirate][mitdb]") {
  Record plain = io::read_wfdb_file(std::string(AV_MITDB_DIR) + "/100.hea");
  for (Lead& l : plain.leads) l.samples.resize(360 * 120);
  plain.annotations.clear();
  // The same MLII at 360 Hz as lead 1 of a record whose own rate is 90 Hz (lead 0: V5 taken every 4th sample).
  Record mixed;
  mixed.name = "mixed";
  mixed.sampleRate = 90.0;
  Lead slow{"V5", "mV", {}};
  for (size_t i = 0; i < plain.leads[1].samples.size(); i += 4) slow.samples.push_back(plain.leads[1].samples[i]);
  mixed.leads.push_back(slow);
  Lead fast = plain.leads[0];
  fast.sampleRate = 360.0;
  mixed.leads.push_back(fast);
  CHECK(mixed.length() == 90 * 120);
  CHECK(default_lead_index(mixed) == 1);  // MLII

  pipeline::AnalyzeOptions o;
  o.lead = "MLII";
  const pipeline::Result a = pipeline::analyze(plain, nullptr, o);
  const pipeline::Result b = pipeline::analyze(mixed, nullptr, o);
  CHECK(b.sampleRate == 360.0);
  CHECK(b.lead == "MLII");
  CHECK(b.leadIndex == 1);
  CHECK(b.durationSec == Approx(120.0));
  REQUIRE(b.beats.size() == a.beats.size());
  CHECK(a.beats.size() > 100);
  for (size_t i = 0; i < a.beats.size(); ++i) CHECK(b.beats[i].sample == a.beats[i].sample);
  // Lead 0 is analysed at the record's 90 Hz.
  o.lead = "0";
  CHECK(pipeline::analyze(mixed, nullptr, o).sampleRate == 90.0);
}
