#pragma once
// Local explanations of one beat window (Grad-CAM, SHAP) on top of the inference engine, and the JSON shape
// the JS API returns (src/js/index.d.ts Explanation): {method, label, classIndex, values, ...}.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/json_value.h"
#include "explain/context_players.h"
#include "explain/gradcam.h"
#include "explain/shapley.h"

namespace av::nn {
class Engine;
}

namespace av::explain {

enum class Method { Gradcam, Shap };

// |f(beat) - f(baseline)| below this (probability of the explained class) is flagged as negligible: there is
// nothing worth attributing, and the attributions are rounding noise.
inline constexpr double kNegligibleDelta = 1e-3;

struct Options {
  Method method = Method::Gradcam;
  int classIndex = -1;            // -1: the class the model predicts for the beat
  int segments = 12;              // SHAP: M contiguous segments; exact up to 16, KernelSHAP above
  std::string baseline = "median-normal";  // SHAP: "median-normal" | "background"
  size_t kernelSamples = kDefaultKernelSamples;  // KernelSHAP coalitions (M > 16)
  uint64_t seed = 1;                             // KernelSHAP sampling seed
};

struct Explanation {
  std::string method;  // "gradcam" | "shap"
  std::string label;
  int classIndex = 0;
  std::vector<float> values;         // windowLength, aligned with the beat window
  std::vector<float> probabilities;  // the model's output for the beat
  std::vector<float> window;         // the beat window explained (z-scored, windowLength; channel 0 of a 2-channel input)
  std::vector<float> context;        // context models: the beat's context features, held fixed (empty otherwise)
  // Grad-CAM
  std::string layer;
  // SHAP
  std::vector<Segment> segments;
  // Context models with a baseline context: the context features as players beside the segments
  // (context_players.h). The segment values plus these sum to outputValue - baseValue.
  std::vector<ContextPlayer> contextPlayers;
  std::vector<float> baselineContext;  // the baseline's context features (with contextPlayers)
  double baseValue = 0.0, outputValue = 0.0;
  bool negligible = false;  // |outputValue - baseValue| < kNegligibleDelta
  std::string baseline;   // "median-normal" | "background"
  std::vector<float> baselineWindow;  // the baseline itself (windowLength; channel 0 of a 2-channel input)
  std::string estimator;  // "exact" | "kernel"
  size_t evaluations = 0;
  size_t samples = 0;     // KernelSHAP only
  uint64_t seed = 0;      // KernelSHAP only
};

// Parses {method, segments, baseline, classIndex|label, samples, seed} (all optional) as the JS API passes
// them. Throws av::Error("explain_invalid_option").
Options parse_options(const JsonValue& options, const std::vector<std::string>& classes);

// values as a plain array; the JS side turns it into a Float32Array. SHAP adds contextPlayers
// ([{name, features: [names], value, beatValues, baselineValues}]) when there are any, and negligible: true when set.
std::string to_json_string(const Explanation& e);
nlohmann::ordered_json to_json(const Explanation& e);  // the same, parsed

// Context models (models/FORMAT.md: input.channels 2 and input.context): a beat is its window of windowSize()
// floats (channels x windowLength, NCW) plus its contextFeatures() context floats. Every entry point takes the
// context as an optional last argument: nullptr for single-beat models, required (else
// av::Error("model_context_required")) for context models. SHAP perturbs time segments of every channel of the
// window against the baseline; given a baseline context too, the context features are players beside the
// segments (grouped as context_players.h says), else the beat's context is held fixed.
class Explainer {
 public:
  // The engine must outlive the explainer. Uses the model's explain.gradcamLayer and explain.backgroundContext
  // (nn::ModelInfo).
  explicit Explainer(nn::Engine& engine);

  nn::Engine& engine() { return engine_; }
  const GradcamHead& head() const { return head_; }
  int windowLength() const { return window_; }        // samples per channel: the length of values
  int windowSize() const { return windowSize_; }      // floats per beat window: channels x windowLength
  int contextFeatures() const { return contextFeatures_; }  // F, 0 for single-beat models
  const std::vector<std::string>& classes() const { return classes_; }
  // Mean of the model's explain.background windows (windowSize floats; empty if the model ships none).
  const std::vector<float>& background() const { return background_; }
  // The model's typical context vector (contextFeatures() floats; empty if it ships none).
  const std::vector<float>& backgroundContext() const { return backgroundContext_; }
  // The SHAP players of the context features (empty for single-beat models).
  const std::vector<ContextPlayer>& contextPlayers() const { return contextPlayers_; }

  Explanation gradcam(const float* window, int classIndex = -1, const float* context = nullptr);
  // Grad-CAM of n windows at once (one engine call per maxBatch). classes: n entries, -1 = predicted.
  // contexts: n x contextFeatures() floats.
  std::vector<Explanation> gradcam_batch(const float* windows, size_t n, const int* classes,
                                         const float* contexts = nullptr);

  // SHAP of `window` against `baseline` (windowSize floats) in probability space of the class. Players: the
  // options.segments time segments, then (context and baselineContext given) the context players; exact up to
  // kMaxExactSegments players in all, KernelSHAP above (at most 32).
  Explanation shap(const float* window, const float* baseline, const std::string& baselineName,
                   const Options& options, const float* context = nullptr, const float* baselineContext = nullptr);

  // Class probabilities of n windows (contexts: n x contextFeatures() floats).
  std::vector<float> probabilities(const float* windows, size_t n, const float* contexts = nullptr);

 private:
  nn::Engine& engine_;
  GradcamHead head_;
  int window_ = 0;
  int windowSize_ = 0;
  int contextFeatures_ = 0;
  std::vector<std::string> classes_;
  std::vector<float> background_, backgroundContext_;
  std::vector<ContextPlayer> contextPlayers_;
  std::vector<float> mixed_, probs_, captured_, logits_, contexts_;
};

// Per-sample median of the windows with the given indices (n x length, row-major). Empty if idx is empty.
std::vector<float> median_window(const float* windows, size_t length, const std::vector<size_t>& idx);

}  // namespace av::explain
