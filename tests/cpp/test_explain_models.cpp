// Explanations on the shipped models and real MIT-BIH beats: Grad-CAM parity with PyTorch, SHAP efficiency,
// deletion faithfulness and the model-randomization sanity check (Adebayo et al. 2018).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <random>
#include <sstream>
#include <vector>

#include "core/error.h"
#include "explain/explainer.h"
#include "explain/record_explainer.h"
#include "io/files.h"
#include "nn/engine.h"
#include "nn/model.h"
#include "gradcam_from_json.h"

using namespace av;
using namespace av::explain;
namespace fs = std::filesystem;

namespace {

const fs::path kModels = fs::path(AV_SOURCE_DIR) / "models";

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

nlohmann::json read_json(const fs::path& p) { return nlohmann::json::parse(slurp(p)); }

bool trained(const std::string& name) {
  return read_json(kModels / (name + ".json")).value("training", nlohmann::json::object()).value("trained", true);
}

// Spearman rank correlation (average ranks for ties).
double spearman(const std::vector<double>& a, const std::vector<double>& b) {
  auto ranks = [](const std::vector<double>& v) {
    std::vector<size_t> idx(v.size());
    std::iota(idx.begin(), idx.end(), 0);
    std::sort(idx.begin(), idx.end(), [&](size_t i, size_t j) { return v[i] < v[j]; });
    std::vector<double> r(v.size());
    for (size_t i = 0; i < idx.size();) {
      size_t j = i;
      while (j + 1 < idx.size() && v[idx[j + 1]] == v[idx[i]]) ++j;
      for (size_t k = i; k <= j; ++k) r[idx[k]] = (i + j) / 2.0;
      i = j + 1;
    }
    return r;
  };
  const auto ra = ranks(a), rb = ranks(b);
  const double ma = std::accumulate(ra.begin(), ra.end(), 0.0) / ra.size();
  const double mb = std::accumulate(rb.begin(), rb.end(), 0.0) / rb.size();
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < ra.size(); ++i) {
    sab += (ra[i] - ma) * (rb[i] - mb);
    saa += (ra[i] - ma) * (ra[i] - ma);
    sbb += (rb[i] - mb) * (rb[i] - mb);
  }
  return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : 0.0;
}

// Class of the nearest beat annotation within 50 ms (windows are centred on the refined R peak), or -1.
int class_of_annotation(const Record& r, int64_t sample) {
  int best = -1;
  int64_t bestDist = static_cast<int64_t>(0.05 * r.sampleRate) + 1;
  for (const auto& a : r.annotations)
    if (is_beat_annotation(a.code) && std::llabs(a.sample - sample) < bestDist)
      bestDist = std::llabs(a.sample - sample), best = class_index_for_code(a.code);
  return best;
}

std::map<std::string, Record>& records() {
  static std::map<std::string, Record> cache;
  return cache;
}

const Record& record(const std::string& name) {
  auto& cache = records();
  if (!cache.count(name)) cache[name] = io::read_wfdb_file(std::string(AV_MITDB_DIR) + "/" + name + ".hea");
  return cache[name];
}

}  // namespace

