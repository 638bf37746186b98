#pragma once
// Grad-CAM for 1D CNNs described by a model file's layer list (models/FORMAT.md).
//
// The engine captures the feature maps A [C, L'] of the Grad-CAM layer; this class holds the rest of the
// network (the "tail": the Grad-CAM layer's successors up to the logits) and backpropagates the class logit
// through it exactly. With the usual tail (global_avg_pool -> dense) that gradient is W[c,k] / L'.
// A context model's head also reads the beat's context vector (the reserved input "context", models/FORMAT.md):
// pool -> head_wave + head_context(ctx) -> add -> ReLU -> dense, so that the gradient depends on the beat's
// context, W_dense[c,:] diag(relu'(h)) W_head_wave / L' with h = head_wave(pool) + head_context(ctx); compute()
// then needs that vector.
//
// Alignment convention: feature position t sits at the centre of its receptive field in input samples,
// centre(t) = offset + t * jump, where for every conv1d on the way from the input
//   offset += ((kernel - 1) / 2 - padding) * jump_in,  jump *= stride.
// The class activation map is interpolated linearly between those centres and held constant beyond the first
// and last centre (numpy.interp does the same, which the PyTorch reference uses).
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace av::nn {
struct Graph;
}

namespace av::explain {

class GradcamHead {
 public:
  // The network after the Grad-CAM layer (explain/gradcam_tail.h) and where that layer's positions sit.
  struct Tail;
  struct Geometry {
    int channels = 0, length = 0, window = 0;  // C and L' of the feature maps, input samples
    double offset = 0.0, jump = 1.0;           // receptive-field centre of position 0, and step
  };
  // From a tail built elsewhere (the tests' reading of a model file: tests/cpp/gradcam_from_json.h).
  GradcamHead(Tail&& tail, std::string layer, const Geometry& geometry);
  // From an engine's graph (BatchNorm already folded, activations fused): the tail is every op after the one
  // that produces `layer`. Defined in gradcam_graph.cpp.
  GradcamHead(const nn::Graph& graph, const std::string& layer);
  ~GradcamHead();
  GradcamHead(GradcamHead&&) noexcept;
  GradcamHead& operator=(GradcamHead&&) noexcept;

  const std::string& layer() const { return layer_; }
  int channels() const { return channels_; }          // C of the feature maps
  int featureLength() const { return length_; }        // L' of the feature maps
  int windowLength() const { return window_; }         // input samples
  int classes() const { return classes_; }
  int contextFeatures() const;                         // F if the tail reads the context input, else 0
  double centreOffset() const { return offset_; }
  double centreJump() const { return jump_; }

  struct Cam {
    std::vector<float> values;      // windowLength, in [0, 1]
    std::vector<float> raw;         // featureLength: ReLU(sum_k alpha_k A_k) before upsampling and scaling
    std::vector<double> weights;    // alpha_k, channel-averaged gradients
    std::vector<double> logits;     // logits recomputed from A through the tail
    double maxActivation = 0.0;     // max of raw (the scale divided out)
  };
  // features: C * L' floats, channel-major (the layer's output for one beat). classIndex < classes().
  // context: the beat's contextFeatures() floats; required (else av::Error("model_context_required")) when
  // contextFeatures() > 0, ignored otherwise.
  Cam compute(const float* features, int classIndex, const float* context = nullptr) const;
  // The logits from the features through the tail alone (the network's logits for the beat they came from,
  // computed in double); the same context rule as compute().
  std::vector<double> logits(const float* features, const float* context = nullptr) const;

 private:
  std::vector<std::vector<double>> forward(const float* features, const float* context,
                                           std::vector<std::pair<int, int>>& shapes) const;
  Tail* tail_ = nullptr;
  std::string layer_;
  int channels_ = 0, length_ = 0, window_ = 0, classes_ = 0;
  double offset_ = 0.0, jump_ = 1.0;
};

// Linear interpolation of a map over feature positions onto window samples, with the convention above.
std::vector<float> upsample_to_window(const std::vector<float>& map, double offset, double jump, int window);

}  // namespace av::explain
