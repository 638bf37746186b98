#pragma once
// Internal to src/explain: the network after the Grad-CAM layer as GradcamHead runs it (one beat, doubles).
#include <string>
#include <vector>

#include "explain/gradcam.h"

namespace av::explain {

struct GradcamHead::Tail {
  struct Op {
    // conv1d, batchnorm (folded: w = scale, b = shift), relu, relu6, add, global_avg_pool, dense, or context: the
    // beat's context vector (no inputs; compute() copies it in, and no gradient flows into it)
    std::string type;
    std::vector<int> in;  // node indices; node 0 is the captured feature map, node i+1 is ops[i]'s output
    int c = 0, l = 0;     // output shape (l == 0: vector)
    int inC = 0, k = 0, stride = 1, pad = 0, groups = 1;
    std::vector<float> w, b;
  };
  std::vector<Op> ops;
  int c0 = 0, l0 = 0;
  int contextFeatures = 0;  // F of the model's context input; > 0 only if a tail op reads it

  // The node of the context input, added to the tape the first time a tail op reads it.
  int context_node(int features) {
    for (size_t i = 0; i < ops.size(); ++i)
      if (ops[i].type == "context") return static_cast<int>(i) + 1;
    Op op;
    op.type = "context";
    op.c = features;
    op.l = 0;
    ops.push_back(std::move(op));
    contextFeatures = features;
    return static_cast<int>(ops.size());
  }
};

}  // namespace av::explain
