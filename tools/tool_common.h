#pragma once
// Shared by the native evaluation tools: model names, record lists.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"
#include "nn/backend.h"
#include "nn/engine.h"
#include "nn/model.h"
#include "pipeline/engine_classifier.h"

// A model file loaded for a tool: the model, its engine on the default backend and the pipeline's classifier
// over it (the members refer to each other, so the object stays where it is made).
struct ToolClassifier {
  explicit ToolClassifier(const std::string& path)
      : model(av::nn::Model::load_file(path)), engine(model, av::nn::default_backend()), classifier(engine) {}
  ToolClassifier(const ToolClassifier&) = delete;
  ToolClassifier& operator=(const ToolClassifier&) = delete;
  av::nn::Model model;
  av::nn::Engine engine;
  av::pipeline::EngineClassifier classifier;
};

// "v1", "v2", "v1-ds1", "v2-ds1" → models/arrhythminet-NAME.json (current folder, else the repository root two
// levels above the executable); anything ending in .json is taken as a path.
inline std::string resolve_model(const std::string& value, const char* argv0) {
  namespace fs = std::filesystem;
  if (value.size() > 5 && value.compare(value.size() - 5, 5, ".json") == 0) return value;
  static const std::vector<std::string> kNames = {"v1-ctx", "v2-ctx", "v1-ctx-ds1", "v2-ctx-ds1",
                                                  "v1",     "v2",     "v1-ds1",     "v2-ds1"};
  if (std::find(kNames.begin(), kNames.end(), value) == kNames.end())
    throw av::Error("usage", "--model must be v1-ctx, v2-ctx, v1-ctx-ds1, v2-ctx-ds1, v1, v2, v1-ds1, v2-ds1 or a "
                             "path to a model's .json, got '" + value + "'");
  const fs::path rel = fs::path("models") / ("arrhythminet-" + value + ".json");
  if (fs::exists(rel)) return rel.string();
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) exe = fs::absolute(argv0, ec);
  if (!ec) {
    const fs::path candidate = exe.parent_path().parent_path().parent_path() / rel;
    if (fs::exists(candidate)) return candidate.string();
  }
  return rel.string();  // load_file reports it as unreadable
}


// de Chazal et al. 2004 inter-patient split (DESIGN section 3).
inline const std::vector<std::string> kDS1 = {"101", "106", "108", "109", "112", "114", "115", "116", "118", "119", "122",
                                       "124", "201", "203", "205", "207", "208", "209", "215", "220", "223", "230"};
inline const std::vector<std::string> kDS2 = {"100", "103", "105", "111", "113", "117", "121", "123", "200", "202", "210",
                                       "212", "213", "214", "219", "221", "222", "228", "231", "232", "233", "234"};

// The number an option was given ("--threshold 0.04"): finite and the whole text, else a usage error naming the
// option ("5x", "nan" and "" are errors).
inline double number_option(const std::string& option, const std::string& text) {
  size_t used = 0;
  double x = 0;
  try {
    x = std::stod(text, &used);
  } catch (...) {
    used = 0;
  }
  if (used == 0 || used != text.size() || !std::isfinite(x))
    throw av::Error("usage", option + " needs a number, got '" + text + "'");
  return x;
}

// A whole number from 1 to 10^7 (beats, batch sizes), or a usage error naming the option.
inline size_t count_option(const std::string& option, const std::string& text) {
  const double x = number_option(option, text);
  if (!(x >= 1 && x <= 1e7) || x != static_cast<double>(static_cast<size_t>(x)))
    throw av::Error("usage", option + " needs a whole number from 1 to 10000000, got '" + text + "'");
  return static_cast<size_t>(x);
}

inline std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  size_t a = 0;
  while (a <= s.size()) {
    size_t b = s.find(',', a);
    if (b == std::string::npos) b = s.size();
    if (b > a) out.push_back(s.substr(a, b - a));
    a = b + 1;
  }
  return out;
}

// The records of a WFDB directory: the stems of its .hea files, sorted.
inline std::vector<std::string> records_in(const std::string& dir) {
  namespace fs = std::filesystem;
  if (!fs::is_directory(dir)) throw av::Error("io_file_not_found", "not a directory: " + dir);
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".hea") out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  if (out.empty()) throw av::Error("io_file_not_found", "no .hea files in " + dir);
  return out;
}
