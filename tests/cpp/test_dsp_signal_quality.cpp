// Signal quality and the plausibility gate: segments judged flat, clipped or noisy on signals made here and on
// MIT-BIH record 100; non-ECG waveforms (square, sine, breathing-like, flat) give a warning and no findings.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <string>

#include "dsp/resample.h"
#include "dsp/signal_quality.h"
#include "io/files.h"
#include "pipeline/analyze.h"
#include "pipeline/quality_gate.h"

using namespace av;

namespace {

const std::vector<float>& record100() {
  static const std::vector<float> x = io::read_wfdb_file(std::string(AV_MITDB_DIR) + "/100.hea").leads[0].samples;
  return x;
}

std::span<const float> segment(const std::vector<float>& x, size_t k) {
  return std::span<const float>(x).subspan(k * dsp::kQualitySegment, dsp::kQualitySegment);
}

Record synthetic(const std::string& lead, double fs, double seconds, const std::function<float(double)>& f) {
  Record r;
  r.name = "made";
  r.sampleRate = fs;
  r.leads = {Lead{lead, "mV", {}}};
  for (int64_t i = 0; i < static_cast<int64_t>(seconds * fs); ++i) r.leads[0].samples.push_back(f(static_cast<double>(i) / fs));
  return r;
}

void require_no_findings(const pipeline::Result& r) {
  const auto& s = r.summary;
  CHECK(s.signalQuality.usablePercent == 0.0);
  CHECK(s.counts == std::array<size_t, 5>{});
  CHECK(s.pauses.empty());
  CHECK(s.af.episodes.empty());
  CHECK(s.vRuns.empty());
  CHECK(s.couplets.empty());
  CHECK(s.bigeminy.empty());
  CHECK(s.trigeminy.empty());
  CHECK(s.burdenPercent[0] == 0.0);
}

}  // namespace

TEST_CASE("the segments of clean record 100 are usable", "[dsp][quality][mitdb]") {
  const auto& x = record100();
  size_t usable = 0, judged = 0;
  for (size_t k = 0; (k + 1) * dsp::kQualitySegment <= x.size(); ++k, ++judged) usable += dsp::judge_segment(segment(x, k), 0).usable();
  CHECK(judged == 361);
  CHECK(usable == judged);
}

TEST_CASE("flat, clipped and noise-buried segments are each named", "[dsp][quality][mitdb]") {
  const auto& x = record100();
  const auto clean = segment(x, 10);
  // Flat: a constant (lead off) and a signal under 0.02 mV peak to peak.
  CHECK(dsp::judge_segment(std::vector<float>(1800, -0.3f), 0).issue == dsp::QualityIssue::Flat);
  std::vector<float> tiny(clean.begin(), clean.end());
  for (auto& v : tiny) v *= 0.005f;
  CHECK(dsp::judge_segment(tiny, 0).issue == dsp::QualityIssue::Flat);
  // Clipped: the ECG saturating at ±0.25 mV (an amplifier's rails).
  std::vector<float> clipped(clean.begin(), clean.end());
  for (auto& v : clipped) v = std::clamp(v, -0.25f, 0.25f);
  CHECK(dsp::judge_segment(clipped, 0).issue == dsp::QualityIssue::Clipped);
  // Broadband noise four times the ECG's power: no QRS stands out any more.
  std::mt19937 rng(3);
  std::normal_distribution<float> g(0, 1);
  double power = 0;
  for (float v : clean) power += v * v;
  const float sd = static_cast<float>(2 * std::sqrt(power / 1800));
  std::vector<float> noisy(clean.begin(), clean.end());
  for (auto& v : noisy) v += sd * g(rng);
  CHECK(dsp::judge_segment(noisy, 0).issue == dsp::QualityIssue::Noisy);
  // NaN samples are not a usable signal either.
  std::vector<float> nan(clean.begin(), clean.end());
  nan[100] = std::nanf("");
  CHECK_FALSE(dsp::judge_segment(nan, 0).usable());
}

TEST_CASE("the tracker judges the same segments whatever the chunking", "[dsp][quality][mitdb]") {
  const auto& x = record100();
  dsp::SignalQualityTracker whole, chunked;
  whole.push(x);
  whole.finish();
  for (size_t i = 0; i < x.size(); i += 997) chunked.push(std::span<const float>(x).subspan(i, std::min<size_t>(997, x.size() - i)));
  chunked.finish();
  REQUIRE(whole.segments().size() == chunked.segments().size());
  for (size_t k = 0; k < whole.segments().size(); ++k) {
    CHECK(whole.segments()[k].start == chunked.segments()[k].start);
    CHECK(whole.segments()[k].kurtosis == chunked.segments()[k].kurtosis);
    CHECK(whole.segments()[k].issue == chunked.segments()[k].issue);
  }
  CHECK(whole.segments().back().end == static_cast<int64_t>(x.size()));
}

TEST_CASE("square, sine, breathing-like and flat leads give a warning and no findings", "[pipeline][quality]") {
  const double kPi = std::acos(-1.0);
  struct Case { const char* name; std::function<float(double)> f; const char* code; };
  const Case cases[] = {
      {"square 1 Hz", [](double t) { return std::fmod(t, 1.0) < 0.5 ? 1.0f : -1.0f; }, "not_ecg_waveform"},
      {"sine 1.2 Hz", [&](double t) { return static_cast<float>(std::sin(2 * kPi * 1.2 * t)); }, "not_ecg_waveform"},
      {"breathing 0.25 Hz",
       [&](double t) { return static_cast<float>(0.8 * std::sin(2 * kPi * 0.25 * t) + 0.2 * std::sin(2 * kPi * 0.5 * t + 1)); },
       "not_ecg_waveform"},
      {"flat", [](double) { return 0.1f; }, "no_usable_signal"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    const pipeline::Result r = pipeline::analyze(synthetic("ECG", 250, 120, c.f), nullptr, {});
    REQUIRE_FALSE(r.warnings.empty());
    CHECK(r.warnings[0].code == c.code);
    require_no_findings(r);
  }
}

TEST_CASE("record 100 passes the gate; its V1 lead is noted as unlike the training lead", "[pipeline][quality][mitdb]") {
  const Record rec = io::read_wfdb_file(std::string(AV_MITDB_DIR) + "/100.hea");
  pipeline::AnalyzeOptions o;
  CHECK(pipeline::analyze(rec, nullptr, o).warnings.empty());
  o.lead = "V5";
  const pipeline::Result v5 = pipeline::analyze(rec, nullptr, o);
  REQUIRE(v5.warnings.size() == 1);
  CHECK(v5.warnings[0].code == "lead_unlike_training");
  CHECK(v5.summary.signalQuality.usablePercent > 99.0);
}
