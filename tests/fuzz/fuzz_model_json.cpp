// Fuzzes the model metadata loader. Input = metadata JSON, optionally NUL and the weight bytes; without
// a NUL the shipped V1 weights are used, so mutations of a real metadata file reach the deep checks.
#include "fuzz_common.h"
#include "nn/engine.h"
#include "nn/model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<uint8_t> v1 = av::fuzz::read_source_file("models/arrhythminet-v1.bin");
  const auto [json, tail] = av::fuzz::split_at_nul(data, size);
  const bool hasWeights = json.size() < size;
  try {
    const av::nn::Model m = av::nn::Model::load(json, hasWeights ? tail : std::span<const uint8_t>(v1));
    // A model that loads must run: one beat of zeros (and a zero context vector) through the engine.
    av::nn::Engine engine(m, av::nn::default_backend(), 1);
    std::vector<float> window(engine.window_size(), 0.0f), probs(engine.classes());
    std::vector<float> context(engine.context_features(), 0.0f);
    engine.run(window.data(), context.empty() ? nullptr : context.data(), 1, probs.data());
  } catch (const av::Error&) {
  }
  return 0;
}
