#include "explain/explainer.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/json_text.h"
#include "nn/engine.h"

namespace av::explain {

namespace {

int argmax(const float* p, size_t n) { return static_cast<int>(std::max_element(p, p + n) - p); }

// Softmax probability of class c from logits, in double.
double softmax_at(const std::vector<double>& logits, size_t c) {
  double sum = 0.0;
  for (double l : logits) sum += std::exp(l - logits[c]);
  return 1.0 / sum;
}

std::vector<float> pick(const std::vector<float>& values, const std::vector<int>& index) {
  std::vector<float> out;
  for (int i : index) out.push_back(values[static_cast<size_t>(i)]);
  return out;
}

[[noreturn]] void bad_option(const std::string& message) { throw Error("explain_invalid_option", message); }

}  // namespace

Options parse_options(const JsonValue& j, const std::vector<std::string>& classes) {
  Options o;
  if (j.is_null()) return o;
  if (!j.is_object()) bad_option("options must be an object");
  if (const JsonValue* it = j.find("method"); it && !it->is_null()) {
    const std::string m = it->is_string() ? it->string() : "";
    if (m == "gradcam") o.method = Method::Gradcam;
    else if (m == "shap") o.method = Method::Shap;
    else bad_option("method must be 'gradcam' or 'shap'");
  }
  if (const JsonValue* it = j.find("segments"); it && !it->is_null()) {
    if (!it->is_number_integer() || it->integer() < 1 || it->integer() > 32)
      bad_option("segments must be an integer from 1 to 32");
    o.segments = static_cast<int>(it->integer());
  }
  if (const JsonValue* it = j.find("baseline"); it && !it->is_null()) {
    o.baseline = it->is_string() ? it->string() : "";
    if (o.baseline != "median-normal" && o.baseline != "background")
      bad_option("baseline must be 'median-normal' or 'background'");
  }
  if (const JsonValue* it = j.find("classIndex"); it && !it->is_null()) {
    if (!it->is_number_integer() || it->integer() < 0 || it->integer() >= (long long)classes.size())
      bad_option("classIndex is out of range");
    o.classIndex = static_cast<int>(it->integer());
  }
  if (const JsonValue* it = j.find("label"); it && !it->is_null()) {
    auto c = std::find(classes.begin(), classes.end(), it->is_string() ? it->string() : "");
    if (c == classes.end()) bad_option("label must be one of the model's classes");
    o.classIndex = static_cast<int>(c - classes.begin());
  }
  if (const JsonValue* it = j.find("samples"); it && !it->is_null()) {
    if (!it->is_number_integer() || it->integer() < 64 || it->integer() > 65536)
      bad_option("samples must be an integer from 64 to 65536");
    o.kernelSamples = static_cast<size_t>(it->integer());
  }
  if (const JsonValue* it = j.find("seed"); it && !it->is_null()) {
    if (!it->is_number_integer() || it->integer() < 0) bad_option("seed must be a non-negative integer");
    o.seed = it->unsigned_integer();
  }
  return o;
}

std::string to_json_string(const Explanation& e) {
  JsonText w;
  w.open('{').member("method", e.method).member("label", e.label).member("classIndex", e.classIndex);
  w.member("values", e.values).member("probabilities", e.probabilities);
  if (!e.window.empty()) w.member("window", e.window);
  if (!e.context.empty()) w.member("context", e.context);
  if (e.method == "gradcam") {
    w.member("layer", e.layer);
  } else {
    w.key("segments").open('[');
    for (const auto& s : e.segments) w.open('{').member("start", s.start).member("end", s.end).member("value", s.value).close('}');
    w.close(']');
    if (!e.contextPlayers.empty()) {
      w.key("contextPlayers").open('[');
      for (const auto& p : e.contextPlayers)
        w.open('{').member("name", p.name).member("features", p.featureNames).member("value", p.value)
            .member("beatValues", pick(e.context, p.features)).member("baselineValues", pick(e.baselineContext, p.features))
            .close('}');
      w.close(']');
    }
    w.member("baseValue", e.baseValue).member("outputValue", e.outputValue);
    if (e.negligible) w.member("negligible", true);
    w.member("baseline", e.baseline).member("baselineWindow", e.baselineWindow).member("estimator", e.estimator);
    w.member("evaluations", e.evaluations);
    if (e.estimator == "kernel") w.member("samples", e.samples).member("seed", e.seed);
  }
  w.close('}');
  return std::move(w.out);
}

nlohmann::ordered_json to_json(const Explanation& e) { return nlohmann::ordered_json::parse(to_json_string(e)); }

Explainer::Explainer(nn::Engine& engine)
    : engine_(engine), head_(engine.model().graph(), engine.model().info().gradcamLayer) {
  const auto& info = engine.model().info();
  window_ = info.windowLength;
  windowSize_ = info.windowLength * info.inputChannels;
  contextFeatures_ = info.contextFeatures;
  classes_ = info.classes;
  const size_t size = static_cast<size_t>(windowSize_);
  if (info.backgroundCount > 0 && info.background.size() == static_cast<size_t>(info.backgroundCount) * size) {
    background_.assign(size, 0.0f);
    for (size_t b = 0; b < static_cast<size_t>(info.backgroundCount); ++b)
      for (size_t t = 0; t < size; ++t) background_[t] += info.background[b * size + t] / info.backgroundCount;
  }
  contextPlayers_ = group_context_features(info.contextNames);
  backgroundContext_ = info.backgroundContext;
}

std::vector<float> Explainer::probabilities(const float* windows, size_t n, const float* contexts) {
  std::vector<float> p(n * classes_.size());
  engine_.run(windows, contexts, n, p.data());
  return p;
}

std::vector<Explanation> Explainer::gradcam_batch(const float* windows, size_t n, const int* classes,
                                                  const float* contexts) {
  const size_t C = classes_.size(), W = static_cast<size_t>(windowSize_), F = static_cast<size_t>(contextFeatures_);
  const size_t featureSize = static_cast<size_t>(head_.channels()) * static_cast<size_t>(head_.featureLength());
  const size_t batch = std::max<size_t>(1, std::min(n, engine_.max_batch()));
  if (F > 0 && !contexts && n > 0)
    throw Error("model_context_required", "explanations of this model need each beat's context features");
  if (F == 0) contexts = nullptr;
  probs_.resize(batch * C);
  captured_.resize(batch * featureSize);
  std::vector<Explanation> out(n);
  for (size_t first = 0; first < n; first += batch) {
    const size_t count = std::min(batch, n - first);
    const float* ctx = contexts ? contexts + first * F : nullptr;
    engine_.run(windows + first * W, ctx, count, probs_.data(), nullptr, head_.layer(), captured_.data());
    for (size_t i = 0; i < count; ++i) {
      const float* p = probs_.data() + i * C;
      const float* beatContext = ctx ? ctx + i * F : nullptr;
      int cls = classes ? classes[first + i] : -1;
      if (cls < 0) cls = argmax(p, C);
      auto cam = head_.compute(captured_.data() + i * featureSize, cls, beatContext);
      Explanation& e = out[first + i];
      e.method = "gradcam";
      e.classIndex = cls;
      e.label = classes_[static_cast<size_t>(cls)];
      e.values = std::move(cam.values);
      e.probabilities.assign(p, p + C);
      e.layer = head_.layer();
      const float* w = windows + (first + i) * W;
      e.window.assign(w, w + window_);
      if (beatContext) e.context.assign(beatContext, beatContext + F);
    }
  }
  return out;
}

Explanation Explainer::gradcam(const float* window, int classIndex, const float* context) {
  return std::move(gradcam_batch(window, 1, &classIndex, context).front());
}

Explanation Explainer::shap(const float* window, const float* baseline, const std::string& baselineName,
                            const Options& options, const float* context, const float* baselineContext) {
  const size_t L = static_cast<size_t>(window_), W = static_cast<size_t>(windowSize_), C = classes_.size();
  const size_t F = static_cast<size_t>(contextFeatures_), channels = W / L;
  if (F > 0 && !context) throw Error("model_context_required", "explanations of this model need the beat's context features");
  if (F == 0) context = baselineContext = nullptr;
  Explanation e;
  e.method = "shap";
  e.baseline = baselineName;
  e.probabilities = probabilities(window, 1, context);
  e.window.assign(window, window + L);
  e.baselineWindow.assign(baseline, baseline + L);
  if (context) e.context.assign(context, context + F);
  const int cls = options.classIndex >= 0 ? options.classIndex : argmax(e.probabilities.data(), C);
  if (cls >= static_cast<int>(C)) throw Error("explain_invalid_class", "class index out of range");
  e.classIndex = cls;
  e.label = classes_[static_cast<size_t>(cls)];
  e.segments = make_segments(window_, options.segments);
  if (baselineContext) {
    e.contextPlayers = contextPlayers_;
    e.baselineContext.assign(baselineContext, baselineContext + F);
  }
  // Players: bit s < M of a coalition is segment s, bit M + g the context player g.
  const int M = options.segments, G = static_cast<int>(e.contextPlayers.size()), players = M + G;
  if (players > 32)
    throw Error("explain_invalid_segments", "this model's " + std::to_string(G) + " context players leave room for at most " +
                                                std::to_string(32 - G) + " segments");

  const size_t batch = std::max<size_t>(1, std::min<size_t>(engine_.max_batch(), 512));
  mixed_.resize(batch * W);
  probs_.resize(batch * C);
  if (context) {  // the beat's own context in every row, unless a coalition replaces some of it
    contexts_.resize(batch * F);
    for (size_t i = 0; i < batch; ++i) std::copy(context, context + F, contexts_.data() + i * F);
  }
  const float* ctx = context ? contexts_.data() : nullptr;
  const auto& segs = e.segments;
  const auto mix_window = [&](uint32_t mask, float* row) {
    for (size_t s = 0; s < segs.size(); ++s) {
      const float* src = (mask >> s & 1u) ? window : baseline;
      for (size_t ch = 0; ch < channels; ++ch)  // a segment is a time span of every channel
        std::copy(src + ch * L + segs[s].start, src + ch * L + segs[s].end, row + ch * L + segs[s].start);
    }
  };
  const auto mix_context = [&](uint32_t playerMask, float* row) {  // playerMask: bit g = context player g
    std::copy(baselineContext, baselineContext + F, row);
    for (int g = 0; g < G; ++g)
      if (playerMask >> g & 1u)
        for (int k : e.contextPlayers[static_cast<size_t>(g)].features) row[k] = context[k];
  };
  const CoalitionFn f = [&](const uint32_t* masks, size_t n, double* out) {
    for (size_t i = 0; i < n; ++i) {
      mix_window(masks[i], mixed_.data() + i * W);
      if (G > 0) mix_context(masks[i] >> M, contexts_.data() + i * F);
    }
    engine_.run(mixed_.data(), ctx, n, probs_.data());
    for (size_t i = 0; i < n; ++i) out[i] = probs_[i * C + static_cast<size_t>(cls)];
  };
  // Exact values with context players: the Grad-CAM layer's output depends on the window alone, so each of the
  // 2^M window coalitions goes through the network once and the head (GradcamHead::logits: pool and dense
  // layers, in double) combines it with each of the 2^G context coalitions; 2^M engine passes, not 2^(M+G).
  const auto head_table = [&] {
    const size_t windows = size_t{1} << M, contextMasks = size_t{1} << G;
    const size_t featureSize = static_cast<size_t>(head_.channels()) * static_cast<size_t>(head_.featureLength());
    captured_.resize(batch * featureSize);
    std::vector<float> row(F);
    std::vector<double> table(windows * contextMasks);
    for (size_t first = 0; first < windows; first += batch) {
      const size_t n = std::min(batch, windows - first);
      for (size_t i = 0; i < n; ++i) mix_window(static_cast<uint32_t>(first + i), mixed_.data() + i * W);
      engine_.run(mixed_.data(), ctx, n, probs_.data(), nullptr, head_.layer(), captured_.data());
      for (size_t c = 0; c < contextMasks; ++c) {
        mix_context(static_cast<uint32_t>(c), row.data());
        for (size_t i = 0; i < n; ++i)
          table[(first + i) | (c << M)] =
              softmax_at(head_.logits(captured_.data() + i * featureSize, row.data()), static_cast<size_t>(cls));
      }
    }
    return table;
  };
  ShapleyResult r;
  if (players <= kMaxExactSegments) {
    if (G > 0 && head_.contextFeatures() == contextFeatures_) {
      const std::vector<double> table = head_table();
      r = exact_shapley(players, [&](const uint32_t* masks, size_t n, double* out) {
        for (size_t i = 0; i < n; ++i) out[i] = table[masks[i]];
      }, batch);
    } else {
      r = exact_shapley(players, f, batch);
    }
    e.estimator = "exact";
  } else {
    r = kernel_shap(players, f, options.kernelSamples, options.seed, batch);
    e.estimator = "kernel";
    e.samples = options.kernelSamples;
    e.seed = options.seed;
  }
  e.baseValue = r.baseValue;
  e.outputValue = r.outputValue;
  e.negligible = std::fabs(r.outputValue - r.baseValue) < kNegligibleDelta;
  e.evaluations = r.evaluations;
  e.values.assign(L, 0.0f);
  for (size_t s = 0; s < segs.size(); ++s) {
    e.segments[s].value = r.values[s];
    const double perSample = r.values[s] / (segs[s].end - segs[s].start);
    for (int t = segs[s].start; t < segs[s].end; ++t) e.values[static_cast<size_t>(t)] = static_cast<float>(perSample);
  }
  for (size_t g = 0; g < e.contextPlayers.size(); ++g) e.contextPlayers[g].value = r.values[segs.size() + g];
  return e;
}

std::vector<float> median_window(const float* windows, size_t length, const std::vector<size_t>& idx) {
  std::vector<float> out;
  if (idx.empty()) return out;
  out.resize(length);
  std::vector<double> column(idx.size());  // double: the one nth_element instantiation (exact for floats)
  for (size_t t = 0; t < length; ++t) {
    for (size_t i = 0; i < idx.size(); ++i) column[i] = windows[idx[i] * length + t];
    const size_t mid = column.size() / 2;
    std::nth_element(column.begin(), column.begin() + static_cast<long>(mid), column.end());
    float m = static_cast<float>(column[mid]);
    if (column.size() % 2 == 0) {  // even count: mean of the two middle values
      const float lower = static_cast<float>(*std::max_element(column.begin(), column.begin() + static_cast<long>(mid)));
      m = 0.5f * (m + lower);
    }
    out[t] = m;
  }
  return out;
}

}  // namespace av::explain
