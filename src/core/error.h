#pragma once
// The one typed error of the core: a stable code, a human message and an optional location.
#include <stdexcept>
#include <string>

namespace av {

class Error : public std::runtime_error {
 public:
  Error(std::string code, const std::string& message, std::string location = {})
      : std::runtime_error(location.empty() ? message : location + ": " + message),
        code_(std::move(code)),
        location_(std::move(location)) {}

  const std::string& code() const noexcept { return code_; }
  const std::string& location() const noexcept { return location_; }

 private:
  std::string code_;
  std::string location_;
};

}  // namespace av
