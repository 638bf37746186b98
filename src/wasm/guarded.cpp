#include "wasm/guarded.h"

#include <exception>
#include <new>

#include "core/error.h"

namespace av::wasm {

emscripten::val error_value(const std::string& code, const std::string& message) {
  emscripten::val e = emscripten::val::object();
  e.set("avError", true);
  e.set("code", code);
  e.set("message", message);
  return e;
}

emscripten::val current_error_value(const char* work) {
  try {
    throw;
  } catch (const av::Error& e) {
    return error_value(e.code(), e.what());
  } catch (const std::bad_alloc&) {
    return error_value("out_of_memory", std::string(work) + " needs more memory than the WebAssembly heap can give");
  } catch (const std::exception& e) {
    return error_value("internal_error", e.what());
  } catch (...) {
    return error_value("internal_error", "unknown exception");
  }
}

}  // namespace av::wasm
