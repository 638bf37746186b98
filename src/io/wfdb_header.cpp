#include "io/wfdb_header.h"

#include <cmath>

#include "core/error.h"
#include "io/text_util.h"

namespace av::io {
namespace {

using detail::parse_double;
using detail::parse_int;

[[noreturn]] void fail(size_t lineNo, const std::string& message) {
  throw Error("wfdb_header_invalid", message, "line " + std::to_string(lineNo));
}

bool valid_record_name(std::string_view name) {
  if (name.empty() || name.size() > 256) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '-' || c == '.' || c == '~';
    if (!ok) return false;
  }
  return true;
}

// "fs[/counterfreq[(basecounter)]]"
void parse_frequency(std::string_view field, WfdbHeader& h, size_t lineNo) {
  std::string_view fs = field, counter;
  if (size_t slash = field.find('/'); slash != std::string_view::npos) {
    fs = field.substr(0, slash);
    counter = field.substr(slash + 1);
  }
  if (!parse_double(fs, h.samplingFrequency)) fail(lineNo, "expected sampling frequency, got '" + std::string(fs) + "'");
  if (!(h.samplingFrequency > 0.0)) fail(lineNo, "sampling frequency must be positive");
  limits::check_read_sample_rate(h.samplingFrequency, "wfdb_header_invalid", "line " + std::to_string(lineNo));
  if (!counter.empty()) {
    std::string_view base;
    if (size_t paren = counter.find('('); paren != std::string_view::npos) {
      if (counter.back() != ')') fail(lineNo, "malformed base counter value");
      base = counter.substr(paren + 1, counter.size() - paren - 2);
      counter = counter.substr(0, paren);
    }
    if (!parse_double(counter, h.counterFrequency) || h.counterFrequency < 0)
      fail(lineNo, "malformed counter frequency");
    if (!base.empty() && !parse_double(base, h.baseCounter)) fail(lineNo, "malformed base counter value");
  }
}

void parse_record_line(std::string_view line, WfdbHeader& h, size_t lineNo) {
  auto f = detail::split_whitespace(line);
  std::string_view name = f[0];
  if (size_t slash = name.find('/'); slash != std::string_view::npos) {
    int nseg = 0;
    if (!parse_int(name.substr(slash + 1), nseg) || nseg < 1 || nseg > kWfdbMaxSegments)
      fail(lineNo, "invalid number of segments '" + std::string(name.substr(slash + 1)) + "'");
    h.segments.resize(static_cast<size_t>(nseg));  // names filled by the segment lines
    name = name.substr(0, slash);
  }
  if (!valid_record_name(name)) fail(lineNo, "invalid record name");
  h.recordName = std::string(name);
  if (f.size() < 2) fail(lineNo, "expected number of signals");
  if (!parse_int(f[1], h.signalCount) || h.signalCount < 0) fail(lineNo, "expected number of signals, got '" + std::string(f[1]) + "'");
  limits::check_signal_count(h.signalCount, "wfdb_header_invalid", "line " + std::to_string(lineNo));
  if (f.size() >= 3) parse_frequency(f[2], h, lineNo);
  if (f.size() >= 4) {
    if (!parse_int(f[3], h.sampleCount) || h.sampleCount < 0)
      fail(lineNo, "expected number of samples, got '" + std::string(f[3]) + "'");
  }
  if (f.size() >= 5) h.baseTime = std::string(f[4]);
  if (f.size() >= 6) h.baseDate = std::string(f[5]);
  if (f.size() > 6) fail(lineNo, "too many fields on the record line");
}

// "format[xspf][:skew][+offset]"
void parse_format(std::string_view field, WfdbSignal& s, size_t lineNo) {
  auto cut = [&](char mark) -> std::string_view {
    size_t p = field.find(mark);
    if (p == std::string_view::npos) return {};
    std::string_view rest = field.substr(p + 1);
    field = field.substr(0, p);
    if (rest.empty()) fail(lineNo, std::string("empty '") + mark + "' suffix in the format field");
    return rest;
  };
  std::string_view offset = cut('+');
  std::string_view skew = cut(':');
  std::string_view spf = cut('x');
  if (!parse_int(field, s.format) || s.format < 0) fail(lineNo, "expected signal format, got '" + std::string(field) + "'");
  if (!spf.empty() && (!parse_int(spf, s.samplesPerFrame) || s.samplesPerFrame < 1 ||
                       s.samplesPerFrame > kWfdbMaxSamplesPerFrame))
    fail(lineNo, "invalid samples per frame");
  if (!skew.empty() && (!parse_int(skew, s.skew) || s.skew < 0 || s.skew > (1 << 24))) fail(lineNo, "invalid skew");
  if (!offset.empty() && (!parse_int(offset, s.byteOffset) || s.byteOffset < 0)) fail(lineNo, "invalid byte offset");
}

// "gain[(baseline)][/units]"; returns whether a baseline was given.
bool parse_gain(std::string_view field, WfdbSignal& s, size_t lineNo) {
  bool hasBaseline = false;
  if (size_t slash = field.find('/'); slash != std::string_view::npos) {
    s.units = std::string(field.substr(slash + 1));
    field = field.substr(0, slash);
  }
  if (size_t paren = field.find('('); paren != std::string_view::npos) {
    if (field.back() != ')') fail(lineNo, "malformed baseline");
    if (!parse_int(field.substr(paren + 1, field.size() - paren - 2), s.baseline)) fail(lineNo, "malformed baseline");
    hasBaseline = true;
    field = field.substr(0, paren);
  }
  // Negative gains are legal (an inverted signal, e.g. wave_4's DEV_Temperature).
  if (!parse_double(field, s.gain)) fail(lineNo, "expected ADC gain, got '" + std::string(field) + "'");
  if (s.gain == 0.0) s.gain = 200.0;
  return hasBaseline;
}

WfdbSignal parse_signal_line(std::string_view line, size_t lineNo) {
  WfdbSignal s;
  // Eight fields, then the description: the rest of the line, spaces included.
  std::vector<std::string_view> f;
  size_t i = 0;
  while (i < line.size() && f.size() < 8) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
    if (j > i) f.push_back(line.substr(i, j - i));
    i = j;
  }
  if (f.size() == 8) s.description = std::string(detail::trim(line.substr(i)));

