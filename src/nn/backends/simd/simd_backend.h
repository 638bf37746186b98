#pragma once
#include <cstddef>
#include <memory>

#include "nn/backend.h"

namespace av::nn {

// Our own kernels (src/nn/backends/simd/kernels.h): wasm SIMD in the browser, SSE/C++ natively.
std::unique_ptr<BackendImpl> make_simd_backend(std::shared_ptr<const Graph> graph, size_t maxBatch);

}  // namespace av::nn
