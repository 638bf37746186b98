// QT and QRS of the median beat: on a piecewise-linear beat whose onsets and ends are known by construction,
// and on five MIT-BIH records against Q onsets and T ends read by eye from plots of their median beats
// (docs/qt-check.md).
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "io/files.h"
#include "nn/backend.h"
#include "nn/engine.h"
#include "nn/model.h"
#include "pipeline/analyze.h"
#include "pipeline/engine_classifier.h"
#include "pipeline/intervals.h"

using namespace av;
using namespace av::pipeline;

namespace {

// A triangle from a to b peaking at c with height h (ms from the R peak; the beat starts 350 ms before it).
void triangle(std::vector<float>& x, double a, double c, double b, double h) {
  for (size_t i = 0; i < x.size(); ++i) {
    const double t = static_cast<double>(i) * 1000.0 / 360.0 - 350.0;
    if (t > a && t <= c) x[i] += static_cast<float>(h * (t - a) / (c - a));
    else if (t > c && t < b) x[i] += static_cast<float>(h * (b - t) / (b - c));
  }
}

}  // namespace

TEST_CASE("a beat built from straight lines has its Q onset, J point and T end where they were put", "[pipeline][intervals]") {
  std::vector<float> beat(396, 0.f);
  triangle(beat, -40, 0, 40, 1.5);      // QRS from -40 to +40 ms
  triangle(beat, 150, 300, 380, 0.4);   // T wave ending at 380 ms
  const auto iv = measure_median_beat(beat, 1.0);
  REQUIRE(iv.has_value());
  const double msPerSample = 1000.0 / 360.0;
  CHECK(std::abs(iv->qOnset * msPerSample - 350 - (-40)) <= 2 * msPerSample);
  CHECK(std::abs(iv->jPoint * msPerSample - 350 - 40) <= 2 * msPerSample);
  CHECK(std::abs(iv->tEnd * msPerSample - 350 - 380) <= 2 * msPerSample);
  CHECK(iv->qtMs == Approx(420).margin(3 * msPerSample));
  CHECK(iv->qrsMs == Approx(80).margin(4 * msPerSample));
  // QTc at RR 1 s equals QT; at RR 0.64 s Bazett divides by 0.8.
  CHECK(iv->qtcBazettMs == Approx(iv->qtMs));
  CHECK(measure_median_beat(beat, 0.64)->qtcBazettMs == Approx(iv->qtMs / 0.8));
  CHECK(measure_median_beat(beat, 0.729)->qtcFridericiaMs == Approx(iv->qtMs / 0.9));
  // No T wave, no QT.
  std::vector<float> flat(396, 0.f);
  triangle(flat, -40, 0, 40, 1.5);
  CHECK_FALSE(measure_median_beat(flat, 1.0).has_value());
}

TEST_CASE("QT of the median beat on seven records is within 20 ms of a reading by eye", "[pipeline][intervals][mitdb]") {
  // Q onset and T end read by eye on plots of each median beat (10 ms grid), before the C++ method was
  // final; the T end taken where the T wave has come back to its level (docs/qt-check.md).
  const struct { const char* record; double qOnsetMs, tEndMs; } kByEye[] = {
      {"103", -45, 355}, {"117", -62, 388}, {"123", -45, 415}, {"113", -33, 430},
      {"116", -40, 335}, {"101", -42, 380}, {"115", -45, 445}};
  const nn::Model model = nn::Model::load_file(std::string(AV_SOURCE_DIR) + "/models/arrhythminet-v1-ctx.json");
  nn::Engine engine(model, nn::default_backend());
  EngineClassifier classifier(engine);
  for (const auto& m : kByEye) {
    INFO("record " << m.record);
    const Record rec = io::read_wfdb_file(std::string(AV_MITDB_DIR) + "/" + m.record + ".hea");
    const Result r = analyze(rec, &classifier, {});
    REQUIRE(r.summary.intervals.has_value());
    const BeatIntervals& iv = *r.summary.intervals;
    CHECK(iv.beats == kMedianBeats);
    CHECK(std::abs(iv.qtMs - (m.tEndMs - m.qOnsetMs)) <= 20.0);
    // Without a model no beat is labelled N, so there is no median beat to measure.
    CHECK_FALSE(analyze(rec, nullptr, {}).summary.intervals.has_value());
  }
  // Record 100's MLII T wave (0.06 mV against an R wave of 1.1 mV) is too flat to place its end.
  const Record r100 = io::read_wfdb_file(std::string(AV_MITDB_DIR) + "/100.hea");
  CHECK_FALSE(analyze(r100, &classifier, {}).summary.intervals.has_value());
}
