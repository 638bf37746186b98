// Layer combinations the shipped models do not use (grouped convolutions, a two-channel input, BatchNorm
// that cannot fold, activations that cannot fuse, odd lengths and channel counts, dense chains), random
// weights, checked against a plain double-precision evaluation of the layer list written here from
// models/FORMAT.md alone.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <vector>

#include "nn/engine.h"
#include "nn/model.h"

using namespace av::nn;
using nlohmann::json;

namespace {

struct Net {
  json layers = json::array();
  std::vector<float> w;
  long long params = 0;
  std::mt19937 rng{7};

  json tensor(std::vector<int> shape, float lo, float hi) {
    std::uniform_real_distribution<float> d(lo, hi);
    size_t n = 1;
    for (int s : shape) n *= static_cast<size_t>(s);
    json p = {{"offset", w.size()}, {"shape", shape}};
    for (size_t i = 0; i < n; ++i) w.push_back(d(rng));
    params += static_cast<long long>(n);
    return p;
  }
  void conv(const std::string& name, int in, int out, int k, int s, int p, int g, bool bias) {
    json l = {{"name", name}, {"type", "conv1d"}, {"inChannels", in}, {"outChannels", out}, {"kernel", k},
              {"stride", s},  {"padding", p},     {"groups", g},      {"weight", tensor({out, in / g, k}, -0.6f, 0.6f)}};
    if (bias) l["bias"] = tensor({out}, -0.3f, 0.3f);
    layers.push_back(l);
  }
  void bn(const std::string& name, int c) {
    layers.push_back({{"name", name}, {"type", "batchnorm"}, {"channels", c}, {"epsilon", 1e-3},
                      {"gamma", tensor({c}, 0.5f, 1.5f)}, {"beta", tensor({c}, -0.3f, 0.3f)},
                      {"mean", tensor({c}, -0.3f, 0.3f)}, {"var", tensor({c}, 0.5f, 2.0f)}});
  }
  void simple(const std::string& name, const std::string& type, std::vector<std::string> inputs = {}) {
    json l = {{"name", name}, {"type", type}};
    if (!inputs.empty()) l["inputs"] = inputs;
    layers.push_back(l);
  }
  void dense(const std::string& name, int in, int out) {
    layers.push_back({{"name", name}, {"type", "dense"}, {"inFeatures", in}, {"outFeatures", out},
                      {"weight", tensor({out, in}, -0.5f, 0.5f)}, {"bias", tensor({out}, -0.2f, 0.2f)}});
  }
  json meta(int channels, int length, int classes, const std::string& gradcam) const {
    json cls = json::array();
    for (int i = 0; i < classes; ++i) cls.push_back(std::string(1, static_cast<char>('a' + i)));
    return {{"format", "arrhythmiavision-model"}, {"formatVersion", 1}, {"name", "mixed"}, {"version", "0"},
            {"classes", cls}, {"sampleRate", 360}, {"window", {{"before", length / 2}, {"after", length - length / 2}}},
            {"normalization", {{"method", "zscore"}, {"stdFloor", 0.01}}},
            {"input", {{"layout", "NCW"}, {"channels", channels}, {"length", length}}},
            {"weights", {{"file", "mixed.bin"}, {"dtype", "float32"}, {"count", w.size()}}},
            {"parameters", params}, {"architecture", layers}, {"explain", {{"gradcamLayer", gradcam}}}};
  }
};

// A tensor [C][L] in doubles (L = 1 for vectors).
struct T {
  int c = 0, l = 0;
  std::vector<double> v;
  double& at(int ch, int i) { return v[static_cast<size_t>(ch * l + i)]; }
};

std::vector<double> floats(const json& layer, const char* key, const std::vector<float>& w) {
  const json& p = layer.at(key);
  size_t n = 1;
  for (const auto& s : p.at("shape")) n *= s.get<size_t>();
  const size_t o = p.at("offset").get<size_t>();
  return std::vector<double>(w.begin() + static_cast<long>(o), w.begin() + static_cast<long>(o + n));
}

// Plain evaluation of the layer list: returns the logits and fills `outputs` with every layer's output.
std::vector<double> evaluate(const json& meta, const std::vector<float>& w, const float* x,
                             std::map<std::string, T>& outputs) {
  T cur{meta["input"]["channels"], meta["input"]["length"], {}};
  cur.v.assign(x, x + cur.c * cur.l);
  outputs["input"] = cur;
  std::string prev = "input";
  for (const json& L : meta["architecture"]) {
    const std::string type = L["type"], name = L["name"];
    T in = outputs[L.contains("inputs") ? L["inputs"][0].get<std::string>() : prev];
    T out = in;
    if (type == "conv1d") {
      int k = L["kernel"], s = L["stride"], p = L["padding"], g = L["groups"], co = L["outChannels"];
      int cig = in.c / g, cog = co / g;
      auto wt = floats(L, "weight", w);
      auto b = L.contains("bias") ? floats(L, "bias", w) : std::vector<double>(static_cast<size_t>(co), 0.0);
      out = T{co, (in.l + 2 * p - k) / s + 1, {}};
      out.v.assign(static_cast<size_t>(out.c * out.l), 0.0);
      for (int o = 0; o < co; ++o)
        for (int i = 0; i < out.l; ++i) {
          double acc = b[static_cast<size_t>(o)];
          for (int ci = 0; ci < cig; ++ci)
            for (int t = 0; t < k; ++t) {
              int xi = i * s + t - p;
              if (xi >= 0 && xi < in.l)
                acc += in.at((o / cog) * cig + ci, xi) * wt[static_cast<size_t>((o * cig + ci) * k + t)];
            }
          out.at(o, i) = acc;
        }
    } else if (type == "batchnorm") {
      auto g = floats(L, "gamma", w), be = floats(L, "beta", w), m = floats(L, "mean", w), va = floats(L, "var", w);
      for (int ch = 0; ch < out.c; ++ch)
        for (int i = 0; i < out.l; ++i)
          out.at(ch, i) = (in.at(ch, i) - m[static_cast<size_t>(ch)]) /
                              std::sqrt(va[static_cast<size_t>(ch)] + L["epsilon"].get<double>()) *
                              g[static_cast<size_t>(ch)] + be[static_cast<size_t>(ch)];
    } else if (type == "relu" || type == "relu6") {
      for (double& v : out.v) v = std::min(std::max(v, 0.0), type == "relu" ? 1e300 : 6.0);
    } else if (type == "add") {
      const T& b = outputs[L["inputs"][1].get<std::string>()];
      for (size_t i = 0; i < out.v.size(); ++i) out.v[i] += b.v[i];
    } else if (type == "global_avg_pool") {
      out = T{in.c, 1, {}};
      for (int ch = 0; ch < in.c; ++ch) {
        double s = 0;
        for (int i = 0; i < in.l; ++i) s += in.at(ch, i);
        out.v.push_back(s / in.l);
      }
    } else if (type == "dense") {
      auto wt = floats(L, "weight", w), b = floats(L, "bias", w);
      int fo = L["outFeatures"], fi = L["inFeatures"];
      out = T{fo, 1, {}};
      for (int o = 0; o < fo; ++o) {
        double acc = b[static_cast<size_t>(o)];
        for (int i = 0; i < fi; ++i) acc += wt[static_cast<size_t>(o * fi + i)] * in.v[static_cast<size_t>(i)];
        out.v.push_back(acc);
      }
    } else if (type == "softmax") {
      return in.v;
    }
    outputs[name] = out;
    prev = name;
  }
  return {};
}

}  // namespace

