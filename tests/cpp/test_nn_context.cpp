// Context models (models/FORMAT.md "Context models"): a two-channel window plus a vector of context features
// read by the head. The fixture tests/fixtures/context-model/ is an untrained ArrhythmiNet V2 context model
// written by models/training/export_model.py (see the README there) with its PyTorch reference set and
// PyTorch Grad-CAM maps: both backends against the PyTorch outputs, Grad-CAM against autograd, SHAP with
// the context held fixed, and the loader's checks of the context metadata.
#include <catch2/catch.hpp>

#include "io/files.h"
#include "pipeline/analyze.h"
#include "pipeline/engine_classifier.h"
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/record.h"
#include "context_fixture.h"
#include "backend_agreement.h"
#include "error_code.h"
#include "gradcam_from_json.h"
#include "explain/explainer.h"
#include "explain/gradcam.h"
#include "explain/record_explainer.h"
#include "nn/engine.h"
#include "nn/model.h"

using namespace av;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

using Fixture = test::ContextFixture;
const Fixture& fixture() { return test::context_fixture(); }

std::vector<nn::Backend> backends() {
  std::vector<nn::Backend> b{nn::Backend::Simd};
  if (nn::backend_available(nn::Backend::Xnnpack)) b.push_back(nn::Backend::Xnnpack);
  return b;
}

size_t argmax(const float* p, size_t n) { return static_cast<size_t>(std::max_element(p, p + n) - p); }

}  // namespace

TEST_CASE("context model: metadata declares two channels and the named context features", "[nn][context]") {
  const auto& fx = fixture();
  const nn::Model model = fx.load();
  const auto& info = model.info();
  CHECK(info.inputChannels == 2);
  CHECK(info.windowLength == 256);
  REQUIRE(info.contextFeatures == 14);
  REQUIRE(info.contextNames.size() == 14);
  CHECK(info.contextNames[3] == "logPreLocal");
  CHECK(info.contextNames == fx.meta["input"]["context"]["names"].get<std::vector<std::string>>());
  CHECK(info.backgroundCount == 1);
  CHECK(info.background.size() == 512);
  CHECK(model.graph().context == 1);
  CHECK(model.graph().values[1].channels == 14);
  CHECK(model.graph().values[1].flat);
  CHECK(model.head().inFeatures == 16);  // the final dense after the context head
  nn::Engine engine(model, nn::Backend::Simd);
  CHECK(engine.context_features() == 14);
  CHECK(engine.window_size() == 512);

  // A single-beat model has none of it.
  const nn::Model v1 = nn::Model::load_file((fs::path(AV_SOURCE_DIR) / "models" / "arrhythminet-v1.json").string());
  CHECK(v1.info().contextFeatures == 0);
  CHECK(v1.info().contextNames.empty());
  CHECK(v1.graph().context == -1);
}

