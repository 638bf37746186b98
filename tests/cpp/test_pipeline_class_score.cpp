// pipeline::score_classes(): the classification score over matched beats (confusion, misses, false
// detections, Se/PPV/F1), on a hand-worked synthetic case and on record 100 at the reference positions.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/annotation.h"
#include "core/error.h"
#include "dsp/match_beats.h"
#include "io/files.h"
#include "nn/engine.h"
#include "nn/model.h"
#include "pipeline/analyze.h"
#include "pipeline/class_score.h"
#include "pipeline/engine_classifier.h"

using namespace av;
using namespace av::pipeline;

namespace {
constexpr int N = 0, L = 1, R = 2, A = 3, V = 4, OTHER = -1;
}

TEST_CASE("class score: hand-computed confusion, Se, PPV, F1", "[pipeline][score]") {
  // Reference beats (sample, class) and detections (sample, label); window 54 samples (150 ms at 360 Hz).
  const std::vector<int64_t> ref = {100, 400, 700, 1000, 1300, 1600, 1900, 2200};
  const std::vector<int> refClass = {N, N, V, A, N, OTHER /* paced '/' */, V, L};
  const std::vector<int64_t> det = {102, 405, 698, 1003, 1500, 1601, 1890, 2210, 2500};
  const std::vector<int> label = {N, V, V, N, A, V, V, L, N};
  // By hand: 100 N->N, 400 N->V, 700 V->V, 1000 A->N, 1300 N missed, 1500 false A, 1600 paced matched (left
  // out, labelled V), 1900 V->V, 2200 L->L, 2500 false N.
  const dsp::BeatMatch m = dsp::match_beats(ref, det, 54);
  REQUIRE(m.pairs.size() == 7);
  const ClassScore s = score_classes(m, refClass, label);

  const std::array<std::array<size_t, 5>, 5> confusion = {{
      //  N  L  R  A  V   (predicted)
      {{1, 0, 0, 0, 1}},  // N
      {{0, 1, 0, 0, 0}},  // L
      {{0, 0, 0, 0, 0}},  // R
      {{1, 0, 0, 0, 0}},  // A
      {{0, 0, 0, 0, 2}},  // V
  }};
  CHECK(s.confusion == confusion);
  CHECK(s.missed == ClassScore::Counts{1, 0, 0, 0, 0});
  CHECK(s.falseDetections == ClassScore::Counts{1, 0, 0, 1, 0});
  CHECK(s.excluded == ClassScore::Counts{0, 0, 0, 0, 1});

  // reference = row + missed; predicted = column + false detections.
  CHECK(s.reference(N) == 3);
  CHECK(s.reference(L) == 1);
  CHECK(s.reference(R) == 0);
  CHECK(s.reference(A) == 1);
  CHECK(s.reference(V) == 2);
  CHECK(s.predicted(N) == 3);  // N->N, A->N, false N
  CHECK(s.predicted(L) == 1);
  CHECK(s.predicted(R) == 0);
  CHECK(s.predicted(A) == 1);  // the false A
  CHECK(s.predicted(V) == 3);  // N->V, V->V twice (the paced beat labelled V is left out)

  CHECK(s.sensitivity(N) == Approx(1.0 / 3));
  CHECK(s.sensitivity(L) == Approx(1.0));
  CHECK(std::isnan(s.sensitivity(R)));
  CHECK(s.sensitivity(A) == 0.0);
  CHECK(s.sensitivity(V) == Approx(1.0));
  CHECK(s.positivePredictivity(N) == Approx(1.0 / 3));
  CHECK(s.positivePredictivity(L) == Approx(1.0));
  CHECK(std::isnan(s.positivePredictivity(R)));
  CHECK(s.positivePredictivity(A) == 0.0);
  CHECK(s.positivePredictivity(V) == Approx(2.0 / 3));
  CHECK(s.f1(N) == Approx(1.0 / 3));  // 2*1 / (3 + 3)
  CHECK(s.f1(L) == Approx(1.0));
  CHECK(std::isnan(s.f1(R)));
  CHECK(s.f1(A) == 0.0);
  CHECK(s.f1(V) == Approx(0.8));      // 2*2 / (2 + 3)

  CHECK(s.matched() == 6);
  CHECK(s.correct() == 4);
  CHECK(s.accuracy() == Approx(4.0 / 6));
  CHECK(s.macroF1() == Approx((1.0 / 3 + 1.0 + 0.0 + 0.8) / 4));  // R has no reference beats

  // Totals add up; the JSON carries the same numbers (undefined ratios as null).
  ClassScore twice = s;
  twice += s;
  CHECK(twice.confusion[V][V] == 4);
  CHECK(twice.falseDetections[A] == 2);
  CHECK(twice.accuracy() == Approx(s.accuracy()));
  const auto j = to_json(s);
  CHECK(j["confusion"][0][4] == 1);
  CHECK(j["perClass"]["V"]["ppv"].get<double>() == Approx(2.0 / 3).epsilon(1e-5));
  CHECK(j["perClass"]["R"]["se"].is_null());
  CHECK(j["falseDetections"]["A"] == 1);

  // Labels must be classes; indices must fit.
  std::vector<int> unlabelled = label;
  unlabelled[4] = -1;
  CHECK_THROWS_AS(score_classes(m, refClass, unlabelled), Error);
  CHECK_THROWS_AS(score_classes(m, std::vector<int>(3, N), label), Error);
}

TEST_CASE("class score: record 100 at the reference positions, rows equal the .atr counts", "[pipeline][score][model]") {
  const Record rec = io::read_wfdb_file(std::string(AV_MITDB_DIR) + "/100.hea");
  const auto model = nn::Model::load_file(std::string(AV_SOURCE_DIR) + "/models/arrhythminet-v1-ds1.json");
  nn::Engine engine(model, nn::default_backend());
  EngineClassifier classifier(engine);
  AnalyzeOptions options;
  options.beats = BeatSource::Reference;
  const Result result = analyze(rec, &classifier, options);

  std::vector<int64_t> ref, det;
  std::vector<int> refClass, label;
  for (const auto& a : rec.annotations)
    if (is_beat_annotation(a.code)) ref.push_back(a.sample), refClass.push_back(class_index_for_code(a.code));
  for (const auto& b : result.beats) det.push_back(b.sample), label.push_back(b.label);
  const ClassScore s = score_classes(dsp::match_beats(ref, det, 54), refClass, label);

  CHECK(s.reference(N) == 2239);
  CHECK(s.reference(L) == 0);
  CHECK(s.reference(R) == 0);
  CHECK(s.reference(A) == 33);
  CHECK(s.reference(V) == 1);
  CHECK(s.matched() == 2273);  // every reference beat classified at its own position: no misses
  CHECK(s.missed == ClassScore::Counts{});
  CHECK(s.falseDetections == ClassScore::Counts{});
  CHECK(s.excludedTotal() == 0);
  size_t predicted = 0;
  for (int c = 0; c < kScoreClasses; ++c) predicted += s.predicted(c);
  CHECK(predicted == 2273);
}
