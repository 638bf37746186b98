// analyze(): lead choice, reference beats, batching and the JSON shape of DESIGN 2.1, on a synthetic record.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "pipeline/analyze.h"
#include "pipeline/input_recorder.h"
#include "pipeline/result_json.h"

using namespace av;
using namespace av::pipeline;

namespace {

// Labels beats in call order with the repeating pattern N N V (so the summary sees trigeminy); records batches.
class PatternClassifier : public Classifier {
 public:
  std::string name() const override { return "pattern"; }
  int64_t parameters() const override { return 42; }
  dsp::BeatWindowSpec windowSpec() const override { return {}; }
  void classify(const float*, size_t count, float* out) override {
    batches.push_back(count);
    for (size_t i = 0; i < count; ++i, ++seen) {
      for (int c = 0; c < 5; ++c) out[i * 5 + static_cast<size_t>(c)] = 0.025f;
      out[i * 5 + (seen % 3 == 2 ? 4 : 0)] = 0.9f;
    }
  }
  std::vector<size_t> batches;
  size_t seen = 0;
};

// Beat positions: every 0.8 s with a few samples of jitter (a heart is never exactly periodic, and the
// plausibility gate takes beats that repeat to the sample for a test signal).
int64_t spike_at(int64_t i) {
  static const int64_t kJitter[4] = {0, 6, -4, 3};
  return 100 + 200 * i + kJitter[i % 4];
}

// 20 s at 250 Hz with a spike about every 0.8 s on lead "MLII" (index 1), and matching beat annotations. The
// spikes are triangles 2 x halfWidth + 1 samples wide.
Record synthetic_record(int halfWidth = 5) {
  Record r;
  r.name = "synthetic";
  r.sampleRate = 250;
  r.leads = {Lead{"V1", "mV", std::vector<float>(5000, 0.0f)}, Lead{"MLII", "mV", std::vector<float>(5000, 0.0f)}};
  for (int64_t i = 0; i < 24; ++i) {
    const int64_t s = spike_at(i);
    for (int k = -halfWidth; k <= halfWidth; ++k)
      r.leads[1].samples[static_cast<size_t>(s + k)] = 1.0f - static_cast<float>(std::abs(k)) * 0.75f / static_cast<float>(halfWidth);
    r.annotations.push_back({s, 1});
  }
  r.annotations.push_back({150, 28});  // rhythm change: not a beat
  return r;
}

}  // namespace

TEST_CASE("reference beats keep annotation positions, skip non-beat codes and batch the classifier", "[pipeline]") {
  Record r = synthetic_record();
  PatternClassifier model;
  AnalyzeOptions options;
  options.beats = BeatSource::Reference;
  options.batchSize = 10;
  std::vector<double> progress;
  options.progress = [&](std::string_view, double f) { progress.push_back(f); };
  Result result = analyze(r, &model, options);

  REQUIRE(result.beats.size() == 24);
  CHECK(result.lead == "MLII");
  CHECK(result.leadIndex == 1);
  for (size_t i = 0; i < result.beats.size(); ++i) CHECK(result.beats[i].sample == spike_at(static_cast<int64_t>(i)));
  CHECK(model.batches == std::vector<size_t>{10, 10, 4});
  CHECK(result.summary.counts == std::array<size_t, 5>{16, 0, 0, 0, 8});
  CHECK(result.summary.trigeminy.size() == 1);
  const double meanBpm = 60.0 * 23 / (static_cast<double>(spike_at(23) - spike_at(0)) / 250.0);
  CHECK(*result.summary.heartRate.meanBpm == Approx(meanBpm));
  CHECK(result.warnings.empty());
  REQUIRE(!progress.empty());
  CHECK(std::is_sorted(progress.begin(), progress.end()));
  CHECK(progress.back() == 1.0);

  auto j = to_json(result);
  CHECK(j["record"] == "synthetic");
  CHECK(j["sampleRate"] == 250.0);
  CHECK(j["durationSec"] == 20.0);
  CHECK(j["model"]["name"] == "pattern");
  CHECK(j["model"]["parameters"] == 42);
  CHECK(j["beats"][2]["label"] == "V");
  CHECK(j["beats"][2]["sample"] == spike_at(2));
  CHECK(j["beats"][2]["time"] == Approx(static_cast<double>(spike_at(2)) / 250.0));
  CHECK(j["beats"][2]["probabilities"]["V"].get<double>() == Approx(0.9));
  CHECK(j["summary"]["beatCount"] == 24);
  CHECK(j["summary"]["counts"]["V"] == 8);
  CHECK(j["summary"]["heartRate"]["meanBpm"].get<double>() == Approx(meanBpm).epsilon(1e-3));
  CHECK(j["summary"]["burden"]["V"].get<double>() == Approx(100.0 / 3).epsilon(1e-3));
  for (const char* key : {"readMs", "detectMs", "classifyMs", "totalMs"}) CHECK(j["timing"][key].is_number());

  // The text writer gives the same document, number for number, with the rhythm stage's beat fields too.
  result.beats[2].af = true;
  result.beats[2].modelLabel = 3;
  j = to_json(result);
  CHECK(j["beats"][2]["rhythm"] == "AF");
  CHECK(j["beats"][2]["modelLabel"] == "A");
  const auto parsed = nlohmann::json::parse(to_json_string(result));
  CHECK(parsed == nlohmann::json::parse(j.dump()));
  result.beats[3].probabilities[1] = std::nanf("");
  CHECK(nlohmann::json::parse(to_json_string(result))["beats"][3]["probabilities"]["L"].is_null());
}