TEST_CASE("context model: both backends match the PyTorch logits and probabilities", "[nn][context][parity]") {
  const auto& fx = fixture();
  const nn::Model model = fx.load();
  const size_t classes = model.info().classes.size(), n = fx.count;
  REQUIRE(n >= 8);
  REQUIRE(fx.inputs.size() == n * 2 * 256);
  REQUIRE(fx.contexts.size() == n * 14);
  REQUIRE(fx.probs.size() == n * classes);
  const std::string layer = model.info().gradcamLayer;
  const size_t captureSize = model.layer_shape(layer).size();

  std::vector<std::vector<float>> probsBy, captureBy;
  for (nn::Backend kind : backends()) {
    INFO("backend " << nn::backend_name(kind));
    nn::Engine engine(model, kind, 3);  // several chunks, the last one partial: context rows follow their windows
    std::vector<float> probs(n * classes), logits(n * classes), captured(n * captureSize);
    engine.run(fx.inputs.data(), fx.contexts.data(), n, probs.data(), logits.data(), layer, captured.data());
    float worstLogit = 0, worstProb = 0;
    for (size_t i = 0; i < logits.size(); ++i) {
      worstLogit = std::max(worstLogit, std::abs(logits[i] - fx.logits[i]) / std::max(1.0f, std::abs(fx.logits[i])));
      worstProb = std::max(worstProb, std::abs(probs[i] - fx.probs[i]));
    }
    INFO("max relative |logit - logit_torch| = " << worstLogit << ", max |p - p_torch| = " << worstProb);
    CHECK(worstLogit <= 2e-5f);
    CHECK(worstProb <= 2e-5f);
    for (size_t b = 0; b < n; ++b) CHECK(argmax(&probs[b * classes], classes) == argmax(&fx.probs[b * classes], classes));

    // The overload without logits, one beat at a time, gives the same probabilities.
    std::vector<float> one(classes);
    for (size_t b = 0; b < n; ++b) {
      engine.run(fx.inputs.data() + b * 512, fx.contexts.data() + b * 14, 1, one.data());
      for (size_t k = 0; k < classes; ++k) CHECK(one[k] == probs[b * classes + k]);
    }
    // The context matters: another beat's context changes the output.
    std::vector<float> swapped(classes);
    engine.run(fx.inputs.data(), fx.contexts.data() + 14, 1, swapped.data());
    float change = 0;
    for (size_t k = 0; k < classes; ++k) change = std::max(change, std::abs(swapped[k] - probs[k]));
    CHECK(change > 1e-4f);
    // Without a context vector the model cannot run.
    CHECK(test::error_code_of([&] { engine.run(fx.inputs.data(), 1, one.data()); }) == "model_context_required");
    CHECK(test::error_code_of([&] { engine.run(fx.inputs.data(), nullptr, 1, one.data()); }) ==
          "model_context_required");
    probsBy.push_back(std::move(probs));
    captureBy.push_back(std::move(captured));
  }
  test::check_backends_agree(probsBy, captureBy);
}

