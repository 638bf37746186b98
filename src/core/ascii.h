#pragma once
// ASCII text helpers shared by the readers and the lead checks.
#include <cctype>
#include <string>
#include <string_view>

namespace av {

// s with a-z turned to A-Z (other bytes as they are).
inline std::string ascii_upper(std::string_view s) {
  std::string u(s);
  for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return u;
}

}  // namespace av
