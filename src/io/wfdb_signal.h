#pragma once
// WFDB signal files (.dat): decoding of formats 212, 16, 80, 61, 160, 310, 311 (and 24, 32) to millivolts.
// Input is always byte buffers handed over by the caller (the browser has no filesystem). Memory use is
// bounded by the bytes actually supplied, never by the counts a header claims.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/record.h"
#include "io/wfdb_header.h"

namespace av::io {

// Returns the bytes of a signal file named in the header, or nullopt when it is not available.
// The span must stay valid until the reader returns.
using WfdbFileOpener = std::function<std::optional<std::span<const uint8_t>>(std::string_view fileName)>;

// Reads a whole record: every signal as a lead in mV (leads with non-voltage units keep their units). The
// record's rate is frequency × samples per frame of its ECG lead (find_ecg_lead on the descriptions, else
// signal 0); in a multi-frequency record the signals with other samples per frame keep their own rate
// (Lead::sampleRate = frequency × their samples per frame). Skewed signals are shifted by their skew; their
// last skew frames hold the last value. Header checksums are verified over the samples as stored.
// Multi-segment records (header.segments) open each segment's header "<segment>.hea" and its signal files
// through the same opener (see read_multi in the .cpp for layouts and gaps). Errors (av::Error codes):
// wfdb_header_invalid, wfdb_file_name_invalid, wfdb_unsupported, wfdb_format_unsupported,
// wfdb_signal_missing, wfdb_signal_truncated, wfdb_checksum_mismatch, empty_signal, record_too_long (more
// samples than limits::kMaxRecordSamples: use decode_wfdb_frames in chunks).
Record read_wfdb(std::string_view headerText, const WfdbFileOpener& openSignalFile);
Record read_wfdb(const WfdbHeader& header, const WfdbFileOpener& openSignalFile);

// Number of whole frames the record has: the header's count, checked against the data (an error when the
// data is shorter), or what the data holds when the header gives no count.
int64_t wfdb_frame_count(const WfdbHeader& header, const WfdbFileOpener& openSignalFile);

// Decodes frames [firstFrame, firstFrame + count) clipped to the record, for chunked processing of long
// records; of a multi-segment record only the segments the range touches are opened. Checksums are not
// verified (they cover the whole record). annotations stay empty.
Record decode_wfdb_frames(const WfdbHeader& header, const WfdbFileOpener& openSignalFile, int64_t firstFrame,
                          int64_t count);

// Every file a record needs that can be named from its header and the files the opener has: the signal files,
// or for a multi-segment record the segment headers ("<segment>.hea", the layout header among them) and the
// signal files of those segment headers the opener can give. Callers that fetch files ask again after
// fetching the segment headers.
std::vector<std::string> wfdb_record_files(const WfdbHeader& header, const WfdbFileOpener& open);

// Streaming long records without holding whole files: where frames [firstFrame, firstFrame + count) of
// each signal file lie (byte offset from the start of the file, length, and the index of the first sample
// in the slice, aligned to the format's packing). Read those bytes (e.g. File.slice) and decode them with
// decode_wfdb_slices, whose opener returns each file's slice. A slice cut short by the end of the file
// gives a shorter result; frames beyond the header's sample count are never returned.
struct WfdbFileSlice {
  std::string fileName;
  int64_t offset = 0;
  int64_t length = 0;
  int64_t firstSample = 0;
};
std::vector<WfdbFileSlice> wfdb_frame_slices(const WfdbHeader& header, int64_t firstFrame, int64_t count);
Record decode_wfdb_slices(const WfdbHeader& header, const WfdbFileOpener& openSlice, int64_t firstFrame,
                          int64_t count);

}  // namespace av::io
