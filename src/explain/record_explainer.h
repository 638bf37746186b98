#pragma once
// Explanations of the beats of one recording: beat windows prepared exactly as analyze() prepares them, the
// recording's own median normal beat as the default SHAP baseline, and per-class (global) aggregates.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/record.h"
#include "explain/explainer.h"

namespace av {
class JsonText;
}

namespace av::explain {

struct GlobalOptions {
  int segments = 12;                        // SHAP segments (exact up to 16)
  std::string baseline = "median-normal";   // or "background"
  size_t maxShapBeats = 8;                  // per class; evenly spaced subsample, see class_subsample()
  bool shap = true;                         // false: Grad-CAM and average beats only
};

struct ClassProfile {
  int classIndex = 0;
  std::string label;
  size_t beats = 0;                  // beats predicted as this class
  std::vector<float> averageBeat;    // mean window of those beats
  std::vector<float> meanGradcam;    // mean Grad-CAM (each beat's map in [0,1]) over all of them
  std::vector<float> meanAbsShap;    // mean |SHAP| per sample over the subsample (empty if shap was off)
  std::vector<double> meanAbsSegments;  // the same per segment
  std::vector<double> meanAbsContextPlayers;  // mean |SHAP| per context player (GlobalExplanation::contextPlayers)
  std::vector<size_t> shapBeats;     // indices (into the record's beats) of the SHAP subsample
};

struct GlobalExplanation {
  std::string baseline;  // used for SHAP
  int segments = 0;
  std::vector<Segment> segmentBounds;
  std::vector<ContextPlayer> contextPlayers;  // context models: the SHAP players beside the segments (no values)
  std::vector<ClassProfile> classes;  // only classes that occur, in model order
};

// Evenly spaced, deterministic subsample of n items: floor((k + 1/2) n / cap) for k < cap (all if n <= cap).
std::vector<size_t> class_subsample(size_t n, size_t cap);

// The model inputs of a recording's beats as the caller prepared them (for a context model, the pipeline's
// two-channel windows and context features; src/dsp/beat_context.h).
struct BeatInputs {
  std::vector<int64_t> samples;  // input-rate positions, ascending
  std::vector<float> windows;    // samples.size() x Explainer::windowSize() floats
  std::vector<float> contexts;   // samples.size() x Explainer::contextFeatures() floats (empty for single-beat models)
  std::vector<int> labels;       // the analysis' labels, when known (else the explainer classifies the beats)
};

class RecordExplainer {
 public:
  // lead: index or name, empty = the pipeline's default. reference: explain the record's annotated beat positions
  // (like analyze --beats reference) instead of detected ones. The record must outlive this object.
  // The beats and inputs are the analysis' own (pipeline::analyze through explain/analysis_inputs.h), for
  // single-beat and context models alike.
  RecordExplainer(Explainer& explainer, const Record& record, const std::string& lead = {}, bool reference = false);
  // Beats whose inputs the caller prepared. Throws av::Error("invalid_argument") if the sizes do not fit the model.
  // explain(sample) of a position that is not one of these beats prepares it alone: single-beat models only.
  RecordExplainer(Explainer& explainer, const Record& record, BeatInputs beats, const std::string& lead = {});

  size_t beatCount() const { return samples_.size(); }
  const std::vector<int64_t>& samples() const { return samples_; }   // input-rate positions
  const std::vector<int>& labels() const { return labels_; }          // predicted classes
  // The beat's model input: windowSize() floats (channels x windowLength).
  const float* window(size_t beat) const { return windows_.data() + beat * static_cast<size_t>(S()); }
  // The beat's context features (contextFeatures() floats), nullptr for single-beat models.
  const float* context(size_t beat) const {
    return F() > 0 ? contexts_.data() + beat * static_cast<size_t>(F()) : nullptr;
  }
  // The beat index at this input-rate sample, or nullopt.
  std::optional<size_t> find(int64_t sample) const;

  // The recording's median normal beat: per-sample median over the windows predicted N (windowSize floats); when
  // no beat is, the model's background. name says which ("median-normal" | "background").
  const std::vector<float>& baseline(const std::string& wanted, std::string* name);
  // The context features of the baseline `name` resolved to (contextFeatures() floats; empty for single-beat
  // models): "median-normal", the per-feature median over the beats predicted N; "background", the model's
  // explain.backgroundContext, else the per-feature median over all the beats.
  const std::vector<float>& baseline_context(const std::string& name);

  // Explains the beat at `sample`: its window from this recording (prepared alone if it is not one of the beats).
  Explanation explain(int64_t sample, const Options& options);
  Explanation explain_beat(size_t beat, const Options& options);

  GlobalExplanation global(const GlobalOptions& options);

 private:
  int W() const { return explainer_.windowLength(); }
  int S() const { return explainer_.windowSize(); }
  int F() const { return explainer_.contextFeatures(); }
  const float* context_or_null(const std::string& baselineName) {
    const auto& c = baseline_context(baselineName);
    return c.empty() ? nullptr : c.data();
  }
  std::vector<float> prepare_one(int64_t sample);
  void classify();

  Explainer& explainer_;
  const Record& record_;
  int lead_ = 0;
  std::vector<int64_t> samples_;
  std::vector<float> windows_;
  std::vector<float> contexts_;
  std::vector<int> labels_;
  std::vector<float> medianNormal_, medianNormalContext_, medianContext_;
  bool medianDone_ = false;
  std::vector<float> cls_;  // classification signal at 360 Hz, computed on first need
};

std::string to_json_string(const GlobalExplanation& g);
nlohmann::ordered_json to_json(const GlobalExplanation& g);  // the same, parsed
// Its members into an object the caller has opened (and may add to).
void write_json_members(JsonText& w, const GlobalExplanation& g);

}  // namespace av::explain
