#include "explain/analysis_inputs.h"

#include "pipeline/analyze.h"
#include "pipeline/engine_classifier.h"
#include "pipeline/input_recorder.h"

namespace av::explain {

BeatInputs analysis_beat_inputs(nn::Engine& engine, const Record& record, const std::string& lead, bool reference) {
  pipeline::EngineClassifier classifier(engine);
  pipeline::InputRecorder recorder(classifier);
  pipeline::AnalyzeOptions options;
  options.lead = lead;
  options.beats = reference ? pipeline::BeatSource::Reference : pipeline::BeatSource::Detect;
  const pipeline::Result result = pipeline::analyze(record, &recorder, options);
  BeatInputs inputs;
  for (const auto& b : result.beats) inputs.samples.push_back(b.sample), inputs.labels.push_back(b.label);
  inputs.windows = std::move(recorder.windows);
  inputs.contexts = std::move(recorder.context);
  return inputs;
}

}  // namespace av::explain
