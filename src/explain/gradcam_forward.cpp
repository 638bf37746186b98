// The forward pass of the network after the Grad-CAM layer (GradcamHead::forward and logits). Its own file because
// it is hot: exact SHAP of a context model evaluates it once per coalition, so the WASM build compiles this file
// at -O3 (CMakeLists.txt AV_WASM_HOT_SOURCES) and the rest of gradcam.cpp for size.
#include <algorithm>
#include <string>

#include "core/error.h"
#include "explain/gradcam.h"
#include "explain/gradcam_tail.h"

namespace av::explain {

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
  x[0].resize(size(tail_->c0, tail_->l0));
  for (size_t j = 0; j < x[0].size(); ++j) x[0][j] = features[j];  // a loop: no float-to-double assign instantiation
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

}  // namespace av::explain
