#pragma once
// WFDB annotation files in the MIT format (.atr and friends; see WFDB annot(5)): a stream of 16-bit
// little-endian words, 6 bits of type and 10 bits of data, with the pseudo-types SKIP (59, long time
// steps), NUM (60), SUB (61), CHN (62) and AUX (63, free text) modifying the annotation before them.
#include <cstdint>
#include <span>
#include <vector>

#include "core/annotation.h"

namespace av::io {

// Reads every annotation. NUM and CHN persist from one annotation to the next, as in WFDB. AUX strings
// lose their trailing NUL bytes. Errors: wfdb_annotation_invalid (truncated pseudo-annotation, time
// going negative).
std::vector<Annotation> read_wfdb_annotations(std::span<const uint8_t> bytes);

// Writes annotations (in the given order; times may go backwards through SKIP) so that WFDB tools read
// them back: code 1..49, subtype and num in -128..127, chan in 0..255, aux at most 254 bytes (written
// with a terminating NUL). Throws wfdb_annotation_invalid for values WFDB cannot store.
std::vector<uint8_t> write_wfdb_annotations(std::span<const Annotation> annotations);

}  // namespace av::io