  s.fileName = std::string(f[0]);
  if (s.fileName.find_first_of("/\\") != std::string::npos || s.fileName.find('\0') != std::string::npos)
    throw Error("wfdb_file_name_invalid", "signal file name '" + s.fileName + "' contains a path separator",
                "line " + std::to_string(lineNo));
  if (s.fileName == "." || s.fileName == "..")
    throw Error("wfdb_file_name_invalid", "signal file name '" + s.fileName + "' is not a file",
                "line " + std::to_string(lineNo));
  if (f.size() < 2) fail(lineNo, "expected signal format");
  parse_format(f[1], s, lineNo);
  bool hasBaseline = false;
  if (f.size() >= 3) hasBaseline = parse_gain(f[2], s, lineNo);
  if (f.size() >= 4 && (!parse_int(f[3], s.adcResolution) || s.adcResolution < 0 || s.adcResolution > 32))
    fail(lineNo, "expected ADC resolution, got '" + std::string(f[3]) + "'");
  if (s.adcResolution == 0) s.adcResolution = wfdb_default_adc_resolution(s.format);
  if (f.size() >= 5 && !parse_int(f[4], s.adcZero)) fail(lineNo, "expected ADC zero, got '" + std::string(f[4]) + "'");
  s.initialValue = s.adcZero;
  if (f.size() >= 6 && !parse_int(f[5], s.initialValue))
    fail(lineNo, "expected initial value, got '" + std::string(f[5]) + "'");
  if (f.size() >= 7) {
    if (!parse_int(f[6], s.checksum)) fail(lineNo, "expected checksum, got '" + std::string(f[6]) + "'");
    s.hasChecksum = true;
  }
  if (f.size() >= 8 && (!parse_int(f[7], s.blockSize) || s.blockSize < 0))
    fail(lineNo, "expected block size, got '" + std::string(f[7]) + "'");
  if (!hasBaseline) s.baseline = s.adcZero;
  return s;
}

}  // namespace

