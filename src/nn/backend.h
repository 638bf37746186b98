#pragma once
// The one interface every inference backend implements, and the one place that chooses among them.
#include <cstddef>
#include <memory>
#include <string>

#include "nn/graph.h"

namespace av::nn {

enum class Backend { Simd, Xnnpack };

// XNNPACK where this build has it (native), else our SIMD kernels (WASM). Change the choice here only.
Backend default_backend();
bool backend_available(Backend kind);
const char* backend_name(Backend kind);  // "simd" | "xnnpack"

class BackendImpl {
 public:
  virtual ~BackendImpl() = default;
  // windows: n beats in NCW layout ([channels][length] each); n <= maxBatch. context: n x F floats, the graph's
  // context input (graph.context), or nullptr when the graph has none.
  // logits: n x classes. If capture >= 0, that value's output is copied to captured as n x [C][L].
  virtual void run(const float* windows, const float* context, size_t n, float* logits, int capture,
                   float* captured) = 0;
};

// Throws av::Error("backend_unavailable") if this build lacks the backend.
std::unique_ptr<BackendImpl> make_backend(Backend kind, std::shared_ptr<const Graph> graph, size_t maxBatch);

// Assigns each value a reusable buffer by liveness: values that are never alive at the same time share
// memory. bufferOf[v] is the buffer of value v (-1 for the inputs, which backends handle themselves);
// sizes[b] is the largest per-beat size (in elements of `elementsOf(shape)`) stored in buffer b.
struct BufferPlan {
  std::vector<int> bufferOf;
  std::vector<size_t> sizes;
};
template <class SizeFn>
BufferPlan plan_buffers(const Graph& g, SizeFn elementsOf) {
  BufferPlan p;
  p.bufferOf.assign(g.values.size(), -1);
  std::vector<int> freeList;
  for (size_t k = 0; k < g.ops.size(); ++k) {
    const Op& op = g.ops[k];
    const size_t need = elementsOf(g.values[static_cast<size_t>(op.output)]);
    int chosen = -1;
    for (size_t f = 0; f < freeList.size(); ++f)
      if (chosen < 0 || p.sizes[static_cast<size_t>(freeList[f])] > p.sizes[static_cast<size_t>(freeList[static_cast<size_t>(chosen)])])
        chosen = static_cast<int>(f);
    int buf;
    if (chosen >= 0) {
      buf = freeList[static_cast<size_t>(chosen)];
      freeList.erase(freeList.begin() + chosen);
      if (p.sizes[static_cast<size_t>(buf)] < need) p.sizes[static_cast<size_t>(buf)] = need;
    } else {
      buf = static_cast<int>(p.sizes.size());
      p.sizes.push_back(need);
    }
    p.bufferOf[static_cast<size_t>(op.output)] = buf;
    // Inputs whose last reader is this op free their buffers (after the output took one).
    for (int in : {op.input, op.input2 == op.input ? -1 : op.input2})
      if (in > 0 && g.lastUse[static_cast<size_t>(in)] == static_cast<int>(k) &&
          p.bufferOf[static_cast<size_t>(in)] >= 0)
        freeList.push_back(p.bufferOf[static_cast<size_t>(in)]);
    // An output nobody reads (the logits) stays allocated: it is never freed.
  }
  return p;
}

}  // namespace av::nn
