#pragma once
// An ArrhythmiNet model file (models/FORMAT.md): metadata JSON + float32 weights, validated strictly and
// turned into a Graph at load. Errors are av::Error with code "model_invalid" (or "model_file_unreadable").
// The reserved layer-input name "context" (kContextInput) is a context model's feature vector.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/label_rules.h"
#include "nn/graph.h"

namespace av {
class JsonValue;
}

namespace av::nn {

inline constexpr const char* kContextInput = "context";  // the name layers use in "inputs" for the context vector
inline constexpr int kMaxInputChannels = 2;
inline constexpr int kMaxContextFeatures = 64;

struct ModelInfo {
  std::string name;
  std::string version;
  std::vector<std::string> classes;
  double sampleRate = 0;
  int windowBefore = 0;       // samples before the R peak
  int windowAfter = 0;        // samples after it
  int windowLength = 0;       // before + after: the R peak sits at index windowBefore
  int inputChannels = 1;      // 1, or 2 for the context models (channel 1: the beat minus the patient's template)
  // A context model's second input (input.context): contextFeatures floats per beat, in the order of contextNames
  // (names chosen by the training, e.g. "logPreLocal"; the pipeline computes them). 0 and empty for single-beat models.
  int contextFeatures = 0;
  std::vector<std::string> contextNames;
  double templateMinPreLocal = 0;  // input.context.templateMinPreLocal (dsp::BeatWindowSpec); 0: every beat joins the template
  double stdFloor = 0.01;     // normalization: (x - mean) / max(std, stdFloor)
  long long parameters = 0;   // Keras count, checked against the architecture
  long long flops = 0;        // multiply-adds x 2 per beat, computed from the architecture
  std::string gradcamLayer;   // empty if the metadata names none
  std::vector<float> background;  // explain.background: backgroundCount windows of windowLength floats
  int backgroundCount = 0;
  std::vector<float> backgroundContext;  // explain.backgroundContext: contextFeatures floats, or empty
  LabelRules labelRules;  // context models: what the pipeline does with the network's label (core/label_rules.h)
};

// The weights of the final dense layer (the one whose output feeds softmax), for Grad-CAM.
struct DenseHead {
  int inFeatures = 0;
  int outFeatures = 0;
  std::vector<float> weight;  // [out][in]
  std::vector<float> bias;    // [out]
};

class Model {
 public:
  // Parses and validates; weights are the bytes of the .bin file named in the metadata.
  static Model load(std::string_view json, std::span<const uint8_t> weights);
  // Native helper: reads NAME.json and the weights file it names (relative to the JSON's folder).
  static Model load_file(const std::string& jsonPath);

  const ModelInfo& info() const { return *info_; }
  const Graph& graph() const { return *graph_; }
  std::shared_ptr<const Graph> shared_graph() const { return graph_; }
  const DenseHead& head() const { return *head_; }
  // Shape [channels, length] of a layer's output per beat; throws model_layer_unknown if the layer's
  // exact output does not exist after fusion (e.g. a conv whose BatchNorm was folded into it).
  Shape layer_shape(const std::string& layer) const;
  int layer_value(const std::string& layer) const;

 private:
  static Model from_document(const JsonValue& doc, std::span<const uint8_t> weights);  // the parsed metadata

  std::shared_ptr<const ModelInfo> info_;
  std::shared_ptr<const Graph> graph_;
  std::shared_ptr<const DenseHead> head_;
};

}  // namespace av::nn