TEST_CASE("mixed layer list: both backends match a plain evaluation of the layers", "[nn]") {
  Net n;
  n.conv("c0", 2, 6, 5, 1, 2, 1, true);  // two-channel input: transposed to channels-last
  n.bn("c0_bn", 6);
  n.simple("c0_relu6", "relu6");
  n.conv("grouped", 6, 9, 3, 2, 1, 3, false);  // groups = 3: neither dense nor depthwise
  n.simple("grouped_relu", "relu");
  n.conv("dw", 9, 9, 3, 1, 1, 9, true);  // 9 channels: padded to 12 in the SIMD layout
  n.bn("dw_bn", 9);
  n.conv("pw", 9, 12, 1, 1, 0, 1, true);  // 12 output columns: one panel of 8 and one of 4
  n.simple("pw_relu", "relu");            // pw is also read by "sum": this relu cannot fuse
  n.simple("sum", "add", {"pw", "pw_relu"});
  n.bn("sum_bn", 12);                     // follows an add: cannot fold, stays a per-channel affine
  n.simple("sum_relu", "relu");
  n.conv("stem2", 12, 7, 4, 3, 0, 1, true);  // dense conv, stride 3, no padding
  n.simple("pool", "global_avg_pool");
  n.dense("fc1", 7, 10);
  n.simple("fc1_relu", "relu");
  n.dense("fc2", 10, 3);
  n.simple("prob", "softmax");
  const int channels = 2, length = 37;
  json meta = n.meta(channels, length, 3, "sum_relu");
  const std::string text = meta.dump();
  Model model = Model::load(text, std::span(reinterpret_cast<const uint8_t*>(n.w.data()), n.w.size() * 4));
  CHECK(model.info().parameters == n.params);

  const size_t beats = 7;
  std::vector<float> x(beats * channels * length);
  std::mt19937 rng(3);
  std::normal_distribution<float> d(0.0f, 1.0f);
  for (float& v : x) v = d(rng);

  const Shape cam = model.layer_shape("sum_relu");
  for (Backend kind : {Backend::Simd, Backend::Xnnpack}) {
    if (!backend_available(kind)) continue;
    INFO("backend " << backend_name(kind));
    Engine engine(model, kind, 3);
    std::vector<float> probs(beats * 3), logits(beats * 3), captured(beats * cam.size());
    engine.run(x.data(), beats, probs.data(), logits.data(), "sum_relu", captured.data());
    for (size_t b = 0; b < beats; ++b) {
      std::map<std::string, T> outs;
      std::vector<double> want = evaluate(meta, n.w, &x[b * channels * length], outs);
      REQUIRE(want.size() == 3);
      for (size_t k = 0; k < 3; ++k) CHECK(logits[b * 3 + k] == Approx(want[k]).margin(1e-4));
      const T& ref = outs["sum_relu"];
      REQUIRE(static_cast<size_t>(ref.c * ref.l) == cam.size());
      for (size_t i = 0; i < cam.size(); ++i) CHECK(captured[b * cam.size() + i] == Approx(ref.v[i]).margin(1e-4));
      double top = *std::max_element(want.begin(), want.end()), sum = 0;
      for (double v : want) sum += std::exp(v - top);
      for (size_t k = 0; k < 3; ++k) CHECK(probs[b * 3 + k] == Approx(std::exp(want[k] - top) / sum).margin(1e-5));
    }
  }
}