namespace {
// A two-channel (context) classifier that gives every beat the same probabilities (default: L, A second), with
// the given label rules.
class ConductionClassifier : public Classifier {
 public:
  explicit ConductionClassifier(double lRule) { rules_.lMinTemplateQrsSec = lRule; }
  ConductionClassifier(LabelRules rules, std::array<float, 5> p) : rules_(rules), p_(p) {}
  std::string name() const override { return "conduction"; }
  int64_t parameters() const override { return 1; }
  dsp::BeatWindowSpec windowSpec() const override { return {}; }
  int inputChannels() const override { return 2; }
  LabelRules labelRules() const override { return rules_; }
  void classify(const float*, size_t count, float* out) override {
    for (size_t i = 0; i < count; ++i) std::copy_n(p_.data(), 5, out + i * 5);
  }

 private:
  LabelRules rules_;
  std::array<float, 5> p_{0.1f, 0.5f, 0.05f, 0.3f, 0.05f};
};
}  // namespace

TEST_CASE("a model's L rule: no L label on a narrow template; the network's own label is kept", "[pipeline][context]") {
  // synthetic_record's spikes are 11 samples at 250 Hz: the template reads about 40 ms.
  const Record r = synthetic_record();
  AnalyzeOptions options;
  options.beats = BeatSource::Reference;
  ConductionClassifier none(0), ruled(0.09), narrowRule(0.01);
  const Result plain = analyze(r, &none, options), gated = analyze(r, &ruled, options), kept = analyze(r, &narrowRule, options);
  AnalyzeOptions off = options;
  off.labelRules = false;  // av-eval --no-label-rules: the network's own labels
  const Result unruled = analyze(r, &ruled, off);
  InputRecorder recording(ruled);  // the WASM analysis records the inputs for explanations: the rule passes through
  const Result recorded = analyze(r, &recording, options);
  REQUIRE(gated.beats.size() == 24);
  // The first beat has no template yet, so no rule applies to it.
  CHECK(std::isnan(gated.beats[0].templateQrsWidthSec));
  CHECK(gated.beats[0].label == 1);
  for (size_t i = 1; i < gated.beats.size(); ++i) {
    INFO("beat " << i << ", template " << gated.beats[i].templateQrsWidthSec << " s");
    CHECK(gated.beats[i].templateQrsWidthSec < 0.06f);
    CHECK(gated.beats[i].label == 3);       // the best of N, A, V
    CHECK(gated.beats[i].modelLabel == 1);  // what the network said
    CHECK(plain.beats[i].label == 1);
    CHECK(plain.beats[i].modelLabel == -1);
    CHECK(kept.beats[i].label == 1);        // a template wider than the rule's width keeps its L
    CHECK(unruled.beats[i].label == 1);
    CHECK(recorded.beats[i].label == 3);
  }
  CHECK(gated.summary.counts == std::array<size_t, 5>{0, 1, 0, 23, 0});
  CHECK(to_json(gated)["beats"][5]["modelLabel"] == "L");
}

