#pragma once
// The JS-visible model handle (Embind class "Model", made by loadModel in nn_bindings.cpp): a loaded model
// and its inference engine. Other bindings (analyze, explain) take it by const reference.
#include <memory>
#include <vector>

#include "nn/engine.h"
#include "nn/model.h"

namespace av::wasm {

struct ModelHandle {
  std::shared_ptr<const av::nn::Model> model;
  std::shared_ptr<av::nn::Engine> engine;
  std::shared_ptr<std::vector<float>> scratch;  // reused by classifyWindows: grows, never per call
};

}  // namespace av::wasm