TEST_CASE("context model: Grad-CAM through the context head matches PyTorch autograd", "[explain][context][parity]") {
  const auto& fx = fixture();
  const nn::Model model = fx.load();
  const float* w = reinterpret_cast<const float*>(fx.bin.data());
  double absSum = 0.0;
  for (size_t i = 0; i < fx.bin.size() / 4; ++i) absSum += std::fabs(w[i]);
  INFO("the fixture's gradcam.json was made from other weights: regenerate the fixture (tests/fixtures/context-model/README.md)");
  REQUIRE(fx.cams.at("weightsAbsSum").get<double>() == Approx(absSum).epsilon(1e-9));
  explain::GradcamHead fromJson = explain::gradcam_head_from_json(fx.meta, w, fx.bin.size() / 4);
  CHECK(fromJson.contextFeatures() == 14);
  for (nn::Backend kind : backends()) {
    INFO("backend " << nn::backend_name(kind));
    nn::Engine engine(model, kind, 4);
    explain::Explainer ex(engine);
    CHECK(ex.windowLength() == 256);
    CHECK(ex.windowSize() == 512);
    CHECK(ex.contextFeatures() == 14);
    CHECK(ex.head().contextFeatures() == 14);
    REQUIRE(ex.head().layer() == fx.cams.at("layer").get<std::string>());
    CHECK(fromJson.centreOffset() == ex.head().centreOffset());
    CHECK(fromJson.centreJump() == ex.head().centreJump());
    const size_t maps = fx.cams.at("classIndex").size();
    REQUIRE(maps == 2 * fx.count);
    std::vector<float> features(static_cast<size_t>(ex.head().channels() * ex.head().featureLength()));
    double worst = 0.0;
    std::vector<int> classes;
    for (size_t i = 0; i < maps; ++i) {
      const size_t b = fx.cams.at("window")[i].get<size_t>();
      const int cls = fx.cams.at("classIndex")[i].get<int>();
      const float* window = fx.inputs.data() + b * 512;
      const float* ctx = fx.contexts.data() + b * 14;
      const auto e = ex.gradcam(window, cls, ctx);
      const auto expected = fx.cams.at("values")[i].get<std::vector<float>>();
      REQUIRE(e.values.size() == expected.size());
      for (size_t t = 0; t < expected.size(); ++t)
        worst = std::max(worst, static_cast<double>(std::fabs(e.values[t] - expected[t])));
      CHECK(e.window.size() == 256);  // channel 0, the z-scored beat
      CHECK(e.window[5] == window[5]);
      REQUIRE(e.context.size() == 14);
      CHECK(e.context[13] == ctx[13]);
      // The layer-list route from the same captured features and context.
      float p[5];
      engine.run(window, ctx, 1, p, nullptr, ex.head().layer(), features.data());
      const auto alt = fromJson.compute(features.data(), cls, ctx);
      for (size_t t = 0; t < expected.size(); ++t) CHECK(alt.values[t] == Approx(e.values[t]).margin(1e-5));
      if (i < fx.count) classes.push_back(cls);
    }
    INFO("largest |C++ - PyTorch| over " << maps << " maps: " << worst);
    CHECK(worst < 1e-4);
    // The batch entry point reads each beat's context row.
    const auto batch = ex.gradcam_batch(fx.inputs.data(), fx.count, classes.data(), fx.contexts.data());
    for (size_t b = 0; b < fx.count; ++b) {
      const auto one = ex.gradcam(fx.inputs.data() + b * 512, classes[b], fx.contexts.data() + b * 14);
      for (size_t t = 0; t < 256; ++t) CHECK(batch[b].values[t] == Approx(one.values[t]).margin(1e-6));
    }
    // The gradient depends on the context (the head's ReLU mask): the channel weights change with it.
    float p0[5];
    engine.run(fx.inputs.data(), fx.contexts.data(), 1, p0, nullptr, ex.head().layer(), features.data());
    const auto a = ex.head().compute(features.data(), 4, fx.contexts.data());
    std::vector<float> other(fx.contexts.begin(), fx.contexts.begin() + 14);
    for (float& v : other) v = -3.0f * v;
    const auto c = ex.head().compute(features.data(), 4, other.data());
    double diff = 0.0;
    for (size_t k = 0; k < a.weights.size(); ++k) diff = std::max(diff, std::fabs(a.weights[k] - c.weights[k]));
    CHECK(diff > 1e-6);
    CHECK(test::error_code_of([&] { ex.head().compute(features.data(), 4); }) == "model_context_required");
    CHECK(test::error_code_of([&] { ex.gradcam(fx.inputs.data(), 4); }) == "model_context_required");
  }
}

TEST_CASE("context model: SHAP perturbs the window and holds the beat's context fixed", "[explain][context][shap]") {
  const auto& fx = fixture();
  const nn::Model model = fx.load();
  nn::Engine engine(model);
  explain::Explainer ex(engine);
  REQUIRE(ex.background().size() == 512);
  double worst = 0.0;
  for (size_t b = 0; b < fx.count; ++b) {
    const float* window = fx.inputs.data() + b * 512;
    const float* ctx = fx.contexts.data() + b * 14;
    explain::Options o;
    o.method = explain::Method::Shap;
    o.classIndex = static_cast<int>(b % 5);
    o.segments = 8;
    const auto e = ex.shap(window, ex.background().data(), "background", o, ctx);
    const auto px = ex.probabilities(window, 1, ctx), pb = ex.probabilities(ex.background().data(), 1, ctx);
    CHECK(e.outputValue == Approx(px[o.classIndex]).margin(1e-6));
    CHECK(e.baseValue == Approx(pb[o.classIndex]).margin(1e-6));
    double sum = 0.0;
    for (const auto& s : e.segments) sum += s.value;
    worst = std::max(worst, std::fabs(sum - (static_cast<double>(px[o.classIndex]) - pb[o.classIndex])));
    CHECK(e.values.size() == 256);
    CHECK(e.window.size() == 256);
    CHECK(e.baselineWindow.size() == 256);
    CHECK(e.context.size() == 14);
    const auto j = explain::to_json(e);
    CHECK(j.at("context").size() == 14);
  }
  CHECK(worst < 1e-4);
  explain::Options o;
  o.method = explain::Method::Shap;
  CHECK(test::error_code_of([&] { ex.shap(fx.inputs.data(), ex.background().data(), "background", o); }) ==
        "model_context_required");
}