TEST_CASE("Grad-CAM matches PyTorch (hooks + autograd) on the reference windows within 1e-4", "[explain][parity]") {
  for (const std::string name : {"arrhythminet-v1", "arrhythminet-v2"}) {
    INFO(name);
    const auto ref = read_json(kModels / "reference" / (name + ".json"));
    const auto cams = read_json(kModels / "reference" / (name + ".gradcam.json"));
    nn::Model model = nn::Model::load_file((kModels / (name + ".json")).string());
    const std::string bin = slurp(kModels / (name + ".bin"));
    const auto meta = read_json(kModels / (name + ".json"));
    // Two independent routes to the tail: the engine's folded graph and the raw layer list + weights.
    GradcamHead fromJson = gradcam_head_from_json(meta, reinterpret_cast<const float*>(bin.data()), bin.size() / 4);
    double absSum = 0.0;
    for (size_t i = 0; i < bin.size() / 4; ++i) absSum += std::fabs(reinterpret_cast<const float*>(bin.data())[i]);
    INFO("models/reference/" << name << ".gradcam.json was made from other weights: rerun "
                                        "/usr/bin/python3 models/training/gradcam_reference.py");
    REQUIRE(cams.at("weightsAbsSum").get<double>() == Approx(absSum).epsilon(1e-9));
    for (auto kind : {nn::Backend::Simd, nn::default_backend()}) {
      nn::Engine engine(model, kind, 64);
      Explainer ex(engine);
      REQUIRE(ex.head().layer() == cams.at("layer").get<std::string>());
      CHECK(fromJson.centreOffset() == ex.head().centreOffset());
      CHECK(fromJson.centreJump() == ex.head().centreJump());
      const size_t n = cams.at("classIndex").size();
      REQUIRE(n >= 40);
      double worst = 0.0;
      std::vector<float> features(static_cast<size_t>(ex.head().channels() * ex.head().featureLength()));
      for (size_t i = 0; i < n; ++i) {
        const size_t w = cams.at("window")[i].get<size_t>();
        const int cls = cams.at("classIndex")[i].get<int>();
        std::vector<float> window = ref.at("inputs")[w].get<std::vector<float>>();
        const auto e = ex.gradcam(window.data(), cls);
        const auto expected = cams.at("values")[i].get<std::vector<float>>();
        REQUIRE(e.values.size() == expected.size());
        for (size_t t = 0; t < expected.size(); ++t)
          worst = std::max(worst, static_cast<double>(std::fabs(e.values[t] - expected[t])));
        // The layer-list route gives the same map from the same captured features.
        float p[5];
        engine.run(window.data(), 1, p, nullptr, ex.head().layer(), features.data());
        const auto alt = fromJson.compute(features.data(), cls);
        for (size_t t = 0; t < expected.size(); ++t) CHECK(alt.values[t] == Approx(e.values[t]).margin(1e-5));
      }
      INFO("largest |C++ - PyTorch| over " << n << " maps: " << worst);
      CHECK(worst < 1e-4);
      WARN(name << " (" << nn::backend_name(kind) << "): Grad-CAM parity max abs diff " << worst);
    }
  }
}

TEST_CASE("SHAP efficiency: segment values sum to f(beat) - f(baseline) within 1e-4 on many beats",
          "[explain][shap]") {
  nn::Model model = nn::Model::load_file((kModels / "arrhythminet-v2.json").string());
  nn::Engine engine(model);
  Explainer ex(engine);
  double worst = 0.0;
  size_t tested = 0;
  for (const std::string rec : {"100", "208", "119", "232"}) {
    RecordExplainer rx(ex, record(rec), "", true);
    for (size_t k : class_subsample(rx.beatCount(), 6)) {
      for (const std::string baseline : {"median-normal", "background"}) {
        Options o;
        o.method = Method::Shap;
        o.baseline = baseline;
        const auto e = rx.explain_beat(k, o);
        std::string used;
        const auto& base = rx.baseline(baseline, &used);
        CHECK(e.baseline == used);
        // f evaluated on its own, not inside a coalition batch.
        const auto px = ex.probabilities(rx.window(k), 1), pb = ex.probabilities(base.data(), 1);
        double sum = 0.0;
        for (const auto& s : e.segments) sum += s.value;
        const double delta = static_cast<double>(px[e.classIndex]) - pb[e.classIndex];
        worst = std::max(worst, std::fabs(sum - delta));
        CHECK(e.outputValue == Approx(px[e.classIndex]).margin(1e-6));
        CHECK(e.baseValue == Approx(pb[e.classIndex]).margin(1e-6));
        double spread = 0.0;
        for (float v : e.values) spread += v;
        CHECK(spread == Approx(sum).margin(1e-5));
        ++tested;
      }
    }
  }
  WARN("SHAP efficiency: largest |sum - (f(x) - f(b))| over " << tested << " explanations: " << worst);
  CHECK(worst < 1e-4);
  CHECK(tested >= 40);
}

