#include "explain/gradcam.h"

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

GradcamHead::GradcamHead(const json& meta, const float* weights, size_t count, const std::string& layer) {
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
  auto tail = std::make_unique<Tail>();
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
    Tail::Op op;
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
      tail->c0 = channels_ = out.c;
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
  classes_ = tail->ops.back().c;
  tail_ = tail.release();
}

GradcamHead::~GradcamHead() { delete tail_; }
GradcamHead::GradcamHead(GradcamHead&& o) noexcept { *this = std::move(o); }
GradcamHead& GradcamHead::operator=(GradcamHead&& o) noexcept {
  if (this != &o) {
    delete tail_;
    tail_ = o.tail_;
    o.tail_ = nullptr;
    layer_ = std::move(o.layer_);
    channels_ = o.channels_, length_ = o.length_, window_ = o.window_, classes_ = o.classes_;
    offset_ = o.offset_, jump_ = o.jump_;
  }
  return *this;
}

int GradcamHead::contextFeatures() const { return tail_ ? tail_->contextFeatures : 0; }

std::vector<std::vector<double>> GradcamHead::forward(const float* features, const float* context,
                                                      std::vector<std::pair<int, int>>& shapeOf) const {
  if (!tail_) throw Error("explain_unsupported", "this Grad-CAM head has no tail");
  if (tail_->contextFeatures > 0 && !context)
    throw Error("model_context_required", "Grad-CAM of this model needs the beat's " +
                                              std::to_string(tail_->contextFeatures) + " context features");
  const auto& ops = tail_->ops;
  auto size = [](int c, int l) { return static_cast<size_t>(c) * static_cast<size_t>(std::max(l, 1)); };
  // Forward through the tail, keeping every node's value (a tiny tape).
  std::vector<std::vector<double>> x(ops.size() + 1);
  x[0].assign(features, features + size(tail_->c0, tail_->l0));
  shapeOf.assign(ops.size() + 1, {0, 0});
  shapeOf[0] = {tail_->c0, tail_->l0};
  for (size_t i = 0; i < ops.size(); ++i) {
    const auto& op = ops[i];
    shapeOf[i + 1] = {op.c, op.l};
    if (op.type == "context") {
      x[i + 1].assign(context, context + op.c);
      continue;
    }
    const auto& a = x[static_cast<size_t>(op.in[0])];
    const auto [ic, il] = shapeOf[static_cast<size_t>(op.in[0])];
    auto& y = x[i + 1];
    y.assign(size(op.c, op.l), 0.0);
    if (op.type == "conv1d") {
      const int inG = op.inC / op.groups, outG = op.c / op.groups;
      for (int o = 0; o < op.c; ++o) {
        const int g = o / outG;
        for (int t = 0; t < op.l; ++t) {
          double s = op.b.empty() ? 0.0 : op.b[static_cast<size_t>(o)];
          for (int j = 0; j < inG; ++j)
            for (int k = 0; k < op.k; ++k) {
              const int p = t * op.stride - op.pad + k;
              if (p < 0 || p >= il) continue;
              s += op.w[(static_cast<size_t>(o) * inG + j) * op.k + k] * a[static_cast<size_t>((g * inG + j) * il + p)];
            }
          y[static_cast<size_t>(o * op.l + t)] = s;
        }
      }
    } else if (op.type == "batchnorm") {
      const int len = std::max(il, 1);
      for (size_t j = 0; j < y.size(); ++j) y[j] = a[j] * op.w[j / len] + op.b[j / len];
    } else if (op.type == "relu") {
      for (size_t j = 0; j < y.size(); ++j) y[j] = std::max(a[j], 0.0);
    } else if (op.type == "relu6") {
      for (size_t j = 0; j < y.size(); ++j) y[j] = std::clamp(a[j], 0.0, 6.0);
    } else if (op.type == "add") {
      const auto& b = x[static_cast<size_t>(op.in[1])];
      for (size_t j = 0; j < y.size(); ++j) y[j] = a[j] + b[j];
    } else if (op.type == "global_avg_pool") {
      for (int c = 0; c < ic; ++c) {
        double s = 0.0;
        for (int t = 0; t < il; ++t) s += a[static_cast<size_t>(c * il + t)];
        y[static_cast<size_t>(c)] = s / il;
      }
    } else if (op.type == "dense") {
      for (int o = 0; o < op.c; ++o) {
        double s = op.b[static_cast<size_t>(o)];
        for (int j = 0; j < op.inC; ++j) s += op.w[static_cast<size_t>(o * op.inC + j)] * a[static_cast<size_t>(j)];
        y[static_cast<size_t>(o)] = s;
      }
    }
  }
  return x;
}

std::vector<double> GradcamHead::logits(const float* features, const float* context) const {
  std::vector<std::pair<int, int>> shapes;
  return forward(features, context, shapes).back();
}

