#pragma once
// ISHNE Holter 1.0 (.ecg; Badilini et al., "The ISHNE Holter standard output file format", 1998): the magic
// "ISHNE1.0", a CRC-CCITT (CRC-16/CCITT-FALSE: polynomial 0x1021, initial 0xFFFF) over the header from byte 10 to
// the ECG block, a 512-byte little-endian fixed header, a variable-length block, then 16-bit samples interleaved
// lead by lead. Its annotation file (.ann, magic "ANN  1.0") has the same header, then the sample of the first
// beat (32-bit) and 4-byte annotations: label, internal code, samples since the previous annotation (16-bit).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/record.h"
#include "io/wfdb_header.h"

namespace av::io {

inline constexpr size_t kIshneFixedHeaderEnd = 522;  // magic (8), CRC (2), fixed header (512)

struct IshneHeader {
  int64_t varBlockSize = 0;
  int64_t ecgSize = 0;     // samples per lead as the header states (some writers give all leads together)
  int64_t ecgOffset = 0;   // byte offset of the ECG block
  int fileVersion = 0;
  std::string firstName, lastName, id, recorder;
  int sex = 0, race = 0;
  int birthDate[3] = {0, 0, 0}, recordDate[3] = {0, 0, 0}, fileDate[3] = {0, 0, 0}, startTime[3] = {0, 0, 0};
  int leads = 0;
  int leadSpec[12] = {}, leadQuality[12] = {}, resolutionNv[12] = {};
  int pacemaker = 0;
  int sampleRate = 0;
  uint16_t crc = 0, computedCrc = 0;
};

// CRC-16/CCITT-FALSE of bytes.
uint16_t crc16_ccitt(std::span<const uint8_t> bytes);

// Parses and checks the header (the first ecgOffset bytes are needed; more are ignored). magic is "ISHNE1.0" for
// ECG files, "ANN  1.0" for annotation files. Errors: ishne_header_invalid (wrong magic, absurd leads, rate,
// offsets or resolution), ishne_truncated (the bytes end inside the header), ishne_crc_mismatch.
IshneHeader parse_ishne_header(std::span<const uint8_t> bytes, const char* magic = "ISHNE1.0");

// Lead name for an ISHNE lead code (5 = "I", 6 = "II", 11 = "V1", ... , 1 = "bipolar", 0 = "unknown").
std::string ishne_lead_name(int code);

// Reads an ISHNE ECG file: each lead in mV (sample × resolution nV), named by its lead code; the header's fields
// in Record::metadata. A sample of -32768 is missing and holds the last value (as the WFDB description reads it). The record is as long as the file's whole frames (a shorter file than the header says is
// ishne_truncated). Errors: those of parse_ishne_header, ishne_truncated, record_too_long.
Record read_ishne(std::span<const uint8_t> bytes);

// Adds an ISHNE annotation file's beats to record.annotations (WFDB codes: N -> N, V -> V, S -> S, B -> B,
// P -> paced, U -> Q, X -> artefact '|'; C (calibration) is skipped; '!' (a time-out) ends the timeline, since
// later times are no longer known). Errors: ishne_header_invalid, ishne_crc_mismatch, ishne_annotation_invalid.
void attach_ishne_annotations(Record& record, std::span<const uint8_t> annBytes);

// The same samples described as a WFDB header (format 16, one signal per lead, byte offset = the ECG block), so
// that the chunked analysis streams a 24–48 h ISHNE file the way it streams WFDB signal files. fileName names
// the .ecg file the signal lines refer to; fileSize is its size in bytes (for the frame count).
WfdbHeader ishne_wfdb_header(const IshneHeader& header, const std::string& fileName, int64_t fileSize);
// The header text of ishne_wfdb_header (what the JS API hands to the stream reader). Its signal lines carry a
// checksum field of 0 (a description must follow all eight fields), so it serves the chunked reader, which checks
// no checksums, not read_wfdb.
std::string wfdb_header_text(const WfdbHeader& header);

}  // namespace av::io
