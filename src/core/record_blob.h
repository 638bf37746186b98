#pragma once
// A record as one byte string, exact to the bit: how the WASM formats module (CSV, EDF/BDF, ISHNE, HL7 aECG readers)
// hands what it read to the core module, whose heap the analysis runs in. Little-endian; layout in record_blob.cpp.
#include <cstdint>
#include <span>
#include <string>

#include "core/record.h"

namespace av {

std::string encode_record(const Record& record);

// Throws av::Error("record_blob_invalid") naming what is wrong (wrong magic or version, truncated, a count larger
// than the bytes left, bytes after the end). Never reads past the bytes given or allocates more than they hold.
Record decode_record(std::span<const uint8_t> bytes);

}  // namespace av