TEST_CASE("context model: record explanations take the pipeline's beat inputs", "[explain][context]") {
  const auto& fx = fixture();
  const nn::Model model = fx.load();
  nn::Engine engine(model, nn::Backend::Simd);
  explain::Explainer ex(engine);
  Record record;
  record.name = "synthetic";
  record.sampleRate = 360;
  record.leads.push_back(Lead{"MLII", "mV", std::vector<float>(360 * 10, 0.0f)});
  {  // Built from a recording, the explainer takes the analysis' own beats and labels (no second detection).
    const Record rec = io::read_wfdb_file(std::string(AV_SOURCE_DIR) + "/examples/data/208.hea");
    pipeline::EngineClassifier classifier(engine);
    const pipeline::Result analysed = pipeline::analyze(rec, &classifier, {});
    explain::RecordExplainer fromRecord(ex, rec);
    REQUIRE(fromRecord.beatCount() == analysed.beats.size());
    REQUIRE(analysed.beats.size() > 2500);
    for (size_t i = 0; i < analysed.beats.size(); ++i) {
      REQUIRE(fromRecord.samples()[i] == analysed.beats[i].sample);
      REQUIRE(fromRecord.labels()[i] == analysed.beats[i].label);
    }
  }

  explain::BeatInputs beats;
  for (size_t b = 0; b < fx.count; ++b) beats.samples.push_back(static_cast<int64_t>(300 + 360 * b));
  beats.windows = fx.inputs;
  beats.contexts = fx.contexts;
  explain::RecordExplainer rx(ex, record, beats);
  REQUIRE(rx.beatCount() == fx.count);
  for (size_t b = 0; b < fx.count; ++b) {
    CHECK(rx.labels()[b] == static_cast<int>(argmax(&fx.probs[b * 5], 5)));
    CHECK(rx.context(b)[0] == fx.contexts[b * 14]);
  }
  explain::Options o;
  o.classIndex = 4;
  const auto cam = rx.explain(beats.samples[2], o);
  const auto direct = ex.gradcam(fx.inputs.data() + 2 * 512, 4, fx.contexts.data() + 2 * 14);
  for (size_t t = 0; t < 256; ++t) CHECK(cam.values[t] == direct.values[t]);
  o.method = explain::Method::Shap;
  o.segments = 6;
  o.baseline = "background";
  const auto shap = rx.explain_beat(3, o);
  // The record explainer's SHAP has the context players, against the baseline's context.
  const auto shapDirect = ex.shap(fx.inputs.data() + 3 * 512, ex.background().data(), "background", o,
                                  fx.contexts.data() + 3 * 14, rx.baseline_context("background").data());
  for (size_t s = 0; s < shap.segments.size(); ++s) CHECK(shap.segments[s].value == shapDirect.segments[s].value);
  REQUIRE(shap.contextPlayers.size() == 4);
  for (size_t k = 0; k < 4; ++k) CHECK(shap.contextPlayers[k].value == shapDirect.contextPlayers[k].value);
  // A position that is not one of the beats cannot be prepared alone for a context model.
  CHECK(test::error_code_of([&] { rx.explain(beats.samples[2] + 5, o); }) == "explain_unsupported");
  CHECK(test::error_code_of([&] { rx.explain(-1, o); }) == "explain_beat_out_of_range");
  explain::GlobalOptions g;
  g.segments = 4;
  g.baseline = "background";
  g.maxShapBeats = 2;
  const auto global = rx.global(g);
  REQUIRE(!global.classes.empty());
  CHECK(global.classes[0].averageBeat.size() == 256);
  CHECK(global.classes[0].meanGradcam.size() == 256);
  // The median-normal baseline is a whole two-channel window (no beat is predicted N here: the background).
  std::string used;
  CHECK(rx.baseline("median-normal", &used).size() == 512);

  explain::BeatInputs bad = beats;
  bad.contexts.pop_back();
  CHECK(test::error_code_of([&] { (void)explain::RecordExplainer(ex, record, bad); }) == "invalid_argument");
  bad = beats;
  std::swap(bad.samples[0], bad.samples[1]);
  CHECK(test::error_code_of([&] { (void)explain::RecordExplainer(ex, record, bad); }) == "invalid_argument");
}

