// Embind bindings of the inference engine: loadModel(json, weights) -> Model handle (or an error value),
// modelInfo(model) -> object, classifyWindows(model, Float32Array, n) -> Float32Array(n x classes), and
// classifyWindowsWithContext(model, windows, context, n) for context models.
// Failures come back as {avError: true, code, message}, the convention src/js/index.js expects.
#include "wasm/nn_bindings.h"

#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <string>


#include "core/error.h"
#include "explain/explainer.h"

#include "wasm/guarded.h"

using emscripten::val;

namespace av::wasm {

namespace {

// Copies a JS typed array (any view over bytes or floats) into `out` with one bulk set().
template <class T>
void copy_from_js(const val& array, std::vector<T>& out, size_t count) {
  out.resize(count);
  val(emscripten::typed_memory_view(count, out.data())).call<void>("set", array);
}

val load_model(const std::string& json, val weights) {
  return av::wasm::guarded("the model", [&] {
    if (!weights.instanceof(val::global("Uint8Array")))
      throw av::Error("invalid_argument", "model weights must be a Uint8Array");
    std::vector<uint8_t> bytes;
    copy_from_js(weights, bytes, weights["length"].as<size_t>());
    auto model = std::make_shared<const av::nn::Model>(av::nn::Model::load(json, bytes));
    ModelHandle h;
    h.engine = std::make_shared<av::nn::Engine>(*model, av::nn::default_backend(), 256);
    h.model = std::move(model);
    h.scratch = std::make_shared<std::vector<float>>();
    return val(std::move(h));
  });
}

val model_info(const ModelHandle& h) {
  const av::nn::ModelInfo& i = h.model->info();
  val o = val::object();
  o.set("model", i.name);
  o.set("version", i.version);
  o.set("parameters", static_cast<double>(i.parameters));
  o.set("flops", static_cast<double>(i.flops));
  val classes = val::array();
  for (const std::string& c : i.classes) classes.call<void>("push", c);
  o.set("classes", classes);
  o.set("sampleRate", i.sampleRate);
  o.set("windowLength", i.windowLength);
  o.set("windowBefore", i.windowBefore);
  o.set("windowAfter", i.windowAfter);
  o.set("gradcamLayer", i.gradcamLayer);
  o.set("inputChannels", i.inputChannels);
  val context = val::array();
  for (const std::string& c : i.contextNames) context.call<void>("push", c);
  o.set("contextFeatures", context);
  o.set("backend", std::string(av::nn::backend_name(h.engine->backend())) == "simd" ? "wasm-simd128" : "xnnpack");
  return o;
}

// windows: Float32Array of at least n x windowSize samples (normalized beat windows, NCW); context: for a context
// model, a Float32Array of at least n x contextFeatures values (else null/undefined).
val classify_windows_with_context(const ModelHandle& h, val windows, val context, double count) {
  return av::wasm::guarded("the model", [&] {
    if (!windows.instanceof(val::global("Float32Array")))
      throw av::Error("invalid_argument", "windows must be a Float32Array");
    if (!(count >= 0) || count != static_cast<double>(static_cast<size_t>(count)))
      throw av::Error("invalid_argument", "n must be a non-negative integer");
    const size_t n = static_cast<size_t>(count), per = h.engine->window_size(), classes = h.engine->classes();
    const size_t features = h.engine->context_features();
    const size_t available = windows["length"].as<size_t>();
    if (per != 0 && n > available / per)
      throw av::Error("invalid_argument", "windows holds " + std::to_string(available) + " samples, fewer than n x " +
                                              std::to_string(per));
    const bool hasContext = !context.isNull() && !context.isUndefined();
    if (features > 0 && !hasContext)
      throw av::Error("model_context_required", "this context model needs n x " + std::to_string(features) +
                                                    " context features (classifyWindows with context)");
    if (hasContext && !context.instanceof(val::global("Float32Array")))
      throw av::Error("invalid_argument", "context must be a Float32Array");
    if (features > 0 && n > context["length"].as<size_t>() / features)
      throw av::Error("invalid_argument", "context must hold n x " + std::to_string(features) + " values");
    std::vector<float>& buf = *h.scratch;
    const size_t need = n * per + n * features + n * classes;
    if (buf.size() < need) buf.resize(need);
    val(emscripten::typed_memory_view(n * per, buf.data()))
        .call<void>("set", windows.call<val>("subarray", 0, static_cast<double>(n * per)));
    float* ctx = buf.data() + n * per;
    if (features > 0)
      val(emscripten::typed_memory_view(n * features, ctx))
          .call<void>("set", context.call<val>("subarray", 0, static_cast<double>(n * features)));
    float* probs = ctx + n * features;
    if (features > 0) h.engine->run(buf.data(), ctx, n, probs);
    else h.engine->run(buf.data(), n, probs);
    // new Float32Array(view) copies out of the heap, so the result survives memory growth.
    return val::global("Float32Array").new_(emscripten::typed_memory_view(n * classes, probs));
  });
}

val classify_windows(const ModelHandle& h, val windows, double count) {
  return classify_windows_with_context(h, windows, val::null(), count);
}

}  // namespace

EMSCRIPTEN_BINDINGS(arrhythmiavision_nn) {
  emscripten::class_<ModelHandle>("Model");
  emscripten::function("loadModel", &load_model);
  emscripten::function("modelInfo", &model_info);
  emscripten::function("classifyWindows", &classify_windows);
  emscripten::function("classifyWindowsWithContext", &classify_windows_with_context);
}

}  // namespace av::wasm
