#include "gradcam_from_json.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "explain/gradcam_tail.h"

namespace av::explain {

namespace {

using json = nlohmann::json;

[[noreturn]] void invalid(const std::string& what) { throw Error("model_invalid", what); }

int int_field(const json& layer, const char* key, int fallback = -1) {
  auto it = layer.find(key);
  if (it == layer.end() || !it->is_number_integer()) {
    if (fallback >= 0) return fallback;
    invalid("layer '" + layer.value("name", std::string("?")) + "' lacks integer field '" + key + "'");
  }
  const long long v = it->get<long long>();
  if (v < 0 || v > (1 << 24)) invalid(std::string("field '") + key + "' out of range");
  return static_cast<int>(v);
}

// A parameter tensor, found as layer["params"][name] or layer[name] ({"offset", "shape"}).
std::vector<float> param(const json& layer, const char* name, size_t expected, const float* w, size_t count,
                         bool optional = false) {
  const json* p = nullptr;
  if (auto ps = layer.find("params"); ps != layer.end() && ps->is_object() && ps->contains(name)) p = &(*ps)[name];
  else if (layer.contains(name) && layer[name].is_object()) p = &layer[name];
  if (!p) {
    if (optional) return {};
    invalid("layer '" + layer.value("name", std::string("?")) + "' lacks parameter '" + name + "'");
  }
  const auto off = p->value("offset", static_cast<long long>(-1));
  size_t n = 1;
  if (p->contains("shape") && (*p)["shape"].is_array())
    for (const auto& d : (*p)["shape"]) n *= d.is_number_integer() ? d.get<size_t>() : 0;
  if (off < 0 || n != expected || static_cast<size_t>(off) > count || expected > count - static_cast<size_t>(off))
    invalid("parameter '" + std::string(name) + "' of layer '" + layer.value("name", std::string("?")) +
            "' has a bad offset or shape");
  return std::vector<float>(w + off, w + off + static_cast<long long>(expected));
}

struct Shape {
  int c = 0, l = 0;  // l == 0 marks a flat vector of c features
  double offset = 0.0, jump = 1.0;  // receptive-field centre of position 0, and step, in input samples
};

}  // namespace

GradcamHead gradcam_head_from_json(const json& meta, const float* weights, size_t count, const std::string& layer) {
  std::string layer_;
  int length_ = 0, window_ = 0;
  double offset_ = 0.0, jump_ = 1.0;
  if (!meta.is_object() || !meta.contains("architecture") || !meta["architecture"].is_array())
    invalid("model metadata has no architecture list");
  layer_ = layer;
  if (layer_.empty()) {
    const json* ex = meta.contains("explain") ? &meta["explain"] : nullptr;
    if (!ex || !ex->is_object() || !ex->contains("gradcamLayer") || !(*ex)["gradcamLayer"].is_string())
      invalid("model metadata has no explain.gradcamLayer");
    layer_ = (*ex)["gradcamLayer"].get<std::string>();
  }
  const json& input = meta.value("input", json::object());
  Shape shape{input.value("channels", 1), input.value("length", 0), 0.0, 1.0};
  if (shape.l <= 0 || shape.c <= 0 || shape.l > (1 << 20)) invalid("model input shape is missing or invalid");
  window_ = shape.l;
  int contextFeatures = 0;
  if (auto ctx = input.find("context"); ctx != input.end()) {
    if (!ctx->is_object()) invalid("input.context must be an object");
    contextFeatures = int_field(*ctx, "features");
  }

  std::map<std::string, Shape> shapes;
  if (contextFeatures > 0) shapes["context"] = Shape{contextFeatures, 0, 0.0, 1.0};
  std::map<std::string, int> node;  // tail node index by layer name
  auto tail = std::make_unique<GradcamHead::Tail>();
  std::string previous;
  bool captured = false, done = false;
  for (const json& L : meta["architecture"]) {
    if (done) break;
    if (!L.is_object() || !L.contains("name") || !L["name"].is_string() || !L.contains("type") ||
        !L["type"].is_string())
      invalid("layer without a name or a type");
    const std::string name = L["name"], type = L["type"];
    std::vector<std::string> inputs;
    if (L.contains("inputs") && L["inputs"].is_array())
      for (const auto& s : L["inputs"]) inputs.push_back(s.is_string() ? s.get<std::string>() : std::string());
    else if (!previous.empty())
      inputs.push_back(previous);
    Shape in = shape;
    if (!inputs.empty()) {
      auto it = shapes.find(inputs[0]);
      if (it == shapes.end()) invalid("layer '" + name + "' names an unknown input");
      in = it->second;
    }
    Shape out = in;
    GradcamHead::Tail::Op op;
    op.type = type;
    if (type == "conv1d") {
      op.inC = int_field(L, "inChannels");
      op.c = int_field(L, "outChannels");
      op.k = int_field(L, "kernel");
      op.stride = std::max(1, int_field(L, "stride", 1));
      op.pad = int_field(L, "padding", 0);
      op.groups = std::max(1, int_field(L, "groups", 1));
      if (op.inC != in.c || in.l == 0 || op.k < 1 || op.inC % op.groups || op.c % op.groups)
        invalid("conv1d layer '" + name + "' does not fit its input");
      const int len = (in.l + 2 * op.pad - op.k) / op.stride + 1;
      if (len < 1) invalid("conv1d layer '" + name + "' leaves no output");
      out = Shape{op.c, len, in.offset + ((op.k - 1) / 2.0 - op.pad) * in.jump, in.jump * op.stride};
      if (captured) {
        op.w = param(L, "weight", static_cast<size_t>(op.c) * (op.inC / op.groups) * op.k, weights, count);
        op.b = param(L, "bias", static_cast<size_t>(op.c), weights, count, true);
      }
    } else if (type == "batchnorm") {
      if (captured) {
        const auto n = static_cast<size_t>(in.c);
        auto g = param(L, "gamma", n, weights, count), b = param(L, "beta", n, weights, count),
             m = param(L, "mean", n, weights, count), v = param(L, "var", n, weights, count);
        const double eps = L.value("epsilon", 1e-5);
        op.w.resize(n);
        op.b.resize(n);
        for (size_t i = 0; i < n; ++i) {
          const double s = g[i] / std::sqrt(static_cast<double>(v[i]) + eps);
          op.w[i] = static_cast<float>(s);
          op.b[i] = static_cast<float>(b[i] - m[i] * s);
        }
      }
    } else if (type == "global_avg_pool") {
      if (in.l == 0) invalid("global_avg_pool on a vector");
      out.l = 0;
    } else if (type == "dense") {
      op.inC = int_field(L, "inFeatures");
      op.c = int_field(L, "outFeatures");
      if (in.l != 0 || op.inC != in.c) invalid("dense layer '" + name + "' does not fit its input");
      out = Shape{op.c, 0, 0.0, 1.0};
      if (captured) {
        op.w = param(L, "weight", static_cast<size_t>(op.c) * op.inC, weights, count);
        op.b = param(L, "bias", static_cast<size_t>(op.c), weights, count);
      }
    } else if (type == "add") {
      if (inputs.size() != 2) invalid("add layer '" + name + "' needs two inputs");
      auto it = shapes.find(inputs[1]);
      if (it == shapes.end() || it->second.c != in.c || it->second.l != in.l)
        invalid("add layer '" + name + "' has inputs of different shapes");
    } else if (type == "softmax") {
      done = true;  // logits are its input
      break;
    } else if (type != "relu" && type != "relu6") {
      invalid("unknown layer type '" + type + "'");
    }
    op.c = out.c;
    op.l = out.l;
    if (captured) {
      for (const auto& s : inputs) {
        if (s == "context" && contextFeatures > 0) {  // the beat's context vector: a leaf of the tape
          op.in.push_back(tail->context_node(contextFeatures));
          continue;
        }
        auto it = node.find(s);
        if (it == node.end())
          throw Error("explain_unsupported", "layer '" + name + "' after the Grad-CAM layer '" + layer_ +
                                                 "' reads a layer before it");
        op.in.push_back(it->second);
      }
      tail->ops.push_back(std::move(op));
      node[name] = static_cast<int>(tail->ops.size());
    }
    if (name == layer_) {
      if (out.l == 0) invalid("Grad-CAM layer '" + layer_ + "' is not a feature map");
      captured = true;
      node[name] = 0;
      tail->c0 = out.c;
      tail->l0 = length_ = out.l;
      offset_ = out.offset;
      jump_ = out.jump;
    }
    shapes[name] = out;
    shape = out;
    previous = name;
  }
  if (!captured) invalid("Grad-CAM layer '" + layer_ + "' is not in the architecture");
  if (tail->ops.empty() || tail->ops.back().l != 0)
    invalid("the network after the Grad-CAM layer does not end in a vector of logits");
  const GradcamHead::Geometry geometry{tail->c0, length_, window_, offset_, jump_};
  return GradcamHead(std::move(*tail), layer_, geometry);
}


}  // namespace av::explain
