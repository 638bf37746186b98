#pragma once
// The untrained context model of tests/fixtures/context-model/ (an ArrhythmiNet V2 context model written by
// models/training/export_model.py, see the README there) with its PyTorch reference set and Grad-CAM maps.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "nn/model.h"

namespace av::test {

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  REQUIRE(f);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

struct ContextFixture {
  static constexpr size_t kFeatures = 14, kWindow = 512;  // 14 features, 2 x 256 floats per window
  std::string metaText, bin;
  nlohmann::json meta, ref, cams;
  size_t count = 0;
  std::vector<float> inputs, contexts, logits, probs;

  ContextFixture() {
    const auto dir = std::filesystem::path(AV_SOURCE_DIR) / "tests" / "fixtures" / "context-model";
    const std::string name = "arrhythminet-v2-ctx";
    metaText = slurp(dir / (name + ".json"));
    bin = slurp(dir / (name + ".bin"));
    meta = nlohmann::json::parse(metaText);
    ref = nlohmann::json::parse(slurp(dir / "reference" / (name + ".json")));
    cams = nlohmann::json::parse(slurp(dir / "reference" / (name + ".gradcam.json")));
    count = ref.at("count").get<size_t>();
    const auto flat = [&](const char* key, std::vector<float>& out) {
      for (const auto& row : ref.at(key))
        for (float x : row) out.push_back(x);
    };
    flat("inputs", inputs);
    flat("context", contexts);
    flat("logits", logits);
    flat("probabilities", probs);
  }
  std::span<const uint8_t> weights() const { return {reinterpret_cast<const uint8_t*>(bin.data()), bin.size()}; }
  nn::Model load() const { return nn::Model::load(metaText, weights()); }
  nn::Model load_with(const nlohmann::json& m) const { return nn::Model::load(m.dump(), weights()); }
  const float* window(size_t b) const { return inputs.data() + b * kWindow; }
  const float* context(size_t b) const { return contexts.data() + b * kFeatures; }
};

inline const ContextFixture& context_fixture() {
  static const ContextFixture f;
  return f;
}

}  // namespace av::test
