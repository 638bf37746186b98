#pragma once
// For the reader tests: a WfdbFileOpener over the files of a folder, each read once into `cache` (which must
// outlive the opener); a name with no file there opens as nothing.
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "io/files.h"
#include "io/wfdb_signal.h"

namespace av::test {

using FileCache = std::map<std::string, std::vector<uint8_t>, std::less<>>;

inline io::WfdbFileOpener folder(const std::filesystem::path& dir, FileCache& cache) {
  return [dir, &cache](std::string_view name) -> std::optional<std::span<const uint8_t>> {
    auto it = cache.find(name);
    if (it == cache.end()) {
      if (!std::filesystem::is_regular_file(dir / std::string(name))) return std::nullopt;
      it = cache.emplace(std::string(name), io::read_file_bytes((dir / std::string(name)).string())).first;
    }
    return std::span<const uint8_t>(it->second);
  };
}

}  // namespace av::test
