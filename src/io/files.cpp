#include "io/files.h"

#include <cctype>
#include <cstdio>
#include <map>

#include "core/error.h"
#include "io/csv.h"
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
  const size_t dot = path.find_last_of('.');
  std::string ext = dot == std::string::npos ? std::string() : path.substr(dot + 1);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == "hea" || (ext.empty() || ext.find('/') != std::string::npos)) return read_wfdb_file(path, annotator);
  Record rec;
  if (ext == "csv" || ext == "txt" || ext == "tsv") {
    const std::vector<uint8_t> bytes = read_file_bytes(path);
    CsvOptions options;
    options.sampleRate = csvSampleRate;
    rec = read_csv(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), options);
  } else if (ext == "edf") {
    rec = read_edf(read_file_bytes(path));
  } else {
    throw Error("io_unknown_format", "cannot tell the format of '" + path + "' (expected .hea, .csv or .edf)");
  }
  rec.name = stem_of(path);
  return rec;
}

}  // namespace av::io
