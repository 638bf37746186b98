// A tiny hand-written model whose outputs are worked out by hand below, run on every backend, plus the
// loader's strict validation.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <functional>
#include <vector>

#include "core/error.h"
#include "nn/engine.h"
#include "nn/model.h"

using namespace av::nn;
using nlohmann::json;

namespace {

struct TinyModel {
  json meta;
  std::vector<float> weights;

  json param(std::vector<float> values, std::vector<int> shape) {
    json p = {{"offset", weights.size()}, {"shape", shape}};
    weights.insert(weights.end(), values.begin(), values.end());
    return p;
  }

  TinyModel() {
    json layers = json::array();
    layers.push_back({{"name", "c1"}, {"type", "conv1d"}, {"inChannels", 1}, {"outChannels", 2}, {"kernel", 3},
                      {"stride", 1}, {"padding", 1}, {"groups", 1},
                      {"weight", param({1, 0, -1, 0.5f, 0.5f, 0.5f}, {2, 1, 3})}, {"bias", param({0, 1}, {2})}});
    layers.push_back({{"name", "bn1"}, {"type", "batchnorm"}, {"channels", 2}, {"epsilon", 0.0},
                      {"gamma", param({2, 1}, {2})}, {"beta", param({0, -1}, {2})}, {"mean", param({0, 1}, {2})},
                      {"var", param({1, 4}, {2})}});
    layers.push_back({{"name", "r1"}, {"type", "relu"}});
    layers.push_back({{"name", "dw"}, {"type", "conv1d"}, {"inChannels", 2}, {"outChannels", 2}, {"kernel", 3},
                      {"stride", 2}, {"padding", 1}, {"groups", 2},
                      {"weight", param({1, 1, 1, 1, -1, 2}, {2, 1, 3})}, {"bias", param({1, 0.5f}, {2})}});
    layers.push_back({{"name", "r2"}, {"type", "relu6"}});
    layers.push_back({{"name", "pw"}, {"type", "conv1d"}, {"inChannels", 2}, {"outChannels", 2}, {"kernel", 1},
                      {"stride", 1}, {"padding", 0}, {"groups", 1}, {"weight", param({1, 2, -1, 1}, {2, 2, 1})}});
    layers.push_back({{"name", "sum"}, {"type", "add"}, {"inputs", {"pw", "r2"}}});
    layers.push_back({{"name", "gap"}, {"type", "global_avg_pool"}});
    layers.push_back({{"name", "fc"}, {"type", "dense"}, {"inFeatures", 2}, {"outFeatures", 3},
                      {"weight", param({1, 0, 0, 1, 1, 1}, {3, 2})}, {"bias", param({0, 0, -9}, {3})}});
    layers.push_back({{"name", "prob"}, {"type", "softmax"}});
    meta = {{"format", "arrhythmiavision-model"},
            {"formatVersion", 1},
            {"name", "tiny"},
            {"version", "0.0.1"},
            {"classes", {"a", "b", "c"}},
            {"sampleRate", 360},
            {"window", {{"before", 1}, {"after", 3}}},
            {"normalization", {{"method", "zscore"}, {"stdFloor", 0.01}}},
            {"input", {{"layout", "NCW"}, {"channels", 1}, {"length", 4}}},
            {"weights", {{"file", "tiny.bin"}, {"dtype", "float32"}, {"count", weights.size()}}},
            {"parameters", 37},
            {"flops", 0},
            {"architecture", layers},
            {"explain", {{"gradcamLayer", "r1"}, {"background", {0, 0, 0, 0}}}}};
  }

