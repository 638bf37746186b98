#include "nn/engine.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace av::nn {

Engine::Engine(const Model& model, Backend kind, size_t maxBatch)
    : model_(model),
      kind_(kind),
      maxBatch_(std::clamp<size_t>(maxBatch, 1, 65536)),
      classes_(model.info().classes.size()),
      windowSize_(static_cast<size_t>(model.info().windowLength) * static_cast<size_t>(model.info().inputChannels)),
      contextSize_(static_cast<size_t>(model.info().contextFeatures)),
      impl_(make_backend(kind, model.shared_graph(), maxBatch_)),
      logits_(maxBatch_ * classes_) {}

Engine::~Engine() = default;

void Engine::run(const float* windows, size_t n, float* probs, float* logits) {
  run_value(windows, nullptr, n, probs, logits, -1, nullptr);
}

void Engine::run(const float* windows, size_t n, float* probs, float* logits, const std::string& captureLayer,
                 float* captured) {
  run(windows, nullptr, n, probs, logits, captureLayer, captured);
}

void Engine::run(const float* windows, const float* context, size_t n, float* probs, float* logits) {
  run_value(windows, context, n, probs, logits, -1, nullptr);
}

void Engine::run(const float* windows, const float* context, size_t n, float* probs, float* logits,
                 const std::string& captureLayer, float* captured) {
  int value = model_.layer_value(captureLayer);
  run_value(windows, context, n, probs, logits, captured ? value : -1, captured);
}

void Engine::run_value(const float* windows, const float* context, size_t n, float* probs, float* logits,
                       int capture, float* captured) {
  if (contextSize_ > 0 && !context && n > 0)
    throw Error("model_context_required", "model " + model_.info().name + " needs each beat's " +
                                              std::to_string(contextSize_) + " context features (input.context)");
  if (contextSize_ == 0) context = nullptr;
  const size_t captureSize = capture >= 0 ? model_.graph().values[static_cast<size_t>(capture)].size() : 0;
  for (size_t done = 0; done < n;) {
    const size_t count = std::min(maxBatch_, n - done);
    float* out = logits ? logits + done * classes_ : logits_.data();
    impl_->run(windows + done * windowSize_, context ? context + done * contextSize_ : nullptr, count, out, capture,
               captured ? captured + done * captureSize : nullptr);
    if (probs)
      for (size_t i = 0; i < count; ++i) softmax(out + i * classes_, classes_, probs + (done + i) * classes_);
    done += count;
  }
}

void softmax(const float* logits, size_t n, float* probs) {
  float top = logits[0];
  for (size_t i = 1; i < n; ++i) top = std::max(top, logits[i]);
  double sum = 0;
  for (size_t i = 0; i < n; ++i) sum += std::exp(static_cast<double>(logits[i] - top));
  for (size_t i = 0; i < n; ++i) probs[i] = static_cast<float>(std::exp(static_cast<double>(logits[i] - top)) / sum);
}

}  // namespace av::nn
