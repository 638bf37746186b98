// SHAP with context players (src/explain/context_players.h): the context features of a context model are
// players beside the time segments, grouped by name, with efficiency exact; the null-player axiom; the
// negligible flag; single-beat models unchanged. On the untrained fixture tests/fixtures/context-model/.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/record.h"
#include "dsp/beat_context.h"
#include "context_fixture.h"
#include "error_code.h"
#include "explain/explainer.h"
#include "explain/record_explainer.h"
#include "nn/engine.h"
#include "nn/model.h"

using namespace av;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr size_t kF = test::ContextFixture::kFeatures, kS = test::ContextFixture::kWindow;
using Fixture = test::ContextFixture;
const Fixture& fixture() { return test::context_fixture(); }

explain::Options shap_options(int segments, int cls) {
  explain::Options o;
  o.method = explain::Method::Shap;
  o.segments = segments;
  o.classIndex = cls;
  return o;
}

double total(const explain::Explanation& e) {
  double sum = 0.0;
  for (const auto& s : e.segments) sum += s.value;
  for (const auto& p : e.contextPlayers) sum += p.value;
  return sum;
}

}  // namespace

TEST_CASE("context players: the features grouped by name, for any subset", "[explain][context]") {
  std::vector<std::string> all(dsp::kContextFeatureNames.begin(), dsp::kContextFeatureNames.end());
  const auto players = explain::group_context_features(all);
  REQUIRE(players.size() == 4);
  CHECK(players[0].name == "rhythm (RR)");
  CHECK(players[0].featureNames == std::vector<std::string>{"preRrSec", "postRrSec", "localRrSec", "logPreLocal",
                                                            "logPostLocal", "logPostPre", "logPreLong", "logLocalLong"});
  CHECK(players[1].name == "template match");
  CHECK(players[1].featureNames == std::vector<std::string>{"templateCorrQrs", "templateCorrWindow", "templateDiffQrs"});
  CHECK(players[2].name == "QRS width");
  CHECK(players[2].featureNames == std::vector<std::string>{"qrsWidthSec", "logWidthRatio"});
  CHECK(players[3].name == "amplitude");
  CHECK(players[3].features == std::vector<int>{11});

  const auto some = explain::group_context_features({"logWidthRatio", "spectralEntropy", "logPreLocal"});
  REQUIRE(some.size() == 3);
  CHECK(some[0].name == "rhythm (RR)");
  CHECK(some[0].features == std::vector<int>{2});
  CHECK(some[1].name == "QRS width");
  CHECK(some[2].name == "other context");
  CHECK(explain::group_context_features({}).empty());
  CHECK(explain::name_words("preRR_sec") == std::vector<std::string>{"pre", "rr", "sec"});
}

TEST_CASE("context players: segments plus players sum to f(beat) - f(baseline) exactly", "[explain][context][shap]") {
  const auto& fx = fixture();
  const nn::Model model = fx.load();
  nn::Engine engine(model);
  explain::Explainer ex(engine);
  REQUIRE(ex.contextPlayers().size() == 4);
  double worst = 0.0, largestPlayer = 0.0;
  for (size_t b = 0; b < fx.count; ++b) {
    const size_t other = (b + 3) % fx.count;  // the baseline: another beat's window and context
    const auto o = shap_options(12, static_cast<int>(b % 5));
    const auto e = ex.shap(fx.window(b), fx.window(other), "test", o, fx.context(b), fx.context(other));
    CHECK(e.estimator == "exact");
    CHECK(e.evaluations == 65536);  // 12 segments + 4 players
    REQUIRE(e.contextPlayers.size() == 4);
    const double fxv = ex.probabilities(fx.window(b), 1, fx.context(b))[o.classIndex];
    const double fbv = ex.probabilities(fx.window(other), 1, fx.context(other))[o.classIndex];
    CHECK(e.outputValue == Approx(fxv).margin(1e-6));
    CHECK(e.baseValue == Approx(fbv).margin(1e-6));
    worst = std::max(worst, std::fabs(total(e) - (fxv - fbv)));
    CHECK(std::fabs(total(e) - (e.outputValue - e.baseValue)) < 1e-12);
    for (const auto& p : e.contextPlayers) largestPlayer = std::max(largestPlayer, std::fabs(p.value));
  }
  CHECK(worst < 1e-6);
  CHECK(largestPlayer > 1e-4);  // the context does matter to this model
}

