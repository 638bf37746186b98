#include "io/dispatch.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "core/error.h"
#include "io/csv.h"
#include "io/edf.h"
#include "io/ishne.h"
#include "io/text_util.h"
#include "io/wfdb_annotation.h"
#include "io/wfdb_header.h"

namespace av::io {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view base_name(std::string_view path) {
  const size_t slash = path.find_last_of("/\\");
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string extension_of(std::string_view path) {
  const std::string_view base = base_name(path);
  const size_t dot = base.find_last_of('.');
  return dot == std::string_view::npos ? std::string() : lower(base.substr(dot + 1));
}

std::string stem_of(std::string_view path) {
  const std::string_view base = base_name(path);
  const size_t dot = base.find_last_of('.');
  return std::string(dot == std::string_view::npos ? base : base.substr(0, dot));
}

bool starts_with(std::span<const uint8_t> b, size_t at, const char* s) {
  const size_t n = std::strlen(s);
  return b.size() >= at + n && std::memcmp(b.data() + at, s, n) == 0;
}

std::string_view as_text(std::span<const uint8_t> b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

// Text without NUL bytes and with few control characters (CSV, WFDB headers).
bool looks_like_text(std::string_view t) {
  size_t control = 0;
  for (char c : t) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u == 0) return false;
    if (u < 0x20 && u != '\n' && u != '\r' && u != '\t') ++control;
  }
  return control * 100 <= t.size();
}

// An XML document whose root element is AnnotatedECG (after the declaration, comments and processing instructions).
bool looks_like_aecg(std::string_view t) {
  if (t.size() >= 3 && static_cast<unsigned char>(t[0]) == 0xEF) t.remove_prefix(3);  // UTF-8 BOM
  size_t i = t.find_first_not_of(" \t\r\n");
  if (i == std::string_view::npos || t[i] != '<') return false;
  for (int guard = 0; guard < 1000 && i < t.size(); ++guard) {
    i = t.find('<', i);
    if (i == std::string_view::npos || i + 1 >= t.size()) return false;
    if (t.compare(i, 4, "<!--") == 0) {
      i = t.find("-->", i + 4);
      if (i == std::string_view::npos) return false;
      i += 3;
      continue;
    }
    if (t[i + 1] == '?' || t[i + 1] == '!') {  // declaration, PI, DOCTYPE
      i = t.find('>', i + 2);
      if (i == std::string_view::npos) return false;
      ++i;
      continue;
    }
    // The root element's name, with or without a prefix.
    size_t e = i + 1;
    while (e < t.size() && !std::isspace(static_cast<unsigned char>(t[e])) && t[e] != '>' && t[e] != '/') ++e;
    std::string_view name = t.substr(i + 1, e - i - 1);
    if (const size_t colon = name.find(':'); colon != std::string_view::npos) name.remove_prefix(colon + 1);
    return name == "AnnotatedECG";
  }
  return false;
}

// A WFDB record line ("100 2 360 650000", "041s/2 7 125 2000") as the first line that is not a comment, and
// either a multi-segment or null record, or a next line whose first field is a file name, not a number.
bool looks_like_wfdb_header(std::string_view t) {
  std::vector<std::string_view> lines;
  for (std::string_view l : detail::split_lines(t.substr(0, std::min<size_t>(t.size(), 8192)))) {
    l = detail::trim(l);
    if (!l.empty() && l.front() != '#') lines.push_back(l);
    if (lines.size() == 2) break;
  }
  if (lines.empty()) return false;
  const auto f = detail::split_whitespace(lines[0]);
  if (f.size() < 2 || f.size() > 6) return false;
  int nsig = 0;
  if (!detail::parse_int(f[1], nsig) || nsig < 0 || nsig > 4096) return false;
  std::string_view name = f[0];
  const bool multi = name.find('/') != std::string_view::npos;
  if (multi) name = name.substr(0, name.find('/'));
  if (name.empty()) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.' && c != '~') return false;
  if (f.size() >= 3) {  // "fs[/counter[(base)]]" starts with a number
    double fs = 0;
    std::string_view freq = f[2].substr(0, f[2].find('/'));
    if (!detail::parse_double(freq, fs)) return false;
  }
  if (multi || nsig == 0) return true;
  if (lines.size() < 2) return false;
  const auto g = detail::split_whitespace(lines[1]);
  double v = 0;
  return g.size() >= 2 && !detail::parse_double(g[0], v) && std::isdigit(static_cast<unsigned char>(g[1].front()));
}

Format from_extension(const std::string& ext) {
  if (ext == "hea") return Format::Wfdb;
  if (ext == "csv" || ext == "txt" || ext == "tsv") return Format::Csv;
  if (ext == "edf" || ext == "bdf" || ext == "rec") return Format::Edf;
  if (ext == "ecg" || ext == "ishne") return Format::Ishne;
  if (ext == "xml") return Format::Aecg;
  if (ext == "scp") return Format::ScpEcg;
  if (ext == "dcm" || ext == "dicom") return Format::DicomEcg;
  if (ext == "dat") return Format::WfdbSignal;
  return Format::Unknown;
}

}  // namespace

