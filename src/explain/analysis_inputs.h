#pragma once
// The beats of a recording and their model inputs exactly as the analysis computed them (pipeline::analyze
// with an InputRecorder around the engine), for the RecordExplainer: the explanations see the analysis' own
// beats, windows and context features, for single-beat and context models alike.
#include <string>

#include "core/record.h"
#include "explain/record_explainer.h"
#include "nn/engine.h"

namespace av::explain {

// lead: index or name (empty: the pipeline's default); reference: the annotated beat positions.
BeatInputs analysis_beat_inputs(nn::Engine& engine, const Record& record, const std::string& lead, bool reference);

}  // namespace av::explain
