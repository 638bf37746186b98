#pragma once
// Every Embind entry point runs its body through guarded(): a C++ exception comes back as a plain JS object
// {avError: true, code, message}, which src/js turns into ArrhythmiaVisionError, so that nothing escapes into JS
// as a raw exception pointer.
#include <emscripten/val.h>

#include <string>

namespace av::wasm {

emscripten::val error_value(const std::string& code, const std::string& message);

// The error object for the exception being handled; `work` names what was running for the out-of-memory
// message ("the input", "the model", ...). Call it only inside a catch block. One out-of-line handler keeps
// the catch clauses out of every entry point's code.
emscripten::val current_error_value(const char* work);

// Runs f, turning an exception into the error object.
template <class F>
emscripten::val guarded(const char* work, F&& f) {
  try {
    return f();
  } catch (...) {
    return current_error_value(work);
  }
}

}  // namespace av::wasm
