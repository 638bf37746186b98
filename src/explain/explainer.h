#pragma once
// Local explanations of one beat window (Grad-CAM, SHAP) on top of the inference engine, and the JSON shape
// the JS API returns (DESIGN 2.2): {method, label, classIndex, values, ...}.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "explain/gradcam.h"
#include "explain/shapley.h"

namespace av::nn {
class Engine;
}

namespace av::explain {

enum class Method { Gradcam, Shap };

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
  std::vector<float> window;         // the beat window explained (z-scored, windowLength)
  // Grad-CAM
  std::string layer;
  // SHAP
  std::vector<Segment> segments;
  double baseValue = 0.0, outputValue = 0.0;
  std::string baseline;   // "median-normal" | "background"
  std::vector<float> baselineWindow;  // the baseline itself (windowLength)
  std::string estimator;  // "exact" | "kernel"
  size_t evaluations = 0;
  size_t samples = 0;     // KernelSHAP only
  uint64_t seed = 0;      // KernelSHAP only
};

// Parses {method, segments, baseline, classIndex|label, samples, seed} (all optional) as the JS API passes
// them. Throws av::Error("explain_invalid_option").
Options parse_options(const nlohmann::json& options, const std::vector<std::string>& classes);

// values as a plain array; the JS side turns it into a Float32Array.
nlohmann::ordered_json to_json(const Explanation& e);

class Explainer {
 public:
  // The engine must outlive the explainer. Uses the model's explain.gradcamLayer.
  explicit Explainer(nn::Engine& engine);

  nn::Engine& engine() { return engine_; }
  const GradcamHead& head() const { return head_; }
  int windowLength() const { return window_; }
  const std::vector<std::string>& classes() const { return classes_; }
  // Mean of the model's explain.background windows (empty if the model ships none).
  const std::vector<float>& background() const { return background_; }

  Explanation gradcam(const float* window, int classIndex = -1);
  // Grad-CAM of n windows at once (one engine call per maxBatch). classes: n entries, -1 = predicted.
  std::vector<Explanation> gradcam_batch(const float* windows, size_t n, const int* classes);

  // SHAP of `window` against `baseline` (windowLength floats) in probability space of the class.
  Explanation shap(const float* window, const float* baseline, const std::string& baselineName,
                   const Options& options);

  // Class probabilities of n windows.
  std::vector<float> probabilities(const float* windows, size_t n);

 private:
  nn::Engine& engine_;
  GradcamHead head_;
  int window_ = 0;
  std::vector<std::string> classes_;
  std::vector<float> background_;
  std::vector<float> mixed_, probs_, captured_, logits_;
};

// Per-sample median of the windows with the given indices (n x length, row-major). Empty if idx is empty.
std::vector<float> median_window(const float* windows, size_t length, const std::vector<size_t>& idx);

}  // namespace av::explain
