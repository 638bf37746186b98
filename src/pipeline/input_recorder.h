#pragma once
// A Classifier that keeps a copy of the model inputs of every beat it is given, in beat order, and passes
// them on to another classifier (or, without one, labels every beat N with probability 0.2 each: an input
// export). The training export (tools/av-export-beats) and the explanations use it, so that both see exactly
// the inputs the analysis computed.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "dsp/beat_context.h"
#include "pipeline/analyze.h"

namespace av::pipeline {

class InputRecorder : public Classifier {
 public:
  // Records the inputs of `inner` (its channels and context features).
  explicit InputRecorder(Classifier& inner)
      : inner_(&inner), spec_(inner.windowSpec()), channels_(inner.inputChannels()), features_(inner.contextFeatures()) {}
  // Records `channels` channels and the named features (default: all of dsp::kContextFeatureNames) of windows
  // cut as `spec` says, classifies nothing.
  explicit InputRecorder(int channels, std::vector<std::string> features = {dsp::kContextFeatureNames.begin(),
                                                                           dsp::kContextFeatureNames.end()},
                         dsp::BeatWindowSpec spec = {})
      : spec_(spec), channels_(channels), features_(std::move(features)) {}

  std::vector<float> windows;  // beats x channels x window length
  std::vector<float> context;  // beats x contextFeatures().size()

  std::string name() const override { return inner_ ? inner_->name() : "input-recorder"; }
  int64_t parameters() const override { return inner_ ? inner_->parameters() : 0; }
  dsp::BeatWindowSpec windowSpec() const override { return spec_; }
  int inputChannels() const override { return channels_; }
  std::vector<std::string> contextFeatures() const override { return features_; }
  LabelRules labelRules() const override { return inner_ ? inner_->labelRules() : LabelRules{}; }
  void classify(const float* w, size_t count, float* probabilities) override { classify(w, nullptr, count, probabilities); }
  void classify(const float* w, const float* c, size_t count, float* probabilities) override {
    windows.insert(windows.end(), w, w + count * static_cast<size_t>(channels_ * spec_.length()));
    if (c) context.insert(context.end(), c, c + count * features_.size());
    if (!inner_) std::fill_n(probabilities, count * 5, 0.2f);
    else if (c) inner_->classify(w, c, count, probabilities);
    else inner_->classify(w, count, probabilities);
  }

 private:
  Classifier* inner_ = nullptr;
  dsp::BeatWindowSpec spec_;
  int channels_ = 1;
  std::vector<std::string> features_;
};

}  // namespace av::pipeline
