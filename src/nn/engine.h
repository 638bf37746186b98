#pragma once
// Batched inference over beat windows. Buffers are allocated once, for maxBatch beats; run() allocates nothing.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "nn/backend.h"
#include "nn/model.h"

namespace av::nn {

class Engine {
 public:
  explicit Engine(const Model& model, Backend kind = default_backend(), size_t maxBatch = 256);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // windows: n x window_size() floats (NCW per beat, normalized as the model says). Writes n x classes
  // probabilities (softmax) to probs and, if given, the logits. Any n; runs in chunks of maxBatch.
  // A context model (context_features() > 0) needs the overloads with `context`: these throw
  // av::Error("model_context_required") for it.
  void run(const float* windows, size_t n, float* probs, float* logits = nullptr);
  // Same, and also copies the output of `captureLayer` (n x [C][L], see capture_shape) to captured.
  void run(const float* windows, size_t n, float* probs, float* logits, const std::string& captureLayer,
           float* captured);
  // With each beat's context vector: context holds n x context_features() floats (the order of
  // model().info().contextNames). It may be nullptr only when the model has no context input (then these are
  // the calls above).
  void run(const float* windows, const float* context, size_t n, float* probs, float* logits = nullptr);
  void run(const float* windows, const float* context, size_t n, float* probs, float* logits,
           const std::string& captureLayer, float* captured);

  Shape capture_shape(const std::string& layer) const { return model_.layer_shape(layer); }
  const Model& model() const { return model_; }
  Backend backend() const { return kind_; }
  size_t classes() const { return classes_; }
  size_t window_size() const { return windowSize_; }  // floats per beat: channels x windowLength
  size_t context_features() const { return contextSize_; }  // F: context floats per beat (0: single-beat model)
  size_t max_batch() const { return maxBatch_; }

 private:
  void run_value(const float* windows, const float* context, size_t n, float* probs, float* logits, int capture,
                 float* captured);

  Model model_;  // shares the graph with the caller's Model: cheap copy, keeps it alive
  Backend kind_;
  size_t maxBatch_;
  size_t classes_;
  size_t windowSize_;
  size_t contextSize_;
  std::unique_ptr<BackendImpl> impl_;
  std::vector<float> logits_;  // maxBatch x classes, when the caller wants no logits
};

// Numerically stable softmax of one row.
void softmax(const float* logits, size_t n, float* probs);

}  // namespace av::nn
