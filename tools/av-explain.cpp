// Native explanation dump, for figures and for checking explanations outside the JS API.
//   av-explain RECORD.hea MODEL.json [--class V] [--count 4] [--segments 12] [--baseline median-normal|background]
//              [--beats reference|detect] [--global]
// Picks `count` beats whose reference annotation and predicted label are both `class` (evenly spaced over the
// record), explains each with Grad-CAM and SHAP, and prints one JSON document:
//   {"record", "model", "classes", "windowBefore", "beats": [{"sample", "window", "gradcam", "shap"}], "global"?}
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "core/error.h"
#include "explain/explainer.h"
#include "explain/record_explainer.h"
#include "io/files.h"
#include "nn/engine.h"
#include "nn/model.h"

using namespace av;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: av-explain RECORD.hea MODEL.json [--class V] [--count 4] [--segments 12]\n"
                 "                  [--baseline median-normal|background] [--beats reference|detect] [--global]\n";
    return 2;
  }
  std::string cls = "V", baseline = "median-normal", beats = "reference";
  int count = 4, segments = 12;
  bool global = false;
  for (int i = 3; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--class") cls = next();
    else if (a == "--count") count = std::atoi(next().c_str());
    else if (a == "--segments") segments = std::atoi(next().c_str());
    else if (a == "--baseline") baseline = next();
    else if (a == "--beats") beats = next();
    else if (a == "--global") global = true;
    else {
      std::cerr << "error: invalid_option: unknown option " << a << "\n";
      return 2;
    }
  }
  try {
    const Record record = io::read_wfdb_file(argv[1]);
    nn::Model model = nn::Model::load_file(argv[2]);
    nn::Engine engine(model);
    explain::Explainer ex(engine);
    explain::RecordExplainer rx(ex, record, "", beats == "reference");
    const auto& classes = ex.classes();
    const int target = static_cast<int>(std::find(classes.begin(), classes.end(), cls) - classes.begin());
    if (target >= static_cast<int>(classes.size())) throw Error("invalid_option", "unknown class " + cls);
    // Beats whose nearest reference annotation (within 50 ms) has the class and which the model agrees on.
    std::vector<size_t> members;
    const int64_t tol = static_cast<int64_t>(0.05 * record.sampleRate);
    for (size_t i = 0; i < rx.beatCount(); ++i) {
      if (rx.labels()[i] != target) continue;
      int ref = -1;
      int64_t best = tol + 1;
      for (const auto& a : record.annotations)
        if (is_beat_annotation(a.code) && std::llabs(a.sample - rx.samples()[i]) < best)
          best = std::llabs(a.sample - rx.samples()[i]), ref = class_index_for_code(a.code);
      if (ref == target || record.annotations.empty()) members.push_back(i);
    }
    nlohmann::ordered_json out;
    out["record"] = record.name;
    out["model"] = model.info().name;
    out["classes"] = classes;
    out["sampleRate"] = record.sampleRate;
    out["windowBefore"] = model.info().windowBefore;
    out["class"] = cls;
    out["candidates"] = members.size();
    auto list = nlohmann::ordered_json::array();
    for (size_t k : explain::class_subsample(members.size(), static_cast<size_t>(std::max(count, 0)))) {
      const size_t b = members[k];
      explain::Options o;
      o.classIndex = target;
      nlohmann::ordered_json j;
      j["sample"] = rx.samples()[b];
      j["window"] = std::vector<float>(rx.window(b), rx.window(b) + ex.windowLength());
      j["gradcam"] = explain::to_json(rx.explain_beat(b, o));
      o.method = explain::Method::Shap;
      o.segments = segments;
      o.baseline = baseline;
      j["shap"] = explain::to_json(rx.explain_beat(b, o));
      j["baselineWindow"] = rx.baseline(baseline, nullptr);
      list.push_back(std::move(j));
    }
    out["beats"] = std::move(list);
    if (global) {
      explain::GlobalOptions g;
      g.segments = segments;
      g.baseline = baseline;
      out["global"] = explain::to_json(rx.global(g));
    }
    std::cout << out.dump() << "\n";
  } catch (const Error& e) {
    std::cerr << "error: " << e.code() << ": " << e.what() << "\n";
    return 2;
  }
  return 0;
}