TEST_CASE("a model's V rule: no V label on a beat that matches a wide enough template", "[pipeline][context]") {
  // Identical triangles: every beat matches the template (templateCorrQrs near 1). 11 samples at 250 Hz read
  // about 40 ms, 31 samples over 90 ms.
  const Record narrowRecord = synthetic_record(5), wideRecord = synthetic_record(15);
  AnalyzeOptions options;
  options.beats = BeatSource::Reference;
  const std::array<float, 5> p{0.1f, 0.3f, 0.05f, 0.15f, 0.4f};  // V, then L, then A
  const auto run = [&](const Record& r, LabelRules rules) {
    ConductionClassifier c(rules, p);
    return analyze(r, &c, options);
  };
  const LabelRules none, wideOnly{0.09, 0.85, 0.09}, anyWidth{0.09, 0.85, 0.0};
  const Result wide = run(wideRecord, wideOnly), wideNone = run(wideRecord, none);
  const Result narrow = run(narrowRecord, wideOnly), narrowAny = run(narrowRecord, anyWidth);
  REQUIRE(wide.beats.size() == 24);
  REQUIRE(narrowAny.beats.size() == 24);
  // The first beat has no template yet: the network's V stands everywhere.
  for (const Result* r : {&wide, &wideNone, &narrow, &narrowAny}) CHECK(r->beats[0].label == kClassV);
  for (size_t i = 1; i < 24; ++i) {
    INFO("beat " << i << ", templates " << wide.beats[i].templateQrsWidthSec << " and "
                 << narrow.beats[i].templateQrsWidthSec << " s");
    CHECK(wide.beats[i].templateQrsWidthSec > 0.09f);
    CHECK(narrow.beats[i].templateQrsWidthSec < 0.06f);
    CHECK(wide.beats[i].label == kClassL);  // the best of N, L, R, A
    CHECK(wide.beats[i].modelLabel == kClassV);
    CHECK(wideNone.beats[i].label == kClassV);
    CHECK(narrow.beats[i].label == kClassV);  // the template is narrower than the V rule's width
    CHECK(narrowAny.beats[i].label == kClassA);  // L is not allowed on a template the L rule calls narrow
    CHECK(narrowAny.beats[i].modelLabel == kClassV);
  }
}

TEST_CASE("without a model beats carry no label and the lead can be chosen", "[pipeline]") {
  Record r = synthetic_record();
  AnalyzeOptions options;
  options.beats = BeatSource::Reference;
  options.lead = "0";
  Result result = analyze(r, nullptr, options);
  CHECK(result.lead == "V1");
  auto j = to_json(result);
  CHECK(j["model"].is_null());
  CHECK_FALSE(j["beats"][0].contains("label"));
  // Lead V1 is flat: every beat lies in unusable signal, so none is counted, and the result says why.
  CHECK_FALSE(j["summary"].contains("unlabelled"));
  CHECK(j["summary"]["signalQuality"]["usablePercent"] == 0.0);
  CHECK(j["summary"]["signalQuality"]["noisyBeats"] == 24);
  CHECK(j["summary"]["signalQuality"]["unusable"][0]["reason"] == "flat");
  CHECK(j["warnings"][0]["code"] == "no_usable_signal");
  CHECK(j["beats"][0]["noisy"] == true);
  INFO(to_json_string(result));
  INFO(j.dump());
  CHECK(nlohmann::json::parse(to_json_string(result)) == nlohmann::json::parse(j.dump()));
  result.beats.clear();
  CHECK(nlohmann::json::parse(to_json_string(result))["beats"] == nlohmann::json::array());
}

TEST_CASE("analyze rejects unusable records with coded errors", "[pipeline]") {
  auto code_of = [](const Record& r, AnalyzeOptions o) {
    try {
      analyze(r, nullptr, o);
    } catch (const Error& e) {
      return e.code();
    }
    return std::string("none");
  };
  Record r = synthetic_record();
  AnalyzeOptions reference;
  reference.beats = BeatSource::Reference;
  AnalyzeOptions badLead;
  badLead.lead = "V9";
  CHECK(code_of(r, badLead) == "lead_not_found");

  Record noAnnotations = r;
  noAnnotations.annotations.clear();
  CHECK(code_of(noAnnotations, reference) == "no_reference_annotations");

  Record zeroRate = r;
  zeroRate.sampleRate = 0;
  CHECK(code_of(zeroRate, {}) == "invalid_sample_rate");

  Record empty;
  empty.sampleRate = 360;
  CHECK(code_of(empty, {}) == "empty_signal");
}

#include <fstream>

#include "io/files.h"
#include "nn/engine.h"
#include "nn/model.h"
#include "pipeline/engine_classifier.h"

