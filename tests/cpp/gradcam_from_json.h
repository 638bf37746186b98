// An independent reading of a model file's layer list (models/FORMAT.md) into a GradcamHead, for the tests only:
// the product builds its head from the engine's graph (GradcamHead(graph, layer)); this second parser is the
// oracle the graph-built head is checked against.
#pragma once
#include <cstddef>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "explain/gradcam.h"

namespace av::explain {

// meta: the model metadata JSON; weights: every float of the weight file. layer: the feature layer's name, or
// empty for meta["explain"]["gradcamLayer"]. Throws av::Error("model_invalid" | "explain_unsupported").
GradcamHead gradcam_head_from_json(const nlohmann::json& meta, const float* weights, size_t count,
                                   const std::string& layer = {});

}  // namespace av::explain
