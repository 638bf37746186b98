// Embind bindings only: every function here forwards to the core and turns av::Error into a JS-visible error.
#include <emscripten/bind.h>

#include <string>

std::string av_version() { return "0.1.0"; }

EMSCRIPTEN_BINDINGS(arrhythmiavision) { emscripten::function("version", &av_version); }
