#pragma once
// For the tests of error paths: the code of the av::Error that f throws, or "(no error)" when f returns.
#include <functional>
#include <string>

#include "core/error.h"

namespace av::test {

inline std::string error_code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return "(no error)";
}

}  // namespace av::test
