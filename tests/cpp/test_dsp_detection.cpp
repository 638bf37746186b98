// Detection accuracy on hard MIT-BIH records, scored against their .atr reference beats exactly as
// av-eval does (is_beat_annotation beats, 150 ms matching window, default lead).
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "core/record.h"
#include "dsp/beats.h"
#include "dsp/match_beats.h"
#include "dsp/qrs.h"
#include "io/files.h"

using namespace av;

namespace {
struct Scored {
  dsp::DetectionScore all, withoutFlutter;
};
Scored score_record(const std::string& name) {
  const Record rec = io::read_wfdb_file(std::string(AV_MITDB_DIR) + "/" + name + ".hea");
  const auto& x = rec.leads[static_cast<size_t>(default_lead_index(rec))].samples;
  const auto det = dsp::detect_qrs(x, rec.sampleRate);
  const auto ref = dsp::reference_beat_positions(rec.annotations);
  const auto window = static_cast<int64_t>(std::lround(0.15 * rec.sampleRate));
  Scored s;
  s.all = dsp::score(dsp::match_beats(ref, det, window), ref.size(), det.size());
  const auto vf = dsp::flutter_intervals(rec.annotations, static_cast<int64_t>(rec.length()));
  const auto ref2 = dsp::exclude_intervals(ref, vf), det2 = dsp::exclude_intervals(det, vf);
  s.withoutFlutter = dsp::score(dsp::match_beats(ref2, det2, window), ref2.size(), det2.size());
  return s;
}
}  // namespace

TEST_CASE("QRS detection on hard MIT-BIH records meets per-record floors", "[dsp][detection][mitdb]") {
  // Floors sit a little under what the detector reaches, so a regression fails the test.
  struct Case { const char* record; double se, ppv; };
  const Case cases[] = {
      {"100", 99.9, 99.9},  // clean
      {"105", 99.0, 98.3},  // heavy noise
      {"108", 99.3, 98.8},  // large P and T waves
      {"203", 98.3, 99.0},  // multiform PVCs, VT
      {"228", 99.5, 98.9},  // bigeminy with small normal beats
      {"232", 99.5, 98.9},  // long pauses
  };
  dsp::DetectionScore total;
  for (const Case& c : cases) {
    const Scored s = score_record(c.record);
    INFO("record " << c.record << ": Se " << s.all.sensitivity() << " %, +P " << s.all.positivePredictivity() << " %");
    CHECK(s.all.reference > 1500);
    CHECK(s.all.sensitivity() >= c.se);
    CHECK(s.all.positivePredictivity() >= c.ppv);
    total += s.all;
  }
  INFO("hard set: Se " << total.sensitivity() << " %, +P " << total.positivePredictivity() << " %");
  CHECK(total.sensitivity() >= 99.4);
  CHECK(total.positivePredictivity() >= 99.3);
}

TEST_CASE("record 207 is detected outside its ventricular flutter episodes", "[dsp][detection][mitdb]") {
  const Scored s = score_record("207");
  INFO("207 without VF: Se " << s.withoutFlutter.sensitivity() << " %, +P " << s.withoutFlutter.positivePredictivity());
  CHECK(s.withoutFlutter.reference == s.all.reference);  // no reference beats inside the episodes
  CHECK(s.withoutFlutter.sensitivity() >= 99.5);
  CHECK(s.withoutFlutter.positivePredictivity() >= 99.4);
  // Scored over everything, the flutter stage keeps most flutter waves from counting as beats
  // (without it, +P on 207 is about 83 %).
  INFO("207 all: Se " << s.all.sensitivity() << " %, +P " << s.all.positivePredictivity());
  CHECK(s.all.sensitivity() >= 99.5);
  CHECK(s.all.positivePredictivity() >= 93.5);
}

TEST_CASE("detected and reference beats of record 100 get the same windows", "[dsp][beats][mitdb]") {
  const Record rec = io::read_wfdb_file(std::string(AV_MITDB_DIR) + "/100.hea");
  const auto& x = rec.leads[static_cast<size_t>(default_lead_index(rec))].samples;
  const auto ref = dsp::reference_beat_positions(rec.annotations);
  const dsp::BeatWindowSpec spec;
  const dsp::PreparedBeats fromRef = dsp::prepare_beats(x, rec.sampleRate, spec, &ref);
  const dsp::PreparedBeats detected = dsp::prepare_beats(x, rec.sampleRate, spec);
  REQUIRE(fromRef.count() == 2273);
  const dsp::BeatMatch m = dsp::match_beats(fromRef.sample, detected.sample, 54);
  size_t same = 0;
  for (auto [ri, di] : m.pairs) same += fromRef.sample360[ri] == detected.sample360[di];
  INFO(same << " of " << m.pairs.size() << " matched beats share the R peak");
  CHECK(m.pairs.size() >= 2270);
  CHECK(same >= m.pairs.size() - 2);
  // The refined R peak stays near the cardiologists' fiducial point.
  size_t near = 0;
  for (size_t i = 0; i < ref.size(); ++i) near += std::llabs(fromRef.sample[i] - ref[i]) <= 4;
  CHECK(near >= ref.size() - 5);
}