const char* format_name(Format f) {
  switch (f) {
    case Format::Wfdb: return "wfdb";
    case Format::Csv: return "csv";
    case Format::Edf: return "edf";
    case Format::Ishne: return "ishne";
    case Format::IshneAnnotation: return "ishne-annotation";
    case Format::Aecg: return "hl7-aecg";
    case Format::WfdbSignal: return "wfdb-signal";
    case Format::ScpEcg: return "scp-ecg";
    case Format::DicomEcg: return "dicom";
    default: return "unknown";
  }
}

Format detect_format(std::span<const uint8_t> b, std::string_view fileName) {
  // Magic bytes first.
  if (starts_with(b, 0, "ISHNE1.0")) return Format::Ishne;
  if (starts_with(b, 0, "ANN  1.0")) return Format::IshneAnnotation;
  if (!b.empty() && b[0] == 0xFF && starts_with(b, 1, "BIOSEMI")) return Format::Edf;
  if (starts_with(b, 0, "0       ") && b.size() >= 256) return Format::Edf;
  if (starts_with(b, 16, "SCPECG")) return Format::ScpEcg;
  if (starts_with(b, 128, "DICM")) return Format::DicomEcg;
  const std::string_view head = as_text(b.subspan(0, std::min<size_t>(b.size(), 65536)));
  if (looks_like_aecg(head)) return Format::Aecg;
  const std::string ext = extension_of(fileName);
  if (looks_like_text(head)) {
    if (ext == "hea" || looks_like_wfdb_header(head)) return Format::Wfdb;
    const Format byName = from_extension(ext);
    if (byName != Format::Unknown) return byName;
    // Text under an unknown name is CSV when some line of its start is a row of numbers.
    for (std::string_view l : detail::split_lines(head.substr(0, std::min<size_t>(head.size(), 8192)))) {
      l = detail::trim(l);
      if (!l.empty() && l.front() == '"') l.remove_prefix(1);
      if (!l.empty() && (std::isdigit(static_cast<unsigned char>(l.front())) || l.front() == '-' || l.front() == '+' || l.front() == '.'))
        return Format::Csv;
    }
    return Format::Unknown;
  }
  // Then the extension.
  return from_extension(ext);
}

std::vector<std::string> sibling_files(std::span<const uint8_t> bytes, std::string_view fileName,
                                       const ReadOptions& options, const WfdbFileOpener& siblings) {
  std::vector<std::string> out;
  const Format f = detect_format(bytes, fileName);
  if (f == Format::Wfdb) {
    const WfdbHeader h = parse_wfdb_header(as_text(bytes));
    out = wfdb_record_files(h, siblings);
    out.push_back(stem_of(fileName).empty() ? h.recordName + "." + options.annotator
                                            : stem_of(fileName) + "." + options.annotator);
  } else if (f == Format::Ishne) {
    out.push_back(stem_of(fileName) + ".ann");
  }
  return out;
}

namespace {

std::optional<std::span<const uint8_t>> open_sibling(const WfdbFileOpener& siblings, const std::string& name) {
  if (!siblings) return std::nullopt;
  return siblings(name);
}

const char* format_title(Format f) {
  switch (f) {
    case Format::Csv: return "CSV";
    case Format::Edf: return "EDF/BDF";
    case Format::Ishne: return "ISHNE";
    default: return "HL7 aECG";
  }
}

// The reader of an extra format (is_extra_format); the record is named after the file.
Record read_extra(Format f, std::span<const uint8_t> bytes, std::string_view fileName, const ReadOptions& options,
                  const WfdbFileOpener& siblings) {
  const std::string stem = stem_of(fileName);
  Record rec;
  if (f == Format::Csv) {
    CsvOptions o;
    o.sampleRate = options.csvSampleRate;
    o.delimiter = options.csvDelimiter;
    rec = read_csv(as_text(bytes), o);
  } else if (f == Format::Edf) {
    rec = read_edf(bytes);
  } else if (f == Format::Ishne) {
    rec = read_ishne(bytes);
    if (auto ann = open_sibling(siblings, stem + ".ann")) attach_ishne_annotations(rec, *ann);
  } else {
    AecgOptions o;
    o.series = options.aecgSeries;
    rec = read_hl7_aecg(bytes, o);
  }
  rec.name = stem.empty() ? std::string(format_name(f)) : stem;
  return rec;
}

}  // namespace