TEST_CASE("context players: the head-table path equals Shapley values of the network itself", "[explain][context][shap]") {
  const auto& fx = fixture();
  const nn::Model model = fx.load();
  nn::Engine engine(model);
  explain::Explainer ex(engine);
  const float *w = fx.window(1), *bw = fx.window(5), *c = fx.context(1), *bc = fx.context(5);
  const auto o = shap_options(4, 2);
  const auto e = ex.shap(w, bw, "test", o, c, bc);
  // The same game, every coalition through the engine: bit s < 4 segment s, bit 4 + g player g.
  const auto segs = explain::make_segments(256, 4);
  const auto players = ex.contextPlayers();
  const auto game = [&](const uint32_t* masks, size_t n, double* out) {
    for (size_t i = 0; i < n; ++i) {
      std::vector<float> win(bw, bw + kS), ctx(bc, bc + kF);
      for (size_t s = 0; s < 4; ++s)
        if (masks[i] >> s & 1u)
          for (size_t ch = 0; ch < 2; ++ch)
            std::copy(w + ch * 256 + segs[s].start, w + ch * 256 + segs[s].end, win.data() + ch * 256 + segs[s].start);
      for (size_t g = 0; g < players.size(); ++g)
        if (masks[i] >> (4 + g) & 1u)
          for (int k : players[g].features) ctx[static_cast<size_t>(k)] = c[k];
      out[i] = ex.probabilities(win.data(), 1, ctx.data())[2];
    }
  };
  const auto r = explain::exact_shapley(8, game);
  for (size_t s = 0; s < 4; ++s) CHECK(e.segments[s].value == Approx(r.values[s]).margin(1e-6));
  for (size_t g = 0; g < 4; ++g) CHECK(e.contextPlayers[g].value == Approx(r.values[4 + g]).margin(1e-6));
}

TEST_CASE("context players: a player whose beat values equal the baseline's gets exactly 0", "[explain][context][shap]") {
  const auto& fx = fixture();
  const nn::Model model = fx.load();
  nn::Engine engine(model);
  explain::Explainer ex(engine);
  // The baseline context is the beat's own except for the template-match features (player 1).
  std::vector<float> baseCtx(fx.context(2), fx.context(2) + kF);
  for (int k : ex.contextPlayers()[1].features) baseCtx[static_cast<size_t>(k)] = fx.context(6)[k];
  for (int segments : {6, 12}) {  // 10 and 16 players: exact
    const auto e = ex.shap(fx.window(2), fx.window(6), "test", shap_options(segments, 4), fx.context(2), baseCtx.data());
    CHECK(e.contextPlayers[0].value == 0.0);
    CHECK(e.contextPlayers[2].value == 0.0);
    CHECK(e.contextPlayers[3].value == 0.0);
    CHECK(e.contextPlayers[1].value != 0.0);
    CHECK(std::fabs(total(e) - (e.outputValue - e.baseValue)) < 1e-12);
  }
  // 20 segments + 4 players: KernelSHAP, efficiency still imposed exactly.
  const auto k = ex.shap(fx.window(2), fx.window(6), "test", shap_options(20, 4), fx.context(2), baseCtx.data());
  CHECK(k.estimator == "kernel");
  CHECK(std::fabs(total(k) - (k.outputValue - k.baseValue)) < 1e-9);
}

TEST_CASE("context players: JSON, negligible differences, limits", "[explain][context][shap]") {
  const auto& fx = fixture();
  const nn::Model model = fx.load();
  nn::Engine engine(model);
  explain::Explainer ex(engine);
  const auto e = ex.shap(fx.window(0), fx.window(4), "test", shap_options(8, 0), fx.context(0), fx.context(4));
  const auto j = explain::to_json(e);
  REQUIRE(j.at("contextPlayers").size() == 4);
  const auto& rhythm = j.at("contextPlayers")[0];
  CHECK(rhythm.at("name") == "rhythm (RR)");
  CHECK(rhythm.at("features")[3] == "logPreLocal");
  CHECK(rhythm.at("beatValues")[3].get<float>() == fx.context(0)[3]);
  CHECK(rhythm.at("baselineValues")[3].get<float>() == fx.context(4)[3]);
  CHECK(rhythm.at("value").get<double>() == e.contextPlayers[0].value);
  CHECK(j.at("contextPlayers")[3].at("beatValues").size() == 1);
  CHECK(j.contains("segments"));
  CHECK(j.contains("baseValue"));
  CHECK(j.contains("outputValue"));
  CHECK(e.negligible == (std::fabs(e.outputValue - e.baseValue) < explain::kNegligibleDelta));
  CHECK(j.contains("negligible") == e.negligible);

  // A beat against itself: nothing to attribute.
  const auto same = ex.shap(fx.window(3), fx.window(3), "test", shap_options(12, 1), fx.context(3), fx.context(3));
  CHECK(same.negligible);
  CHECK(explain::to_json(same).at("negligible") == true);
  CHECK(total(same) == 0.0);

  // Without a baseline context the beat's context is held fixed: no players.
  CHECK(ex.shap(fx.window(0), fx.window(4), "test", shap_options(8, 0), fx.context(0)).contextPlayers.empty());
  // 4 players leave room for 28 segments (KernelSHAP: 32 players at most).
  CHECK(test::error_code_of([&] {
          ex.shap(fx.window(0), fx.window(4), "test", shap_options(29, 0), fx.context(0), fx.context(4));
        }) == "explain_invalid_segments");
}

