#pragma once
// WFDB header (.hea) parsing: the record line, one line per signal (or, for a multi-segment record, one line
// per segment), and comments (see WFDB header(5)).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/limits.h"

namespace av::io {

// Limits that keep hostile headers from asking for absurd work; values beyond them are errors.
inline constexpr int kWfdbMaxSignals = limits::kMaxSignals;
inline constexpr double kWfdbMaxSamplingFrequency = limits::kMaxReadSampleRate;  // Hz
inline constexpr int kWfdbMaxSamplesPerFrame = 1024;
inline constexpr int kWfdbMaxSegments = 100000;

struct WfdbSignal {
  std::string fileName;        // e.g. "100.dat"; never contains '/' or '\\'
  int format = 0;              // 212, 16, 80, 61, 160, 310, 311, 24, 32
  int samplesPerFrame = 1;     // "x" suffix of the format field
  int skew = 0;                // ":" suffix, in frames
  int64_t byteOffset = 0;      // "+" suffix, bytes to skip at the start of the file
  double gain = 200.0;         // ADC units per physical unit, may be negative; 0 or missing means the default 200
  int baseline = 0;            // ADC value of 0 physical units; defaults to adcZero
  std::string units = "mV";    // physical units; defaults to mV
  int adcResolution = 0;       // bits; 0 in the file means the format's default (filled in here)
  int adcZero = 0;
  int initialValue = 0;        // defaults to adcZero
  bool hasChecksum = false;
  int checksum = 0;            // 16-bit signed sum of all samples of this signal
  int blockSize = 0;
  std::string description;     // lead name such as "MLII" (rest of the line)
};

// One segment of a multi-segment record: its record name ("~" for a null segment: a gap) and its frames.
struct WfdbSegment {
  std::string name;
  int64_t frames = 0;
};

struct WfdbHeader {
  std::string recordName;
  int signalCount = 0;
  double samplingFrequency = 250.0;  // frames per second; WFDB's default when absent
  double counterFrequency = 0.0;     // 0 when absent
  double baseCounter = 0.0;
  int64_t sampleCount = 0;           // frames per signal; 0 when not stated (then the data decides)
  std::string baseTime;              // "HH:MM:SS[.sss]" as written, or empty
  std::string baseDate;              // "DD/MM/YYYY" as written, or empty
  std::vector<WfdbSignal> signals;
  std::vector<std::string> comments;  // comment lines without the leading '#'
  // Multi-segment records ("name/nseg" on the record line): the segments in order; signals stays empty (the
  // signals are in the segments' own headers, and in the layout header when the first segment has 0 frames).
  std::vector<WfdbSegment> segments;
  bool multiSegment() const { return !segments.empty(); }
};

// Parses header text (LF or CRLF). Throws av::Error with code wfdb_header_invalid (location "line N"),
// wfdb_file_name_invalid (a signal file or segment name with a path separator) or wfdb_unsupported.
WfdbHeader parse_wfdb_header(std::string_view text);

// Default ADC resolution in bits for a signal format (12 for 212, 10 for 310/311, ...); 0 if unknown.
int wfdb_default_adc_resolution(int format);
// True for the signal formats this reader can decode.
bool wfdb_format_supported(int format);

}  // namespace av::io