TEST_CASE("KernelSHAP for more than 16 segments keeps efficiency and is reproducible", "[explain][shap]") {
  nn::Model model = nn::Model::load_file((kModels / "arrhythminet-v2.json").string());
  nn::Engine engine(model);
  Explainer ex(engine);
  RecordExplainer rx(ex, record("208"), "", true);
  Options o;
  o.method = Method::Shap;
  o.segments = 24;
  o.kernelSamples = 1024;
  o.seed = 5;
  const auto a = rx.explain_beat(10, o), b = rx.explain_beat(10, o);
  CHECK(a.estimator == "kernel");
  CHECK(a.evaluations == 1026);
  double sum = 0.0;
  for (size_t s = 0; s < a.segments.size(); ++s) {
    sum += a.segments[s].value;
    CHECK(a.segments[s].value == b.segments[s].value);
  }
  CHECK(sum == Approx(a.outputValue - a.baseValue).margin(1e-9));
}

TEST_CASE("deletion: removing the top-3 SHAP segments lowers the class probability more than 3 random ones",
          "[explain][faithfulness]") {
  for (const std::string name : {"arrhythminet-v1", "arrhythminet-v2"}) {
    if (!trained(name)) {
      WARN(name << " is not trained yet: deletion test skipped");
      continue;
    }
    nn::Model model = nn::Model::load_file((kModels / (name + ".json")).string());
    nn::Engine engine(model);
    Explainer ex(engine);
    std::mt19937 rng(2024);
    size_t wins = 0, total = 0;
    double topDrop = 0, randDrop = 0;
    // Several records and classes: V (208, 119, 106), A (232, 209), L (109), R (118), N (100, background).
    const std::vector<std::pair<std::string, int>> picks = {{"208", 4}, {"119", 4}, {"106", 4}, {"232", 3},
                                                            {"209", 3}, {"109", 1}, {"118", 2}, {"100", 0}};
    for (const auto& [rec, cls] : picks) {
      const Record& r = record(rec);
      RecordExplainer rx(ex, r, "", true);
      std::vector<size_t> members;
      for (size_t i = 0; i < rx.beatCount(); ++i)
        if (class_of_annotation(r, rx.samples()[i]) == cls && rx.labels()[i] == cls) members.push_back(i);
      for (size_t k : class_subsample(members.size(), 5)) {
        Options o;
        o.method = Method::Shap;
        o.classIndex = cls;
        o.baseline = cls == 0 ? "background" : "median-normal";
        const size_t beat = members[k];
        const auto e = rx.explain_beat(beat, o);
        const auto& base = rx.baseline(o.baseline, nullptr);
        auto drop = [&](const std::vector<size_t>& segs) {
          std::vector<float> w(rx.window(beat), rx.window(beat) + ex.windowLength());
          for (size_t s : segs)
            std::copy(base.begin() + e.segments[s].start, base.begin() + e.segments[s].end,
                      w.begin() + e.segments[s].start);
          return e.outputValue - ex.probabilities(w.data(), 1)[static_cast<size_t>(cls)];
        };
        std::vector<size_t> order(e.segments.size());
        std::iota(order.begin(), order.end(), 0);
        std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return e.segments[a].value > e.segments[b].value; });
        const double top = drop({order[0], order[1], order[2]});
        double random = 0;
        for (int trial = 0; trial < 10; ++trial) {
          std::shuffle(order.begin(), order.end(), rng);
          random += drop({order[0], order[1], order[2]}) / 10;
        }
        topDrop += top;
        randDrop += random;
        wins += top > random;
        ++total;
      }
    }
    WARN(name << ": deletion top-3 beats random-3 on " << wins << "/" << total << " beats; mean drop "
              << topDrop / total << " vs " << randDrop / total);
    REQUIRE(total >= 30);
    CHECK(wins >= 0.9 * total);
  }
}

