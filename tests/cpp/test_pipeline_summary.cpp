// Summary and rhythm events from hand-made label sequences; every expected value is worked out by hand.
#include <catch2/catch.hpp>

#include <string>

#include "pipeline/summary.h"

using namespace av::pipeline;

namespace {

// Beats from a string of class letters ("NNVNV", '?' = unlabelled) at a fixed RR of `rrSamples`.
std::vector<BeatLabel> beats_from(const std::string& letters, int64_t rrSamples, int64_t first = 100) {
  const std::string classes = "NLRAV";
  std::vector<BeatLabel> out;
  for (size_t i = 0; i < letters.size(); ++i) {
    auto pos = classes.find(letters[i]);
    out.push_back({first + static_cast<int64_t>(i) * rrSamples, pos == std::string::npos ? -1 : static_cast<int>(pos)});
  }
  return out;
}

}  // namespace

TEST_CASE("summary counts classes and burden over labelled beats", "[pipeline]") {
  auto s = summarize(beats_from("NNNNAVNNL?", 360), 360.0);
  CHECK(s.beatCount == 10);
  CHECK(s.unlabelled == 1);
  CHECK(s.counts == std::array<size_t, 5>{6, 1, 0, 1, 1});
  CHECK(s.burdenPercent[0] == Approx(100.0 / 9));  // V: 1 of 9 labelled beats
  CHECK(s.burdenPercent[1] == Approx(100.0 / 9));  // A
}

TEST_CASE("no beats, one beat, no labels", "[pipeline]") {
  auto empty = summarize({}, 360.0);
  CHECK(empty.beatCount == 0);
  CHECK_FALSE(empty.heartRate.meanBpm.has_value());
  CHECK(empty.burdenPercent[0] == 0.0);

  auto one = summarize(beats_from("N", 360), 360.0);
  CHECK(one.beatCount == 1);
  CHECK_FALSE(one.heartRate.minBpm.has_value());

  auto unlabelled = summarize(beats_from("????", 360), 360.0);
  CHECK(unlabelled.unlabelled == 4);
  CHECK(unlabelled.counts == std::array<size_t, 5>{});
  CHECK(*unlabelled.heartRate.meanBpm == Approx(60.0));  // rate needs positions only
  CHECK(unlabelled.couplets.empty());
}

TEST_CASE("heart rate: mean over all RR, min/max over 8-interval sliding windows", "[pipeline]") {
  // 10 intervals of 1.0 s (60 bpm), then 10 of 0.5 s (120 bpm) at 200 Hz.
  std::vector<BeatLabel> b;
  int64_t t = 0;
  b.push_back({t, 0});
  for (int i = 0; i < 10; ++i) b.push_back({t += 200, 0});
  for (int i = 0; i < 10; ++i) b.push_back({t += 100, 0});
  auto s = summarize(b, 200.0);
  // 20 intervals over 15 s.
  CHECK(*s.heartRate.meanBpm == Approx(80.0));
  CHECK(*s.heartRate.minBpm == Approx(60.0));
  CHECK(*s.heartRate.maxBpm == Approx(120.0));
}

TEST_CASE("heart rate ignores gaps longer than 3 s and uses all intervals when fewer than the window", "[pipeline]") {
  // Intervals at 100 Hz: 1.0 s, 0.5 s, a 10 s gap (signal loss), 1.0 s.
  std::vector<BeatLabel> b{{0, 0}, {100, 0}, {150, 0}, {1150, 0}, {1250, 0}};
  auto s = summarize(b, 100.0);
  CHECK(*s.heartRate.meanBpm == Approx(60.0 * 3 / 2.5));  // 3 intervals, 2.5 s
  CHECK(*s.heartRate.minBpm == Approx(72.0));               // one window of all three
  CHECK(*s.heartRate.maxBpm == Approx(72.0));
}

TEST_CASE("couplets and V runs", "[pipeline]") {
  // index:      0123456789012345
  auto b = beats_from("NVVNNVVVVNNVNVVV", 180);  // RR 0.5 s at 360 Hz
  auto s = summarize(b, 360.0);
  REQUIRE(s.couplets.size() == 1);
  CHECK(s.couplets[0].firstBeat == 1);
  CHECK(s.couplets[0].lastBeat == 2);
  CHECK(s.couplets[0].start == 100 + 180);
  REQUIRE(s.vRuns.size() == 2);
  CHECK(s.vRuns[0].firstBeat == 5);
  CHECK(s.vRuns[0].lastBeat == 8);
  CHECK(s.vRuns[0].beats == 4);
  CHECK(s.vRuns[0].end == 100 + 8 * 180);
  CHECK(s.vRuns[0].rateBpm == Approx(120.0));
  CHECK(s.vRuns[1].firstBeat == 13);  // a run closing the record
  CHECK(s.vRuns[1].beats == 3);
}

TEST_CASE("V run rate uses the RR inside the run", "[pipeline]") {
  std::vector<BeatLabel> b{{0, 0}, {360, 4}, {540, 4}, {720, 4}, {1080, 0}};  // V every 0.5 s
  auto s = summarize(b, 360.0);
  REQUIRE(s.vRuns.size() == 1);
  CHECK(s.vRuns[0].rateBpm == Approx(120.0));
  CHECK(s.vRuns[0].start == 360);
  CHECK(s.vRuns[0].end == 720);
}

TEST_CASE("bigeminy needs three alternating cycles", "[pipeline]") {
  // index:           0123456789
  auto s = summarize(beats_from("NNVNVNVNVN", 300), 360.0);
  REQUIRE(s.bigeminy.size() == 1);
  CHECK(s.bigeminy[0].firstBeat == 1);
  CHECK(s.bigeminy[0].lastBeat == 8);
  CHECK(s.bigeminy[0].cycles == 4);
  CHECK(s.trigeminy.empty());
  CHECK(s.couplets.empty());

  auto twoCycles = summarize(beats_from("NVNVNN", 300), 360.0);
  CHECK(twoCycles.bigeminy.empty());
}

TEST_CASE("trigeminy, and separate episodes", "[pipeline]") {
  // index:                      0123456789
  auto s = summarize(beats_from("NNVNNVNNVNN", 300), 360.0);
  REQUIRE(s.trigeminy.size() == 1);
  CHECK(s.trigeminy[0].firstBeat == 0);
  CHECK(s.trigeminy[0].lastBeat == 8);
  CHECK(s.trigeminy[0].cycles == 3);
  // 15, 18, 21 form a second chain of three.
  auto s2 = summarize(beats_from("NNVNNVNNVNNNNNNVNNVNNVN", 300), 360.0);
  REQUIRE(s2.trigeminy.size() == 2);
  CHECK(s2.trigeminy[1].firstBeat == 13);
  CHECK(s2.trigeminy[1].lastBeat == 21);
  CHECK(s2.bigeminy.empty());
}

TEST_CASE("a bigeminy chain opened by a couplet starts after the couplet", "[pipeline]") {
  // index:            0123456
  auto s = summarize(beats_from("NVVNVNV", 300), 360.0);
  REQUIRE(s.couplets.size() == 1);
  REQUIRE(s.bigeminy.size() == 1);
  CHECK(s.bigeminy[0].firstBeat == 2);
  CHECK(s.bigeminy[0].lastBeat == 6);
  CHECK(s.bigeminy[0].cycles == 3);
}