bool is_extra_format(Format f) {
  return f == Format::Csv || f == Format::Edf || f == Format::Ishne || f == Format::Aecg;
}

Record read_extra_format(std::span<const uint8_t> bytes, std::string_view fileName, const ReadOptions& options,
                         const WfdbFileOpener& siblings) {
  const Format f = detect_format(bytes, fileName);
  if (!is_extra_format(f))
    throw Error("io_unknown_format", "'" + std::string(base_name(fileName)) + "' is not CSV, EDF/BDF, ISHNE or HL7 aECG");
  return read_extra(f, bytes, fileName, options, siblings);
}

namespace {

// The reader of a WFDB record, or the typed error of a format no reader in this build takes.
Record read_base(Format f, std::span<const uint8_t> bytes, std::string_view fileName, const ReadOptions& options,
                 const WfdbFileOpener& siblings) {
  const std::string stem = stem_of(fileName);
  switch (f) {
    case Format::Wfdb: {
      const WfdbHeader h = parse_wfdb_header(as_text(bytes));
      for (char c : options.annotator)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_')
          throw Error("wfdb_annotator_invalid", "annotator '" + options.annotator.substr(0, 40) + "' must be letters, digits or '_'");
      if (options.annotator.empty() || options.annotator.size() > 32)
        throw Error("wfdb_annotator_invalid", "the annotator must be 1..32 letters, digits or '_'");
      Record rec = read_wfdb(h, siblings);
      if (auto ann = open_sibling(siblings, (stem.empty() ? h.recordName : stem) + "." + options.annotator))
        attach_wfdb_annotations(rec, *ann, h.samplingFrequency);
      if (!h.recordName.empty()) rec.name = h.recordName;
      return rec;
    }
    case Format::Csv:
    case Format::Edf:
    case Format::Ishne:
    case Format::Aecg:
      throw Error("io_format_not_loaded", "'" + std::string(base_name(fileName)) + "' is " + format_title(f) +
                                              ", whose reader is not in this build (the WASM formats module reads it)");
    case Format::IshneAnnotation:
      throw Error("io_unknown_format", "'" + std::string(base_name(fileName)) +
                                           "' is an ISHNE annotation file; open the ISHNE .ecg file beside it");
    case Format::WfdbSignal:
      throw Error("wfdb_missing_header", "'" + std::string(base_name(fileName)) +
                                             "' looks like a WFDB signal file; open it with the record's .hea header");
    case Format::ScpEcg:
      throw Error("io_format_unsupported", "SCP-ECG (EN 1064) files are recognised but not read; convert to HL7 aECG, "
                                           "EDF or WFDB (e.g. with biosig's save2gdf)");
    case Format::DicomEcg:
      throw Error("io_format_unsupported", "DICOM waveform (ECG) files are recognised but not read; convert to HL7 "
                                           "aECG, EDF or WFDB (e.g. with biosig's save2gdf)");
    default:
      throw Error("io_unknown_format", "cannot tell the format of '" + std::string(base_name(fileName)) +
                                           "' (expected WFDB .hea, CSV, EDF/BDF, ISHNE .ecg or HL7 aECG .xml)");
  }
}

}  // namespace

Record read_base_format(std::span<const uint8_t> bytes, std::string_view fileName, const ReadOptions& options,
                        const WfdbFileOpener& siblings) {
  return read_base(detect_format(bytes, fileName), bytes, fileName, options, siblings);
}

Record read_any(std::span<const uint8_t> bytes, std::string_view fileName, const ReadOptions& options,
                const WfdbFileOpener& siblings) {
  const Format f = detect_format(bytes, fileName);
  if (is_extra_format(f)) return read_extra(f, bytes, fileName, options, siblings);
  return read_base(f, bytes, fileName, options, siblings);
}

}  // namespace av::io
