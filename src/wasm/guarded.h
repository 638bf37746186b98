#pragma once
// Every Embind entry point runs its body through guarded(): a C++ exception comes back as a plain JS object
// {avError: true, code, message}, which src/js turns into ArrhythmiaVisionError, so that nothing escapes into JS
// as a raw exception pointer.
#include <emscripten/val.h>

#include <exception>
#include <new>
#include <string>

#include "core/error.h"

namespace av::wasm {

inline emscripten::val error_value(const std::string& code, const std::string& message) {
  emscripten::val e = emscripten::val::object();
  e.set("avError", true);
  e.set("code", code);
  e.set("message", message);
  return e;
}

// Runs f; `work` names what was running for the out-of-memory message ("the input", "the model", ...).
template <class F>
emscripten::val guarded(const char* work, F&& f) {
  try {
    return f();
  } catch (const av::Error& e) {
    return error_value(e.code(), e.what());
  } catch (const std::bad_alloc&) {
    return error_value("out_of_memory", std::string(work) + " needs more memory than the WebAssembly heap can give");
  } catch (const std::exception& e) {
    return error_value("internal_error", e.what());
  }
}

}  // namespace av::wasm