TEST_CASE("record 100 with V1 at the reference beats: labels agree with the annotations", "[pipeline][model]") {
  Record r = io::read_wfdb_file(std::string(AV_SOURCE_DIR) + "/examples/data/100.hea");
  auto model = nn::Model::load_file(std::string(AV_SOURCE_DIR) + "/models/arrhythminet-v1.json");
  nn::Engine engine(model);
  EngineClassifier classifier(engine);
  AnalyzeOptions options;
  options.beats = BeatSource::Reference;
  Result result = analyze(r, &classifier, options);
  REQUIRE(result.beats.size() == 2273);
  CHECK(result.modelName == "arrhythminet-v1");
  // Agreement with the annotation label of each beat (N/L/R/A/V beats only).
  size_t compared = 0, agree = 0, i = 0;
  for (const auto& a : r.annotations) {
    if (!is_beat_annotation(a.code)) continue;
    const int expected = class_index_for_code(a.code);
    if (expected >= 0) {
      ++compared;
      agree += result.beats[i].label == expected;
    }
    ++i;
  }
  CHECK(compared == 2273);
  // The accuracy figures mean something only for trained weights (models/ may hold untrained parity exports).
  std::ifstream meta(std::string(AV_SOURCE_DIR) + "/models/arrhythminet-v1.json");
  const bool trained = nlohmann::json::parse(meta).value("/training/trained"_json_pointer, true);
  if (!trained) {
    WARN("models/arrhythminet-v1 is untrained: label agreement not checked");
    return;
  }
  INFO("agreement " << agree << " / " << compared << "; counts N " << result.summary.counts[0] << " A "
                    << result.summary.counts[3] << " V " << result.summary.counts[4]);
  CHECK(static_cast<double>(agree) / static_cast<double>(compared) > 0.98);
  CHECK(result.summary.counts[3] >= 25);  // 33 A beats in the annotations
  CHECK(result.summary.counts[4] >= 1);   // 1 V beat
}

TEST_CASE("detected beats through the bounded-memory stream equal the whole-record preparation", "[pipeline]") {
  for (const char* name : {"100", "208"}) {
    Record r = io::read_wfdb_file(std::string(AV_SOURCE_DIR) + "/examples/data/" + name + ".hea");
    Result result = analyze(r, nullptr, {});
    const auto whole = dsp::prepare_beats(std::span<const float>(r.leads[0].samples), r.sampleRate, {});
    INFO("record " << name);
    REQUIRE(result.beats.size() == whole.count());
    size_t same = 0;
    for (size_t i = 0; i < whole.count(); ++i) same += result.beats[i].sample == whole.sample[i];
    CHECK(same == whole.count());
  }
}

TEST_CASE("the JSON writer escapes names and messages, replaces invalid UTF-8 and keeps numbers exact", "[pipeline]") {
  Result r;
  r.record = std::string("a\"b\\c\n\t\x01 \xC3\xA9 \xFF\xC3 \xED\xA0\x80 \xF0\x9F\x92\x93", 23);
  r.sampleRate = 360;
  r.lead = "MLII";
  r.durationSec = 0.1 + 0.2;  // rounded to 2 decimals: 0.3
  r.warnings.push_back({"code", "line 1\rline 2 \x1f"});
  r.summary.heartRate.meanBpm = 72.123456;  // rounded to 2 decimals
  r.summary.hrv.sdnnMs = std::nan("");      // NaN: null
  r.summary.hourly.push_back({3600.0, 7, std::nullopt, 60.25, 80.0, 1, 2, 0, 12.345});
  const std::string text = to_json_string(r);
  // nlohmann's parser is the independent reader: it accepts the text and decodes every escape.
  const auto j = nlohmann::json::parse(text);
  CHECK(j["record"] == "a\"b\\c\n\t\x01 \xC3\xA9 \xEF\xBF\xBD\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD \xF0\x9F\x92\x93");
  CHECK(j["warnings"][0]["message"] == "line 1\rline 2 \x1f");
  CHECK(text.find("\\u0001") != std::string::npos);
  CHECK(j["sampleRate"].is_number_float());  // a double stays a floating-point number, as in the CLI's output
  CHECK(j["sampleRate"] == 360.0);
  CHECK(j["leadIndex"].is_number_integer());
  CHECK(j["durationSec"].get<double>() == 0.3);
  CHECK(j["summary"]["heartRate"]["meanBpm"].get<double>() == 72.12);
  CHECK(j["summary"]["heartRate"]["minBpm"].is_null());
  CHECK(j["summary"]["hrv"]["sdnnMs"].is_null());
  const auto& h = j["summary"]["hourly"][0];
  CHECK(h["startSec"].get<double>() == 3600.0);
  CHECK(h["beats"] == 7);
  CHECK(h["meanBpm"].is_null());
  CHECK(h["minBpm"].get<double>() == 60.3);  // 60.25 to 1 decimal, half away from zero
  CHECK(h["afSec"].get<double>() == 12.3);
  CHECK(j["model"].is_null());
  CHECK(j["beats"] == nlohmann::json::array());
}
