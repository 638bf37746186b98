#pragma once
// The pipeline's Classifier over the inference engine: identity and window from the model file, batched run.
#include "nn/engine.h"
#include "pipeline/analyze.h"

namespace av::pipeline {

class EngineClassifier : public Classifier {
 public:
  explicit EngineClassifier(nn::Engine& engine) : engine_(engine) {}
  std::string name() const override { return engine_.model().info().name; }
  int64_t parameters() const override { return engine_.model().info().parameters; }
  dsp::BeatWindowSpec windowSpec() const override {
    const auto& info = engine_.model().info();
    return {info.windowBefore, info.windowAfter, static_cast<float>(info.stdFloor)};
  }
  void classify(const float* windows, size_t count, float* probabilities) override {
    engine_.run(windows, count, probabilities);
  }

 private:
  nn::Engine& engine_;
};

}  // namespace av::pipeline
