#pragma once
// The network as the backends see it: a flat list of operations over numbered values, built from the
// model's layer list with BatchNorm folded into convolutions and activations fused where that is exact.
#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace av::nn {

enum class Activation { None, Relu, Relu6 };

// A per-beat tensor [channels, length]; `flat` marks a vector [channels] (after global_avg_pool or dense).
struct Shape {
  int channels = 0;
  int length = 1;
  bool flat = false;
  size_t size() const { return static_cast<size_t>(channels) * static_cast<size_t>(length); }
};

enum class OpKind {
  Conv,           // conv1d (+ folded BatchNorm) (+ activation)
  Dense,          // fully connected (+ activation)
  Add,            // elementwise sum of two values (+ activation)
  Activate,       // relu / relu6 that could not be fused
  Affine,         // per-channel scale and shift: a BatchNorm that could not be folded (+ activation)
  GlobalAvgPool,  // [C, L] -> [C]
};

struct Op {
  OpKind kind = OpKind::Conv;
  std::string name;  // layer whose value this op produces (the last layer of a fused group)
  int input = -1;
  int input2 = -1;  // Add only
  int output = -1;
  Activation act = Activation::None;
  // Conv: weight [out][in/groups][kernel] (PyTorch layout), bias [out].
  // Dense: weight [out][in], bias [out].  Affine: weight = scale [C], bias = shift [C].
  int inChannels = 0, outChannels = 0, kernel = 1, stride = 1, padding = 0, groups = 1;
  std::vector<float> weight;
  std::vector<float> bias;
};

struct Graph {
  // Value 0 is the input window [inputChannels, windowLength]. A context model's second input, the flat vector of
  // its F context features, is value 1 (`context`); layers name it "context" in their "inputs". Neither input is
  // produced by an op: the backends fill them from run()'s arguments.
  std::vector<Shape> values;
  std::vector<Op> ops;             // in execution order; op i produces value ops[i].output
  int logits = -1;                 // the value fed to softmax
  int context = -1;                // the context input [F] (flat), -1 if the model has none (F == 0)
  std::map<std::string, int> named;  // layer name -> value, for layers whose exact output exists
  std::vector<int> lastUse;        // value -> index of the last op reading it (-1: never read)
};

}  // namespace av::nn