TEST_CASE("context players: baseline contexts of a record", "[explain][context]") {
  const auto& fx = fixture();
  const nn::Model model = fx.load();
  nn::Engine engine(model);
  Record record;
  record.name = "synthetic";
  record.sampleRate = 360;
  record.leads.push_back(Lead{"MLII", "mV", std::vector<float>(360 * 10, 0.0f)});
  explain::BeatInputs beats;
  for (size_t b = 0; b < fx.count; ++b) beats.samples.push_back(static_cast<int64_t>(300 + 360 * b));
  beats.windows = fx.inputs;
  beats.contexts = fx.contexts;
  std::vector<size_t> all(fx.count);
  for (size_t i = 0; i < fx.count; ++i) all[i] = i;
  const auto median = explain::median_window(fx.contexts.data(), kF, all);
  {  // No explain.backgroundContext: the per-feature median of the record's beats.
    explain::Explainer ex(engine);
    explain::RecordExplainer rx(ex, record, beats);
    CHECK(rx.baseline_context("background") == median);
    std::vector<size_t> normal;
    for (size_t i = 0; i < fx.count; ++i)
      if (rx.labels()[i] == 0) normal.push_back(i);
    CHECK(rx.baseline_context("median-normal") ==
          (normal.empty() ? median : explain::median_window(fx.contexts.data(), kF, normal)));
  }
  // explain.backgroundContext, as the model metadata carries it (nn::ModelInfo).
  CHECK(model.info().backgroundContext.empty());
  json meta = json::parse(fx.metaText);
  std::vector<float> typical(kF, 0.5f);
  meta["explain"]["backgroundContext"] = typical;
  const nn::Model withContext = fx.load_with(meta);
  CHECK(withContext.info().backgroundContext == typical);
  nn::Engine contextEngine(withContext);
  explain::Explainer ex(contextEngine);
  explain::RecordExplainer rx(ex, record, beats);
  CHECK(rx.baseline_context("background") == typical);
  explain::Options o = shap_options(6, 3);
  o.baseline = "background";
  const auto e = rx.explain_beat(1, o);
  CHECK(e.baselineContext == typical);
  CHECK(e.contextPlayers.size() == 4);
  meta["explain"]["backgroundContext"] = std::vector<float>(3, 0.0f);
  CHECK(test::error_code_of([&] { fx.load_with(meta); }) == "model_invalid");
  meta["explain"]["backgroundContext"] = nullptr;  // null: none
  CHECK(fx.load_with(meta).info().backgroundContext.empty());
}

TEST_CASE("single-beat model: SHAP has no context players and is the plain segment game", "[explain][shap]") {
  const nn::Model model = nn::Model::load_file((fs::path(AV_SOURCE_DIR) / "models" / "arrhythminet-v1.json").string());
  nn::Engine engine(model);
  explain::Explainer ex(engine);
  CHECK(ex.contextPlayers().empty());
  std::vector<float> w(256), base = ex.background();
  for (size_t t = 0; t < w.size(); ++t) w[t] = std::sin(0.07 * static_cast<double>(t)) * 2.0f;
  const auto e = ex.shap(w.data(), base.data(), "background", shap_options(12, 4));
  const auto j = explain::to_json(e);
  CHECK(!j.contains("contextPlayers"));
  const auto segs = explain::make_segments(256, 12);
  std::vector<float> rows;
  const size_t batch = std::min<size_t>(engine.max_batch(), 512);
  const auto game = [&](const uint32_t* masks, size_t n, double* out) {
    rows.assign(n * 256, 0.0f);
    for (size_t i = 0; i < n; ++i)
      for (size_t s = 0; s < 12; ++s)
        std::copy((masks[i] >> s & 1u ? w : base).begin() + segs[s].start, (masks[i] >> s & 1u ? w : base).begin() + segs[s].end,
                  rows.begin() + static_cast<long>(i * 256 + segs[s].start));
    std::vector<float> p(n * 5);
    engine.run(rows.data(), n, p.data());
    for (size_t i = 0; i < n; ++i) out[i] = p[i * 5 + 4];
  };
  const auto r = explain::exact_shapley(12, game, batch);
  for (size_t s = 0; s < 12; ++s) CHECK(e.segments[s].value == r.values[s]);  // bit for bit
  CHECK(e.baseValue == r.baseValue);
}
