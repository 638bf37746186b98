#pragma once
// Milliseconds elapsed, for the timing fields of results. The WASM build reads emscripten_get_now()
// (performance.now()): libc++'s steady_clock would link its system_error machinery for a clock that cannot fail.
#ifdef __EMSCRIPTEN__
#include <emscripten/emscripten.h>
#else
#include <chrono>
#endif

namespace av {

class Stopwatch {
 public:
  Stopwatch() : start_(now_ms()) {}
  double elapsed_ms() const { return now_ms() - start_; }

 private:
  double start_;
  static double now_ms() {
#ifdef __EMSCRIPTEN__
    return emscripten_get_now();
#else
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
#endif
  }
};

}  // namespace av
