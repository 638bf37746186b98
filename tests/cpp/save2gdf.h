#pragma once
// biosig's save2gdf (Debian biosig-tools, installed by scripts/setup.sh) as an independent decoder in tests.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace av::test {

inline bool have_save2gdf() { return std::system("command -v save2gdf >/dev/null 2>&1") == 0; }

// save2gdf -f=ASCII writes one file per channel (<out>.a01, ...), one physical value per line; `tag` names the
// temporary output.
inline std::vector<std::vector<double>> save2gdf_ascii(const std::filesystem::path& in, const std::string& tag) {
  namespace fs = std::filesystem;
  std::string safe = tag;
  for (char& c : safe) if (c == '.') c = '_';  // save2gdf drops an extension from the output name
  const fs::path out = fs::temp_directory_path() / ("av-biosig-" + safe);
  const std::string cmd = "save2gdf -f=ASCII '" + in.string() + "' '" + out.string() + "' >/dev/null 2>&1";
  REQUIRE(std::system(cmd.c_str()) == 0);
  std::vector<std::vector<double>> channels;
  for (int c = 1; c < 100; ++c) {
    char suffix[8];
    std::snprintf(suffix, sizeof suffix, ".a%02d", c);
    std::ifstream f(out.string() + suffix);
    if (!f) break;
    std::vector<double> v;
    double x;
    while (f >> x) v.push_back(x);
    channels.push_back(std::move(v));
    fs::remove(out.string() + suffix);
  }
  fs::remove(out);
  return channels;
}

}  // namespace av::test
