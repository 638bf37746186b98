#pragma once
// Shared helpers for the libFuzzer harnesses. A harness calls a reader on arbitrary bytes: av::Error is
// the expected outcome for bad input; any other exception, a sanitizer report, a timeout or an
// allocation over -rss_limit_mb is a finding.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace av::fuzz {

// Splits "part0 \0 part1" at the first NUL byte (the seed files use this layout for header + data).
inline std::pair<std::string_view, std::span<const uint8_t>> split_at_nul(const uint8_t* data, size_t size) {
  size_t i = 0;
  while (i < size && data[i] != 0) ++i;
  std::string_view first(reinterpret_cast<const char*>(data), i);
  std::span<const uint8_t> rest(data + std::min(size, i + 1), size - std::min(size, i + 1));
  return {first, rest};
}

inline std::vector<uint8_t> read_source_file(const std::string& relative) {
  std::ifstream in(std::string(AV_SOURCE_DIR) + "/" + relative, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace av::fuzz