TEST_CASE("model loader rejects malformed context metadata with model_invalid", "[nn][context]") {
  const auto& fx = fixture();
  CHECK_NOTHROW(fx.load());
  auto bad = [&](const std::function<void(json&)>& edit, const std::string& fragment) {
    json m = fx.meta;
    edit(m);
    INFO("expecting: " << fragment);
    try {
      fx.load_with(m);
      FAIL("expected model_invalid");
    } catch (const Error& e) {
      INFO(e.what());
      CHECK(e.code() == "model_invalid");
      CHECK(std::string(e.what()).find(fragment) != std::string::npos);
    }
  };
  auto layer = [](json& m, const std::string& name) -> json& {
    for (json& l : m["architecture"])
      if (l["name"] == name) return l;
    FAIL("no layer " << name);
    return m;
  };
  bad([](json& m) { m["input"]["channels"] = 3; }, "\"channels\" = 3 is outside [1, 2]");
  bad([](json& m) { m["input"]["channels"] = 0; }, "channels");
  bad([](json& m) { m["input"]["context"]["names"].erase(0); }, "lists 13 names but \"features\" = 14");
  bad([](json& m) { m["input"]["context"]["features"] = 15; }, "lists 14 names but \"features\" = 15");
  bad([](json& m) { m["input"]["context"]["features"] = 65; }, "outside [0, 64]");
  bad([](json& m) { m["input"]["context"]["names"][2] = 7; }, "strings");
  bad([](json& m) { m["input"]["context"]["names"][2] = ""; }, "strings");
  bad([](json& m) { m["input"]["context"]["names"][2] = m["input"]["context"]["names"][1]; }, "duplicate context name");
  bad([](json& m) { m["input"]["context"]["names"] = "preRrSec"; }, "array");
  bad([](json& m) { m["input"]["context"].erase("names"); }, "missing field \"names\"");
  bad([](json& m) { m["input"]["context"] = 14; }, "expected an object");
  bad([&](json& m) { layer(m, "head_context")["inputs"] = {"ctx"}; }, "input \"ctx\" is not an earlier layer");
  bad([&](json& m) { layer(m, "head_context")["inputs"] = {"context", "pool"}; }, "takes one input");
  bad([&](json& m) { layer(m, "head_context")["inFeatures"] = 13; }, "inFeatures = 13 but the input has 14");
  bad([&](json& m) { layer(m, "head_add")["inputs"] = {"head_wave", "context"}; }, "only a dense layer");
  bad([&](json& m) { layer(m, "head_wave")["name"] = "context"; }, "reserved");
  bad([](json& m) { m["input"].erase("context"); }, "declares none");
  bad([](json& m) { m["input"]["context"] = {{"features", 0}, {"names", json::array()}}; }, "declares none");
  bad([](json& m) { m["explain"]["gradcamLayer"] = "context"; }, "gradcamLayer");
  bad([](json& m) { m["explain"]["background"].erase(0); }, "background");
  bad([](json& m) { m["labelRules"] = {{"lMinTemplateQrsSec", 0}}; }, "\"lMinTemplateQrsSec\" is out of range");
  bad([](json& m) { m["labelRules"] = {{"lMinTemplateQrsSec", 0.6}}; }, "\"lMinTemplateQrsSec\" is out of range");
  bad([](json& m) { m["labelRules"] = {{"lMinTemplateQrsSec", "90 ms"}}; }, "must be a number");
  bad([](json& m) { m["labelRules"] = {{"lMinTemplateQrsSec", 0.09}, {"vMax", 1}}; }, "unknown rule \"vMax\"");
  bad([](json& m) { m["labelRules"] = json::object(); }, "names no rule");
  bad([](json& m) { m["labelRules"] = {{"vTemplateMatchCorrQrs", 0.85}}; }, "missing field \"vTemplateMatchMinQrsSec\"");
  bad([](json& m) { m["labelRules"] = {{"vTemplateMatchCorrQrs", 1.5}, {"vTemplateMatchMinQrsSec", 0.09}}; },
      "\"vTemplateMatchCorrQrs\" is out of range");
  bad([](json& m) { m["labelRules"] = {{"vTemplateMatchCorrQrs", 0.85}, {"vTemplateMatchMinQrsSec", -1}}; },
      "\"vTemplateMatchMinQrsSec\" is out of range");
  bad([](json& m) { m["labelRules"] = 0.09; }, "expected an object");
  bad([](json& m) { m["input"]["context"]["templateMinPreLocal"] = 1.5; }, "\"templateMinPreLocal\" is out of range");
  bad([](json& m) { m["input"]["context"]["templateMinPreLocal"] = -0.1; }, "\"templateMinPreLocal\" is out of range");
  bad([](json& m) { m["input"]["context"]["templateMinPreLocal"] = "0.85"; }, "must be a number");
}

