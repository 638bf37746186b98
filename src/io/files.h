#pragma once
// Native conveniences that read files from disk and hand their bytes to the byte-buffer readers.
// Not used by the WASM build (the browser has no filesystem).
#include <cstdint>
#include <string>
#include <vector>

#include "core/limits.h"
#include "core/record.h"

namespace av::io {

// Files larger than this are refused (io_file_too_large) rather than read into memory.
inline constexpr uint64_t kMaxInputFileBytes = limits::kMaxInputBytes;  // 1 GiB

// Whole file contents. Errors: io_file_not_found, io_file_too_large, io_read_failed.
std::vector<uint8_t> read_file_bytes(const std::string& path, uint64_t maxBytes = kMaxInputFileBytes);

// Reads a WFDB record from its header path: the signal files named in the header from the same folder
// (for a multi-segment record, the segment headers and their signal files), and the reference annotations
// from "<record>.<annotator>" beside the header when that file exists (annotator "atr", "qrs", "wabp", ...;
// letters, digits and '_' only, else wfdb_annotator_invalid). A path without ".hea" ("data/100") names the
// record as WFDB tools do.
Record read_wfdb_file(const std::string& heaPath, const std::string& annotator = "atr");

// Reads a record of any supported format, found from the content first, then the extension (io/dispatch.h):
// WFDB (a .hea header, or a record path without extension; its signal files, segment headers and
// "<record>.<annotator>" come from the same folder), CSV (csvSampleRate is used when the file states no rate),
// EDF/BDF, ISHNE (.ann beside it when present), HL7 aECG. Unknown content: io_unknown_format. The record is
// named after the file.
Record read_record_file(const std::string& path, double csvSampleRate = 0.0, const std::string& annotator = "atr");

}  // namespace av::io