int wfdb_default_adc_resolution(int format) {
  switch (format) {
    case 80: return 8;
    case 8: case 212: return 12;
    case 310: case 311: return 10;
    case 16: case 61: case 160: return 16;
    case 24: return 24;
    case 32: return 32;
    default: return 0;
  }
}

bool wfdb_format_supported(int format) {
  switch (format) {
    case 8: case 212: case 16: case 80: case 61: case 160: case 310: case 311: case 24: case 32:
      return true;
    default:
      return false;
  }
}

WfdbHeader parse_wfdb_header(std::string_view text) {
  if (text.empty()) throw Error("wfdb_header_invalid", "the header is empty");
  if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF && static_cast<unsigned char>(text[1]) == 0xBB &&
      static_cast<unsigned char>(text[2]) == 0xBF)
    text.remove_prefix(3);  // UTF-8 byte order mark
  if (text.find('\0') != std::string_view::npos) throw Error("wfdb_header_invalid", "the header is not text");

  WfdbHeader h;
  bool haveRecordLine = false;
  size_t segmentLines = 0;
  size_t lineNo = 0;
  for (std::string_view raw : detail::split_lines(text)) {
    ++lineNo;
    std::string_view line = detail::trim(raw);
    if (line.empty()) continue;
    if (line.front() == '#') {
      h.comments.emplace_back(detail::trim(line.substr(1)));
      continue;
    }
    if (!haveRecordLine) {
      parse_record_line(line, h, lineNo);
      haveRecordLine = true;
      continue;
    }
    if (h.multiSegment()) {
      // "segment-name frames": a record in the same folder, or "~" (a null segment)
      if (segmentLines >= h.segments.size())
        fail(lineNo, "more segment lines than the " + std::to_string(h.segments.size()) + " the record line declares");
      const auto sf = detail::split_whitespace(line);
      WfdbSegment& seg = h.segments[segmentLines++];
      seg.name = std::string(sf[0]);
      if (seg.name.find_first_of("/\\") != std::string::npos)
        throw Error("wfdb_file_name_invalid", "segment name '" + seg.name + "' contains a path separator",
                    "line " + std::to_string(lineNo));
      if (seg.name != "~" && !valid_record_name(seg.name)) fail(lineNo, "invalid segment name '" + seg.name + "'");
      if (sf.size() < 2 || !parse_int(sf[1], seg.frames) || seg.frames < 0)
        fail(lineNo, "expected the number of samples of segment '" + seg.name + "'");
      continue;
    }
    if (static_cast<int>(h.signals.size()) >= h.signalCount)
      fail(lineNo, "more signal lines than the " + std::to_string(h.signalCount) + " the record line declares");
    h.signals.push_back(parse_signal_line(line, lineNo));
  }
  if (!haveRecordLine) throw Error("wfdb_header_invalid", "no record line", "line 1");
  if (h.multiSegment()) {
    if (segmentLines < h.segments.size())
      fail(lineNo + 1, "expected " + std::to_string(h.segments.size()) + " segment lines, found " +
                           std::to_string(segmentLines));
    return h;
  }
  if (static_cast<int>(h.signals.size()) < h.signalCount)
    fail(lineNo + 1, "expected " + std::to_string(h.signalCount) + " signal lines, found " +
                         std::to_string(h.signals.size()));
  return h;
}

}  // namespace av::io
