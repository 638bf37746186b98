// The one place that chooses a backend. An XNNPACK WASM build would only need AV_HAVE_XNNPACK defined.
#include "nn/backend.h"

#include "core/error.h"
#include "nn/backends/simd/simd_backend.h"

namespace av::nn {

#ifdef AV_HAVE_XNNPACK
std::unique_ptr<BackendImpl> make_xnnpack_backend(std::shared_ptr<const Graph> graph, size_t maxBatch);
#endif

Backend default_backend() {
#ifdef AV_HAVE_XNNPACK
  return Backend::Xnnpack;
#else
  return Backend::Simd;
#endif
}

bool backend_available(Backend kind) {
#ifdef AV_HAVE_XNNPACK
  (void)kind;
  return true;
#else
  return kind == Backend::Simd;
#endif
}

const char* backend_name(Backend kind) { return kind == Backend::Xnnpack ? "xnnpack" : "simd"; }

std::unique_ptr<BackendImpl> make_backend(Backend kind, std::shared_ptr<const Graph> graph, size_t maxBatch) {
  switch (kind) {
    case Backend::Simd:
      return make_simd_backend(std::move(graph), maxBatch);
    case Backend::Xnnpack:
#ifdef AV_HAVE_XNNPACK
      return make_xnnpack_backend(std::move(graph), maxBatch);
#else
      break;
#endif
  }
  throw Error("backend_unavailable", std::string("this build has no ") + backend_name(kind) + " backend");
}

}  // namespace av::nn
