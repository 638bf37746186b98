// Every shipped model against its PyTorch reference set (models/reference/NAME.json, written by the
// training scripts): both backends, probabilities within 1e-4 and the same argmax; backends within 1e-5.
// Context models' sets give each window's context vector ("context"), fed with it.
#include <catch2/catch.hpp>

#include "backend_agreement.h"
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <vector>

#include "nn/engine.h"
#include "nn/model.h"

using namespace av::nn;
namespace fs = std::filesystem;

namespace {

struct Reference {
  std::string name;
  size_t count = 0;
  std::vector<float> inputs, contexts, logits, probs;  // contexts: context models only
};

std::vector<std::pair<fs::path, Reference>> shipped_models() {
  std::vector<std::pair<fs::path, Reference>> out;
  const fs::path models = fs::path(AV_SOURCE_DIR) / "models";
  for (const auto& entry : fs::directory_iterator(models)) {
    if (entry.path().extension() != ".json") continue;
    const fs::path ref = models / "reference" / entry.path().filename();
    if (!fs::exists(ref)) continue;
    std::ifstream f(ref);
    nlohmann::json j = nlohmann::json::parse(f);
    Reference r;
    r.name = j.at("model").get<std::string>();
    r.count = j.at("count").get<size_t>();
    for (const auto& w : j.at("inputs"))
      for (float x : w) r.inputs.push_back(x);
    if (j.contains("context"))
      for (const auto& c : j.at("context"))
        for (float x : c) r.contexts.push_back(x);
    for (const auto& w : j.at("logits"))
      for (float x : w) r.logits.push_back(x);
    for (const auto& w : j.at("probabilities"))
      for (float x : w) r.probs.push_back(x);
    out.emplace_back(entry.path(), std::move(r));
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.first < b.first; });
  return out;
}

size_t argmax(const float* p, size_t n) { return static_cast<size_t>(std::max_element(p, p + n) - p); }

}  // namespace

TEST_CASE("shipped models match their PyTorch reference outputs on every backend", "[nn][parity]") {
  auto models = shipped_models();
  REQUIRE(models.size() >= 2);  // at least arrhythminet-v1 and -v2
  for (auto& [path, ref] : models) {
    INFO("model " << path.filename().string());
    Model model = Model::load_file(path.string());
    CHECK(model.info().name == ref.name);
    const size_t classes = model.info().classes.size();
    REQUIRE(ref.inputs.size() == ref.count * static_cast<size_t>(model.info().windowLength * model.info().inputChannels));
    REQUIRE(ref.contexts.size() == ref.count * static_cast<size_t>(model.info().contextFeatures));
    const float* contexts = ref.contexts.empty() ? nullptr : ref.contexts.data();
    REQUIRE(ref.probs.size() == ref.count * classes);

    std::vector<std::vector<float>> probsBy;
    std::vector<std::vector<float>> captureBy;
    for (Backend kind : {Backend::Simd, Backend::Xnnpack}) {
      if (!backend_available(kind)) continue;
      INFO("backend " << backend_name(kind));
      Engine engine(model, kind, 16);  // several chunks, the last one partial
      std::vector<float> probs(ref.count * classes), logits(ref.count * classes);
      const std::string layer = model.info().gradcamLayer;
      std::vector<float> captured;
      if (!layer.empty()) {
        captured.resize(ref.count * model.layer_shape(layer).size());
        engine.run(ref.inputs.data(), contexts, ref.count, probs.data(), logits.data(), layer, captured.data());
      } else {
        engine.run(ref.inputs.data(), contexts, ref.count, probs.data(), logits.data());
      }
      float worst = 0;
      for (size_t i = 0; i < probs.size(); ++i) worst = std::max(worst, std::abs(probs[i] - ref.probs[i]));
      INFO("max |p - p_torch| = " << worst);
      CHECK(worst <= 1e-4f);
      for (size_t b = 0; b < ref.count; ++b)
        CHECK(argmax(&probs[b * classes], classes) == argmax(&ref.probs[b * classes], classes));
      probsBy.push_back(std::move(probs));
      captureBy.push_back(std::move(captured));
    }
    av::test::check_backends_agree(probsBy, captureBy);
  }
}