  Model load() const { return load_with(meta, weights); }
  static Model load_with(const json& m, const std::vector<float>& w) {
    std::string text = m.dump();
    return Model::load(text, std::span(reinterpret_cast<const uint8_t*>(w.data()), w.size() * 4));
  }
};

// By hand, for x = [1, 2, 3, 4]:
//  c1 (pad 1): ch0 = x[l-1] - x[l+1] = [-2,-2,-2,3]; ch1 = 0.5*(x[l-1]+x[l]+x[l+1]) + 1 = [2.5,4,5.5,4.5]
//  bn1: scale = gamma/sqrt(var) = [2, 0.5], shift = beta - mean*scale = [0, -1.5]
//       ch0 = [-4,-4,-4,6]; ch1 = [-0.25,0.5,1.25,0.75];   r1 = relu: [0,0,0,6], [0,0.5,1.25,0.75]
//  dw (k3, stride 2, pad 1): ch0 taps [1,1,1] + 1 -> [0+1, 6+1] = [1,7]
//                            ch1 taps [1,-1,2] + 0.5 -> [2*0.5+0.5, 0.5-1.25+1.5+0.5] = [1.5,1.25]
//  r2 = relu6: [1,6], [1.5,1.25]
//  pw: ch0 = r2c0 + 2 r2c1 = [4, 8.5]; ch1 = -r2c0 + r2c1 = [0.5, -4.75]
//  sum = pw + r2: [5, 14.5], [2, -3.5];  gap = [9.75, -0.75]
//  fc: [9.75, -0.75, 9.75 - 0.75 - 9] = [9.75, -0.75, 0]
const float kInput[4] = {1, 2, 3, 4};
const float kLogits[3] = {9.75f, -0.75f, 0.0f};
const float kR1[8] = {0, 0, 0, 6, 0, 0.5f, 1.25f, 0.75f};

std::vector<Backend> backends() {
  std::vector<Backend> b{Backend::Simd};
  if (backend_available(Backend::Xnnpack)) b.push_back(Backend::Xnnpack);
  return b;
}

void expect_error(const std::function<void()>& f, const std::string& code, const std::string& fragment) {
  try {
    f();
    FAIL("expected av::Error " << code);
  } catch (const av::Error& e) {
    CHECK(e.code() == code);
    INFO(e.what());
    CHECK(std::string(e.what()).find(fragment) != std::string::npos);
  }
}

}  // namespace

TEST_CASE("tiny model: hand-computed logits, probabilities and captured layer on every backend", "[nn]") {
  TinyModel tiny;
  Model model = tiny.load();
  CHECK(model.info().name == "tiny");
  CHECK(model.info().windowLength == 4);
  CHECK(model.info().windowBefore == 1);
  CHECK(model.info().parameters == 37);
  // MACs: c1 4*2*3 + dw 2*2*3 + pw 2*2*2 + fc 2*3 = 24 + 12 + 8 + 6 = 50
  CHECK(model.info().flops == 100);
  CHECK(model.info().backgroundCount == 1);
  CHECK(model.head().outFeatures == 3);
  CHECK(model.head().bias[2] == -9.0f);
  // BatchNorm and ReLU were fused into c1: only the fused result has a value of its own.
  CHECK(model.layer_shape("r1").channels == 2);
  CHECK(model.layer_shape("r1").length == 4);
  CHECK_THROWS_AS(model.layer_shape("c1"), av::Error);

  double e0 = std::exp(9.75), e1 = std::exp(-0.75), e2 = std::exp(0.0), sum = e0 + e1 + e2;
  const float probsExpected[3] = {float(e0 / sum), float(e1 / sum), float(e2 / sum)};

  for (Backend kind : backends()) {
    INFO("backend " << backend_name(kind));
    // Three beats: the same window twice around a scaled one, to exercise batching.
    std::vector<float> windows = {1, 2, 3, 4, 2, 4, 6, 8, 1, 2, 3, 4};
    Engine engine(model, kind, 2);  // max batch 2: the third beat runs in a second chunk
    std::vector<float> probs(9), logits(9), r1(3 * 8);
    engine.run(windows.data(), 3, probs.data(), logits.data(), "r1", r1.data());
    for (int b : {0, 2}) {
      for (int k = 0; k < 3; ++k) {
        CHECK(logits[b * 3 + k] == Approx(kLogits[k]).margin(1e-5));
        CHECK(probs[b * 3 + k] == Approx(probsExpected[k]).margin(1e-6));
      }
      for (int k = 0; k < 8; ++k) CHECK(r1[b * 8 + k] == Approx(kR1[k]).margin(1e-6));
    }
    // The scaled beat differs (the network is not linear), so chunks did not just repeat beat 0.
    CHECK(logits[3] != Approx(kLogits[0]).margin(1e-3));
    std::vector<float> single(3);
    engine.run(kInput, 1, single.data());
    CHECK(single[0] == Approx(probsExpected[0]).margin(1e-6));
  }
}

