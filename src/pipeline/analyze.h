#pragma once
// analyze(): the one place where the stages are put together: lead choice → beats (detected or reference)
// → classification in batches → summary. Result converts to the result JSON (pipeline/result_json.h).
#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "core/label_rules.h"
#include "core/record.h"
#include "dsp/beats.h"
#include "pipeline/summary.h"

namespace av::pipeline {

// What the pipeline needs from a model: its identity, its inputs and batched class probabilities.
// A single-beat model takes one z-scored window per beat. A context model takes inputChannels() channels
// per beat (channel 1: the beat minus the patient's running template) and the named context features of
// dsp/beat_context.h.
class Classifier {
 public:
  virtual ~Classifier() = default;
  virtual std::string name() const = 0;
  virtual int64_t parameters() const = 0;
  virtual dsp::BeatWindowSpec windowSpec() const = 0;
  virtual int inputChannels() const { return 1; }
  virtual std::vector<std::string> contextFeatures() const { return {}; }
  // A context model's label rules (core/label_rules.h); none by default.
  virtual LabelRules labelRules() const { return {}; }
  // `count` windows of windowSpec's length, back to back → count × 5 probabilities (N L R A V).
  virtual void classify(const float* windows, size_t count, float* probabilities) = 0;
  // Context models: count × inputChannels() windows and count × contextFeatures().size() features.
  virtual void classify(const float* windows, const float* context, size_t count, float* probabilities) {
    (void)context;
    classify(windows, count, probabilities);
  }
};

enum class BeatSource { Detect, Reference };

struct AnalyzeOptions {
  std::string lead;                       // index or name; empty = first MLII, else lead 0
  BeatSource beats = BeatSource::Detect;  // Reference: the record's beat annotations
  double readMs = 0;                      // time the caller spent reading the input, reported in timing
  SummaryOptions summary;                 // pauses, AF
  size_t batchSize = 512;                 // beats per classifier call (and per progress report)
  bool labelRules = true;                 // apply the model's label rules (Classifier::labelRules)
  // Called with a stage ("detect", "classify", "done") and the fraction of the whole job done, 0..1.
  std::function<void(std::string_view stage, double fraction)> progress;
};

struct BeatResult {
  int64_t sample = 0;  // at the input's own rate
  int label = -1;      // 0..4 (N L R A V); -1 without a model
  bool af = false;     // inside an AF episode
  bool noisy = false;  // inside a stretch of unusable signal
  int modelLabel = -1; // the classifier's own label when a rule changed it (A inside AF, L on a narrow template), else -1
  std::array<float, 5> probabilities{};
  float pWaveCorr = std::numeric_limits<float>::quiet_NaN();  // dsp::ContextBeat::pWaveCorr (context models)
  float templateQrsWidthSec = std::numeric_limits<float>::quiet_NaN();  // dsp::ContextBeat::templateQrsWidthSec
};

struct Timing {
  double readMs = 0, detectMs = 0, classifyMs = 0, totalMs = 0;
};

// Something about the input the user should know before trusting the findings (the JSON's warnings).
struct Warning {
  std::string code, message;
};

struct Result {
  std::string record;
  double sampleRate = 0;
  std::string lead;
  int leadIndex = 0;
  double durationSec = 0;
  BeatSource beatSource = BeatSource::Detect;
  bool hasModel = false;
  std::string modelName;
  int64_t modelParameters = 0;
  std::vector<BeatResult> beats;
  Summary summary;
  std::vector<Warning> warnings;
  Timing timing;
};

// Throws av::Error: lead_not_found, empty_signal, invalid_sample_rate, sample_rate_out_of_range (outside
// core/limits.h), no_reference_annotations.
Result analyze(const Record& record, Classifier* classifier, const AnalyzeOptions& options);

// The rhythm stage at the end of the road: beats inside the unusable stretches of `quality` flagged noisy,
// AF episodes (marking the beats inside and, with options.afRelabel, counting their A labels as N), then
// the summary.
Summary summarize_beats(std::vector<BeatResult>& beats, double sampleRate, int64_t lengthSamples,
                        const SummaryOptions& options, SignalQuality quality = {});

// The JSON document: pipeline/result_json.h.

}  // namespace av::pipeline
