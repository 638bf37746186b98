#pragma once
// Internal to src/explain: the network after the Grad-CAM layer as GradcamHead runs it (one beat, doubles).
#include <string>
#include <vector>

#include "explain/gradcam.h"

namespace av::explain {

struct GradcamHead::Tail {
  struct Op {
    std::string type;     // conv1d, batchnorm (folded: w = scale, b = shift), relu, relu6, add, global_avg_pool, dense
    std::vector<int> in;  // node indices; node 0 is the captured feature map, node i+1 is ops[i]'s output
    int c = 0, l = 0;     // output shape (l == 0: vector)
    int inC = 0, k = 0, stride = 1, pad = 0, groups = 1;
    std::vector<float> w, b;
  };
  std::vector<Op> ops;
  int c0 = 0, l0 = 0;
};

}  // namespace av::explain