GradcamHead::Cam GradcamHead::compute(const float* features, int classIndex, const float* context) const {
  if (!tail_ || classIndex < 0 || classIndex >= classes_)
    throw Error("explain_invalid_class", "class index " + std::to_string(classIndex) + " is out of range");
  std::vector<std::pair<int, int>> shapeOf;
  const std::vector<std::vector<double>> x = forward(features, context, shapeOf);
  const auto& ops = tail_->ops;
  // Backward: d logit_c / d node, node by node in reverse.
  std::vector<std::vector<double>> g(x.size());
  for (size_t i = 0; i < x.size(); ++i) g[i].assign(x[i].size(), 0.0);
  g.back()[static_cast<size_t>(classIndex)] = 1.0;
  for (size_t i = ops.size(); i-- > 0;) {
    const auto& op = ops[i];
    if (op.type == "context") continue;  // a leaf: its gradient is not needed
    const auto& gy = g[i + 1];
    const auto in0 = static_cast<size_t>(op.in[0]);
    const auto& a = x[in0];
    auto& ga = g[in0];
    const int il = shapeOf[in0].second;
    if (op.type == "conv1d") {
      const int inG = op.inC / op.groups, outG = op.c / op.groups;
      for (int o = 0; o < op.c; ++o) {
        const int gr = o / outG;
        for (int t = 0; t < op.l; ++t) {
          const double d = gy[static_cast<size_t>(o * op.l + t)];
          if (d == 0.0) continue;
          for (int j = 0; j < inG; ++j)
            for (int k = 0; k < op.k; ++k) {
              const int p = t * op.stride - op.pad + k;
              if (p < 0 || p >= il) continue;
              ga[static_cast<size_t>((gr * inG + j) * il + p)] +=
                  d * op.w[(static_cast<size_t>(o) * inG + j) * op.k + k];
            }
        }
      }
    } else if (op.type == "batchnorm") {
      const int len = std::max(il, 1);
      for (size_t j = 0; j < gy.size(); ++j) ga[j] += gy[j] * op.w[j / len];
    } else if (op.type == "relu") {
      for (size_t j = 0; j < gy.size(); ++j) ga[j] += a[j] > 0.0 ? gy[j] : 0.0;
    } else if (op.type == "relu6") {
      for (size_t j = 0; j < gy.size(); ++j) ga[j] += (a[j] > 0.0 && a[j] < 6.0) ? gy[j] : 0.0;
    } else if (op.type == "add") {
      auto& gb = g[static_cast<size_t>(op.in[1])];
      for (size_t j = 0; j < gy.size(); ++j) ga[j] += gy[j], gb[j] += gy[j];
    } else if (op.type == "global_avg_pool") {
      for (size_t j = 0; j < ga.size(); ++j) ga[j] += gy[j / static_cast<size_t>(il)] / il;
    } else if (op.type == "dense") {
      for (int o = 0; o < op.c; ++o)
        for (int j = 0; j < op.inC; ++j)
          ga[static_cast<size_t>(j)] += gy[static_cast<size_t>(o)] * op.w[static_cast<size_t>(o * op.inC + j)];
    }
  }
  Cam cam;
  cam.logits = x.back();
  const int C = channels_, Lp = length_;
  cam.weights.assign(static_cast<size_t>(C), 0.0);
  for (int c = 0; c < C; ++c) {
    double s = 0.0;
    for (int t = 0; t < Lp; ++t) s += g[0][static_cast<size_t>(c * Lp + t)];
    cam.weights[static_cast<size_t>(c)] = s / Lp;
  }
  cam.raw.assign(static_cast<size_t>(Lp), 0.0f);
  for (int t = 0; t < Lp; ++t) {
    double s = 0.0;
    for (int c = 0; c < C; ++c) s += cam.weights[static_cast<size_t>(c)] * features[static_cast<size_t>(c * Lp + t)];
    cam.raw[static_cast<size_t>(t)] = static_cast<float>(std::max(s, 0.0));
  }
  cam.values = upsample_to_window(cam.raw, offset_, jump_, window_);
  float mx = 0.0f;
  for (float v : cam.values) mx = std::max(mx, v);
  cam.maxActivation = mx;
  if (mx > 0.0f)
    for (float& v : cam.values) v /= mx;
  return cam;
}

std::vector<float> upsample_to_window(const std::vector<float>& map, double offset, double jump, int window) {
  std::vector<float> out(static_cast<size_t>(std::max(window, 0)), 0.0f);
  if (map.empty()) return out;
  const double last = static_cast<double>(map.size() - 1);
  for (int x = 0; x < window; ++x) {
    const double u = (x - offset) / jump;
    if (u <= 0.0) out[static_cast<size_t>(x)] = map.front();
    else if (u >= last) out[static_cast<size_t>(x)] = map.back();
    else {
      const auto i = static_cast<size_t>(u);
      const double f = u - static_cast<double>(i);
      out[static_cast<size_t>(x)] = static_cast<float>(map[i] * (1.0 - f) + map[i + 1] * f);
    }
  }
  return out;
}

}  // namespace av::explain