TEST_CASE("model randomization changes the explanations (rank correlation < 0.5)", "[explain][sanity]") {
  const std::string name = "arrhythminet-v1";
  const std::string text = slurp(kModels / (name + ".json"));
  std::string bin = slurp(kModels / (name + ".bin"));
  nn::Model model = nn::Model::load(text, std::span(reinterpret_cast<const uint8_t*>(bin.data()), bin.size()));
  // Re-initialize every conv and dense weight tensor with Gaussian noise of the same standard deviation.
  const auto meta = nlohmann::json::parse(text);
  float* w = reinterpret_cast<float*>(bin.data());
  std::mt19937 rng(7);
  for (const auto& layer : meta.at("architecture")) {
    if (layer.at("type") != "conv1d" && layer.at("type") != "dense") continue;
    for (const char* key : {"weight", "bias"}) {
      if (!layer.contains(key)) continue;
      const size_t off = layer[key].at("offset"), n = std::accumulate(
          layer[key].at("shape").begin(), layer[key].at("shape").end(), size_t{1},
          [](size_t a, const nlohmann::json& d) { return a * d.get<size_t>(); });
      double ss = 0;
      for (size_t i = 0; i < n; ++i) ss += double(w[off + i]) * w[off + i];
      std::normal_distribution<float> g(0.0f, static_cast<float>(std::sqrt(ss / n)));
      for (size_t i = 0; i < n; ++i) w[off + i] = g(rng);
    }
  }
  nn::Model randomized = nn::Model::load(text, std::span(reinterpret_cast<const uint8_t*>(bin.data()), bin.size()));
  nn::Engine e1(model), e2(randomized);
  Explainer x1(e1), x2(e2);
  RecordExplainer r1(x1, record("208"), "", true), r2(x2, record("208"), "", true);
  double camCorr = 0, shapCorr = 0;
  size_t n = 0;
  for (size_t k : class_subsample(r1.beatCount(), 12)) {
    const int cls = class_of_annotation(record("208"), r1.samples()[k]);
    if (cls < 0) continue;
    Options o;
    o.classIndex = cls;
    const auto c1 = r1.explain_beat(k, o), c2 = r2.explain_beat(k, o);
    camCorr += spearman(std::vector<double>(c1.values.begin(), c1.values.end()),
                        std::vector<double>(c2.values.begin(), c2.values.end()));
    o.method = Method::Shap;
    o.baseline = "background";
    const auto s1 = r1.explain_beat(k, o), s2 = r2.explain_beat(k, o);
    std::vector<double> a, b;
    for (size_t s = 0; s < s1.segments.size(); ++s) a.push_back(s1.segments[s].value), b.push_back(s2.segments[s].value);
    shapCorr += spearman(a, b);
    ++n;
  }
  REQUIRE(n >= 8);
  WARN("randomization: mean Spearman (original vs randomized) Grad-CAM " << camCorr / n << ", SHAP " << shapCorr / n
                                                                     << " over " << n << " beats of 208");
  CHECK(camCorr / n < 0.5);
  CHECK(shapCorr / n < 0.5);
}

TEST_CASE("explanations reject bad requests with coded errors", "[explain]") {
  nn::Model model = nn::Model::load_file((kModels / "arrhythminet-v2.json").string());
  nn::Engine engine(model);
  Explainer ex(engine);
  const auto& classes = ex.classes();
  auto code_of = [&](const av::JsonValue& j) {
    try {
      parse_options(j, classes);
    } catch (const av::Error& e) {
      return e.code();
    }
    return std::string("ok");
  };
  CHECK(code_of(av::parse_json(R"({"method":"shap","segments":12,"baseline":"background","label":"V"})")) == "ok");
  CHECK(parse_options(av::parse_json(R"({"label":"V"})"), classes).classIndex == 4);
  for (const char* bad : {R"({"method":"lime"})", R"({"segments":0})", R"({"segments":33})", R"({"segments":"12"})",
                          R"({"baseline":"zeros"})", R"({"label":"Q"})", R"({"classIndex":5})", R"({"samples":1e9})",
                          R"({"seed":-1})", R"([1,2])"})
    CHECK(code_of(av::parse_json(bad)) == "explain_invalid_option");

  RecordExplainer rx(ex, record("100"));
  Options o;
  auto code_at = [&](int64_t sample) {
    try {
      rx.explain(sample, o);
    } catch (const av::Error& e) {
      return e.code();
    }
    return std::string("ok");
  };
  CHECK(code_at(-1) == "explain_beat_out_of_range");
  CHECK(code_at(static_cast<int64_t>(record("100").length())) == "explain_beat_out_of_range");
  CHECK(code_at(rx.samples()[5] + 3) == "ok");  // not a detected position: prepared on its own
  CHECK_THROWS_AS(rx.explain_beat(rx.beatCount(), o), av::Error);
  // A record without annotations cannot explain reference beats.
  Record bare = record("100");
  bare.annotations.clear();
  CHECK_THROWS_AS(RecordExplainer(ex, bare, "", true), av::Error);
  CHECK_THROWS_AS(RecordExplainer(ex, bare, "V9"), av::Error);
}