TEST_CASE("context model: input.context.templateMinPreLocal is read; absent, every beat joins the template",
          "[nn][context]") {
  const auto& fx = fixture();
  CHECK(fx.load().info().templateMinPreLocal == 0.0);
  json m = fx.meta;
  m["input"]["context"]["templateMinPreLocal"] = 0.85;
  CHECK(fx.load_with(m).info().templateMinPreLocal == 0.85);
}

TEST_CASE("context model: labelRules carries the L and V rules; absent, there is none", "[nn][context]") {
  const auto& fx = fixture();
  const LabelRules none = fx.load().info().labelRules;
  CHECK(none.lMinTemplateQrsSec == 0.0);
  CHECK(none.vTemplateMatchCorrQrs == 0.0);
  json m = fx.meta;
  m["labelRules"] = {{"lMinTemplateQrsSec", 0.09}};
  const LabelRules l = fx.load_with(m).info().labelRules;
  CHECK(l.lMinTemplateQrsSec == 0.09);
  CHECK(l.vTemplateMatchCorrQrs == 0.0);
  m["labelRules"] = {{"vTemplateMatchCorrQrs", 0.85}, {"vTemplateMatchMinQrsSec", 0.09}};
  const LabelRules v = fx.load_with(m).info().labelRules;
  CHECK(v.lMinTemplateQrsSec == 0.0);
  CHECK(v.vTemplateMatchCorrQrs == 0.85);
  CHECK(v.vTemplateMatchMinQrsSec == 0.09);
}

