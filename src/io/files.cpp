#include "io/files.h"

#include <cctype>
#include <cstdio>
#include <map>

#include "core/error.h"
#include "io/csv.h"
#include "io/dispatch.h"
#include "io/edf.h"
#include "io/wfdb_annotation.h"
#include "io/wfdb_signal.h"

namespace av::io {
namespace {

std::string dir_of(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
}

std::string stem_of(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  const size_t dot = base.find_last_of('.');
  return dot == std::string::npos ? base : base.substr(0, dot);
}

bool file_exists(const std::string& path) {
  if (FILE* f = std::fopen(path.c_str(), "rb")) {
    std::fclose(f);
    return true;
  }
  return false;
}

}  // namespace

std::vector<uint8_t> read_file_bytes(const std::string& path, uint64_t maxBytes) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw Error("io_file_not_found", "cannot open '" + path + "'");
  std::vector<uint8_t> bytes;
  uint8_t buf[1 << 16];
  // Read in blocks rather than trusting a size query, so pipes and growing files stay bounded too.
  for (;;) {
    const size_t got = std::fread(buf, 1, sizeof buf, f);
    if (got == 0) break;
    if (bytes.size() + got > maxBytes) {
      std::fclose(f);
      throw Error("io_file_too_large", "'" + path + "' is larger than " + std::to_string(maxBytes) + " bytes");
    }
    bytes.insert(bytes.end(), buf, buf + got);
  }
  const bool bad = std::ferror(f) != 0;
  std::fclose(f);
  if (bad) throw Error("io_read_failed", "error reading '" + path + "'");
  return bytes;
}

static bool valid_annotator(const std::string& a) {
  if (a.empty() || a.size() > 32) return false;
  for (char c : a)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

Record read_wfdb_file(const std::string& path, const std::string& annotator) {
  if (!valid_annotator(annotator))
    throw Error("wfdb_annotator_invalid", "annotator '" + annotator.substr(0, 40) + "' must be letters, digits or '_'");
  // "data/100" is accepted for "data/100.hea", as WFDB tools name records.
  const bool named = path.size() > 4 && path.compare(path.size() - 4, 4, ".hea") == 0;
  const std::string heaPath = named || file_exists(path) ? path : path + ".hea";
  const std::vector<uint8_t> hea = read_file_bytes(heaPath, 1 << 20);
  const WfdbHeader header =
      parse_wfdb_header(std::string_view(reinterpret_cast<const char*>(hea.data()), hea.size()));
  const std::string dir = dir_of(heaPath);
  std::map<std::string, std::vector<uint8_t>, std::less<>> files;
  Record rec = read_wfdb(header, [&](std::string_view name) -> std::optional<std::span<const uint8_t>> {
    // The header parser has already refused names with path separators.
    const std::string path = dir + std::string(name);
    if (!file_exists(path)) return std::nullopt;
    auto it = files.emplace(std::string(name), read_file_bytes(path)).first;
    return std::span<const uint8_t>(it->second);
  });
  const std::string atr = dir + stem_of(heaPath) + "." + annotator;
  if (file_exists(atr)) attach_wfdb_annotations(rec, read_file_bytes(atr), header.samplingFrequency);
  return rec;
}

Record read_record_file(const std::string& path, double csvSampleRate, const std::string& annotator) {
  // "data/100" names a WFDB record as WFDB tools do.
  if (!file_exists(path) && file_exists(path + ".hea")) return read_wfdb_file(path, annotator);
  const std::vector<uint8_t> bytes = read_file_bytes(path);
  const std::string dir = dir_of(path);
  std::map<std::string, std::vector<uint8_t>, std::less<>> files;
  const WfdbFileOpener siblings = [&](std::string_view name) -> std::optional<std::span<const uint8_t>> {
    // Names come from headers that refuse path separators; check again, since any caller may ask.
    if (name.empty() || name.find_first_of("/\\") != std::string_view::npos || name == "." || name == "..")
      return std::nullopt;
    auto it = files.find(name);
    if (it == files.end()) {
      const std::string p = dir + std::string(name);
      if (!file_exists(p)) return std::nullopt;
      it = files.emplace(std::string(name), read_file_bytes(p)).first;
    }
    return std::span<const uint8_t>(it->second);
  };
  ReadOptions options;
  options.csvSampleRate = csvSampleRate;
  options.annotator = annotator;
  return read_any(bytes, path, options, siblings);
}

}  // namespace av::io
