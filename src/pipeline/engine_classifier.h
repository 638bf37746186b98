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
    return {info.windowBefore, info.windowAfter, static_cast<float>(info.stdFloor),
            static_cast<float>(info.templateMinPreLocal)};
  }
  int inputChannels() const override { return engine_.model().info().inputChannels; }
  std::vector<std::string> contextFeatures() const override { return engine_.model().info().contextNames; }
  LabelRules labelRules() const override { return engine_.model().info().labelRules; }
  void classify(const float* windows, size_t count, float* probabilities) override {
    engine_.run(windows, count, probabilities);
  }
  void classify(const float* windows, const float* context, size_t count, float* probabilities) override {
    engine_.run(windows, context, count, probabilities);
  }

 private:
  nn::Engine& engine_;
};

}  // namespace av::pipeline