TEST_CASE("tiny model: an unfused BatchNorm (kept for Grad-CAM) gives the same result", "[nn]") {
  TinyModel tiny;
  tiny.meta["explain"]["gradcamLayer"] = "c1";  // c1's exact output must survive, so bn1 cannot fold
  Model model = tiny.load();
  // c1 by hand: [-2,-2,-2,3], [2.5,4,5.5,4.5]
  const float kC1[8] = {-2, -2, -2, 3, 2.5f, 4, 5.5f, 4.5f};
  for (Backend kind : backends()) {
    INFO("backend " << backend_name(kind));
    Engine engine(model, kind);
    std::vector<float> probs(3), logits(3), c1(8);
    engine.run(kInput, 1, probs.data(), logits.data(), "c1", c1.data());
    for (int k = 0; k < 3; ++k) CHECK(logits[k] == Approx(kLogits[k]).margin(1e-5));
    for (int k = 0; k < 8; ++k) CHECK(c1[k] == Approx(kC1[k]).margin(1e-6));
  }
}

TEST_CASE("model loader rejects malformed metadata and weights with model_invalid", "[nn]") {
  TinyModel tiny;
  auto bad = [&](const std::function<void(json&, std::vector<float>&)>& edit, const std::string& fragment) {
    json m = tiny.meta;
    std::vector<float> w = tiny.weights;
    edit(m, w);
    INFO("expecting: " << fragment);
    expect_error([&] { TinyModel::load_with(m, w); }, "model_invalid", fragment);
  };
  CHECK_NOTHROW(tiny.load());
  expect_error([] { Model::load("{not json", {}); }, "model_invalid", "not valid JSON");
  bad([](json& m, auto&) { m.erase("classes"); }, "missing field \"classes\"");
  bad([](json& m, auto&) { m["format"] = "onnx"; }, "format");
  bad([](json& m, auto&) { m["window"]["before"] = -1; }, "before");
  bad([](json& m, auto&) { m["input"]["length"] = 5; }, "length");
  bad([](json& m, auto&) { m["architecture"][0].erase("kernel"); }, "missing field \"kernel\"");
  bad([](json& m, auto&) { m["architecture"][0]["outChannels"] = 3; }, "shape");                 // weight shape
  bad([](json& m, auto&) { m["architecture"][3]["inChannels"] = 3; }, "inChannels = 3");        // does not chain
  bad([](json& m, auto&) { m["architecture"][0]["outChannels"] = 1 << 20; }, "outside");       // absurd size
  bad([](json& m, auto&) { m["architecture"][0]["kernel"] = 9; }, "longer than the padded input");
  bad([](json& m, auto&) { m["architecture"][8]["weight"]["offset"] = 34; }, "outside the weights");
  bad([](json& m, auto&) { m["architecture"][8]["weight"]["offset"] = -4; }, "offset");
  bad([](json&, auto& w) { w.push_back(0); }, "count");                                          // .bin too long
  bad([](json& m, auto&) { m["weights"]["count"] = 1LL << 40; }, "count");
  bad([](json& m, auto&) { m["parameters"] = 38; }, "parameters");
  bad([](json& m, auto&) { m["architecture"][2]["type"] = "gelu"; }, "unknown layer type");
  bad([](json& m, auto&) { m["architecture"][6]["inputs"] = {"pw", "r1"}; }, "equal shape");
  bad([](json& m, auto&) { m["architecture"][6]["inputs"] = {"pw", "later"}; }, "not an earlier layer");
  bad([](json& m, auto&) { m["architecture"][1]["name"] = "c1"; }, "duplicate");
  bad([](json& m, auto&) { m["architecture"].erase(9); }, "last layer must be softmax");
  bad([](json& m, auto&) { m["classes"] = {"a", "b"}; }, "logits");
  bad([](json& m, auto&) { m["architecture"][8].erase("bias"); }, "bias");
  bad([](json&, auto& w) { w[3] = std::nanf(""); }, "NaN");
  bad([](json& m, auto&) { m["explain"]["gradcamLayer"] = "nope"; }, "gradcamLayer");
  bad([](json& m, auto&) { m["explain"]["background"] = {1, 2, 3}; }, "background");
  bad([](json& m, auto&) { m["architecture"] = json::array(); }, "architecture");
  bad([](json& m, auto&) { m["architecture"][0]["stride"] = "1"; }, "integer");
  bad([](json& m, auto&) { m["labelRules"] = {{"lMinTemplateQrsSec", 0.09}}; }, "label rules need a context model");
}

TEST_CASE("model files load from disk; a missing file is model_file_unreadable", "[nn]") {
  expect_error([] { Model::load_file("/nonexistent/model.json"); }, "model_file_unreadable", "cannot open");
}