TEST_CASE("context input with one channel and a dense chain: both backends agree with a plain evaluation",
          "[nn][context]") {
  // conv(1->3, k3) -> relu -> gap -> dense(3->4) [wave] ; dense(5->4) [context] -> add -> relu -> dense(4->2)
  // Hand-sized: F = 5 (not a multiple of 4: the SIMD layout pads it), weights from a fixed formula.
  std::vector<float> w;
  auto tensor = [&](std::vector<int> shape) {
    json p = {{"offset", w.size()}, {"shape", shape}};
    size_t n = 1;
    for (int s : shape) n *= static_cast<size_t>(s);
    for (size_t i = 0; i < n; ++i) w.push_back(static_cast<float>(std::sin(0.7 * static_cast<double>(w.size()) + 0.2)));
    return p;
  };
  json layers = json::array();
  layers.push_back({{"name", "c"}, {"type", "conv1d"}, {"inChannels", 1}, {"outChannels", 3}, {"kernel", 3},
                    {"stride", 1}, {"padding", 1}, {"groups", 1}, {"weight", tensor({3, 1, 3})}, {"bias", tensor({3})}});
  layers.push_back({{"name", "r"}, {"type", "relu"}});
  layers.push_back({{"name", "pool"}, {"type", "global_avg_pool"}});
  layers.push_back({{"name", "wave"}, {"type", "dense"}, {"inFeatures", 3}, {"outFeatures", 4},
                    {"weight", tensor({4, 3})}, {"bias", tensor({4})}});
  layers.push_back({{"name", "ctx"}, {"type", "dense"}, {"inFeatures", 5}, {"outFeatures", 4}, {"inputs", {"context"}},
                    {"weight", tensor({4, 5})}, {"bias", tensor({4})}});
  layers.push_back({{"name", "sum"}, {"type", "add"}, {"inputs", {"wave", "ctx"}}});
  layers.push_back({{"name", "sum_relu"}, {"type", "relu"}});
  layers.push_back({{"name", "out"}, {"type", "dense"}, {"inFeatures", 4}, {"outFeatures", 2},
                    {"weight", tensor({2, 4})}, {"bias", tensor({2})}});
  layers.push_back({{"name", "prob"}, {"type", "softmax"}});
  const json meta = {{"format", "arrhythmiavision-model"}, {"formatVersion", 1}, {"name", "ctx1"}, {"version", "0"},
                     {"classes", {"a", "b"}}, {"sampleRate", 360}, {"window", {{"before", 3}, {"after", 3}}},
                     {"normalization", {{"method", "zscore"}, {"stdFloor", 0.01}}},
                     {"input", {{"layout", "NCW"}, {"channels", 1}, {"length", 6},
                                {"context", {{"features", 5}, {"names", {"a", "b", "c", "d", "e"}}}}}},
                     {"weights", {{"file", "ctx1.bin"}, {"dtype", "float32"}, {"count", w.size()}}},
                     {"parameters", w.size()}, {"architecture", layers}, {"explain", {{"gradcamLayer", "r"}}}};
  const std::string text = meta.dump();
  const nn::Model model = nn::Model::load(text, {reinterpret_cast<const uint8_t*>(w.data()), w.size() * 4});
  REQUIRE(model.info().contextFeatures == 5);

  auto param = [&](size_t layerIndex, const char* key) {
    const json& p = layers[layerIndex][key];
    return w.data() + p["offset"].get<size_t>();
  };
  auto reference = [&](const float* x, const float* c, double* logits) {
    double pooled[3];
    for (int o = 0; o < 3; ++o) {
      double s = 0;
      for (int l = 0; l < 6; ++l) {
        double acc = param(0, "bias")[o];
        for (int t = 0; t < 3; ++t) {
          const int i = l + t - 1;
          if (i >= 0 && i < 6) acc += param(0, "weight")[o * 3 + t] * x[i];
        }
        s += std::max(acc, 0.0);
      }
      pooled[o] = s / 6;
    }
    double h[4];
    for (int o = 0; o < 4; ++o) {
      double a = param(3, "bias")[o], b = param(4, "bias")[o];
      for (int i = 0; i < 3; ++i) a += param(3, "weight")[o * 3 + i] * pooled[i];
      for (int i = 0; i < 5; ++i) b += param(4, "weight")[o * 5 + i] * c[i];
      h[o] = std::max(a + b, 0.0);
    }
    for (int o = 0; o < 2; ++o) {
      logits[o] = param(7, "bias")[o];
      for (int i = 0; i < 4; ++i) logits[o] += param(7, "weight")[o * 4 + i] * h[i];
    }
  };
  const size_t n = 5;
  std::vector<float> x(n * 6), c(n * 5);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(std::cos(1.3 * static_cast<double>(i)));
  for (size_t i = 0; i < c.size(); ++i) c[i] = static_cast<float>(2.0 * std::sin(0.9 * static_cast<double>(i) + 1.0));
  for (nn::Backend kind : backends()) {
    INFO("backend " << nn::backend_name(kind));
    nn::Engine engine(model, kind, 2);
    std::vector<float> probs(n * 2), logits(n * 2);
    engine.run(x.data(), c.data(), n, probs.data(), logits.data());
    for (size_t b = 0; b < n; ++b) {
      double want[2];
      reference(&x[b * 6], &c[b * 5], want);
      for (int k = 0; k < 2; ++k) CHECK(logits[b * 2 + k] == Approx(want[k]).margin(1e-5));
    }
  }
}
