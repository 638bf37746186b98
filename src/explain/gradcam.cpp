#include "explain/gradcam.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "core/error.h"
#include "explain/gradcam_tail.h"

namespace av::explain {

GradcamHead::GradcamHead(Tail&& tail, std::string layer, const Geometry& g)
    : tail_(new Tail(std::move(tail))), layer_(std::move(layer)), channels_(g.channels), length_(g.length),
      window_(g.window), offset_(g.offset), jump_(g.jump) {
  if (tail_->ops.empty() || tail_->ops.back().l != 0)
    throw Error("model_invalid", "the network after the Grad-CAM layer does not end in a vector of logits");
  tail_->c0 = channels_;
  tail_->l0 = length_;
  classes_ = tail_->ops.back().c;
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
