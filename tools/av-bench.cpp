// Native inference benchmark and parity helper for the nn engine.
//   av-bench MODEL.json [--beats N] [--batch B] [--min-ms T]
//       times every native backend on N windows (batched by B, one thread) and prints one JSON line per
//       backend: {"model", "backend", "beats", "msPerBeat", ...}.
//   av-bench --dump MODEL.json WINDOWS.f32 [CONTEXT.f32]
//       runs every backend on the raw float32 windows (and context features) and prints {"simd": [...], "xnnpack": [...]}
//       (probabilities), for the Node parity test.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include <time.h>

#include "core/error.h"
#include "nn/engine.h"
#include "nn/model.h"
#include "tool_common.h"

using namespace av::nn;

namespace {

std::vector<Backend> native_backends() {
  std::vector<Backend> out;
  for (Backend b : {Backend::Xnnpack, Backend::Simd})
    if (backend_available(b)) out.push_back(b);
  return out;
}

// Deterministic ECG-like windows: a QRS-shaped spike, a P and a T bump, some noise, then z-scored.
std::vector<float> synthetic_windows(size_t n, int length, int before) {
  std::vector<float> w(n * static_cast<size_t>(length));
  uint32_t state = 12345;
  auto noise = [&] {
    state = state * 1664525u + 1013904223u;
    return static_cast<float>(state >> 8) / 16777216.0f - 0.5f;
  };
  for (size_t b = 0; b < n; ++b) {
    float* x = &w[b * static_cast<size_t>(length)];
    const float amp = 0.5f + static_cast<float>(b % 7) * 0.2f;
    double sum = 0, sq = 0;
    for (int i = 0; i < length; ++i) {
      const float t = static_cast<float>(i - before);
      x[i] = amp * std::exp(-t * t / 18.0f) + 0.15f * std::exp(-(t + 60) * (t + 60) / 200.0f) +
             0.3f * std::exp(-(t - 90) * (t - 90) / 600.0f) + 0.05f * noise();
      sum += x[i];
      sq += static_cast<double>(x[i]) * x[i];
    }
    const double mean = sum / length, sd = std::max(std::sqrt(sq / length - mean * mean), 0.01);
    for (int i = 0; i < length; ++i) x[i] = static_cast<float>((x[i] - mean) / sd);
  }
  return w;
}

// CPU time of this process: unlike wall time, it does not count time spent waiting for a busy machine.
double cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

std::vector<float> read_floats(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(f)), {});
  std::vector<float> v(bytes.size() / 4);
  std::memcpy(v.data(), bytes.data(), v.size() * 4);
  return v;
}

int dump(const std::string& modelPath, const std::string& windowsPath, const std::string& contextPath) {
  Model model = Model::load_file(modelPath);
  const size_t per = static_cast<size_t>(model.info().windowLength * model.info().inputChannels);
  const std::vector<float> windows = read_floats(windowsPath);
  const std::vector<float> context = contextPath.empty() ? std::vector<float>{} : read_floats(contextPath);
  const size_t n = windows.size() / per, k = model.info().classes.size();
  if (context.size() != n * static_cast<size_t>(model.info().contextFeatures))
    throw av::Error("invalid_argument", "the context file must hold " + std::to_string(model.info().contextFeatures) +
                                            " floats per window");
  std::printf("{");
  bool first = true;
  for (Backend b : native_backends()) {
    Engine engine(model, b);
    std::vector<float> probs(n * k);
    engine.run(windows.data(), context.empty() ? nullptr : context.data(), n, probs.data());
    std::printf("%s\"%s\": [", first ? "" : ", ", backend_name(b));
    for (size_t i = 0; i < probs.size(); ++i) std::printf("%s%.9g", i ? ", " : "", probs[i]);
    std::printf("]");
    first = false;
  }
  std::printf("}\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::vector<std::string> args(argv + 1, argv + argc);
    if ((args.size() == 3 || args.size() == 4) && args[0] == "--dump") return dump(args[1], args[2], args.size() == 4 ? args[3] : "");
    if (args.empty() || args[0].rfind("--", 0) == 0) {
      std::cerr << "usage: av-bench MODEL.json [--beats N] [--batch B] [--min-ms T] | --dump MODEL.json WINDOWS.f32 [CONTEXT.f32]\n";
      return 2;
    }
    size_t beats = 4096, batch = 256;
    double minMs = 500;
    for (size_t i = 1; i + 1 < args.size(); i += 2) {
      if (args[i] == "--beats") beats = count_option(args[i], args[i + 1]);
      else if (args[i] == "--batch") batch = count_option(args[i], args[i + 1]);
      else if (args[i] == "--min-ms") minMs = number_option(args[i], args[i + 1]);
    }
    Model model = Model::load_file(args[0]);
    const ModelInfo& info = model.info();
    std::vector<float> windows = synthetic_windows(beats, info.windowLength, info.windowBefore);
    if (info.inputChannels == 2) {  // a context model: channel 1 (the difference from the template) small
      std::vector<float> two(windows.size() * 2);
      const size_t L = static_cast<size_t>(info.windowLength);
      for (size_t b = 0; b < beats; ++b)
        for (size_t i = 0; i < L; ++i) two[b * 2 * L + i] = windows[b * L + i], two[b * 2 * L + L + i] = 0.1f * windows[b * L + i];
      windows.swap(two);
    }
    const std::vector<float> context(beats * static_cast<size_t>(info.contextFeatures), 0.5f);
    const float* ctx = info.contextFeatures > 0 ? context.data() : nullptr;
    std::vector<float> probs(beats * info.classes.size());
    for (Backend b : native_backends()) {
      Engine engine(model, b, batch);
      engine.run(windows.data(), ctx, std::min<size_t>(beats, batch), probs.data());  // warm-up
      // Repeat whole passes until minMs have gone by; report the best pass (least disturbed by others).
      double best = 1e300, bestCpu = 1e300, total = 0;
      int passes = 0;
      while (total < minMs || passes < 3) {
        auto t0 = std::chrono::steady_clock::now();
        const double c0 = cpu_ms();
        engine.run(windows.data(), ctx, beats, probs.data());
        bestCpu = std::min(bestCpu, cpu_ms() - c0);
        double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        best = std::min(best, ms);
        total += ms;
        ++passes;
      }
      std::printf(
          "{\"model\": \"%s\", \"backend\": \"native-%s\", \"beats\": %zu, \"batch\": %zu, \"passes\": %d, "
          "\"msPerBeat\": %.6f, \"cpuMsPerBeat\": %.6f, \"flops\": %lld}\n",
          info.name.c_str(), backend_name(b), beats, batch, passes, best / static_cast<double>(beats),
          bestCpu / static_cast<double>(beats), info.flops);
    }
    return 0;
  } catch (const av::Error& e) {
    std::cerr << "error: " << e.code() << ": " << e.what() << "\n";
    return 2;
  }
}
