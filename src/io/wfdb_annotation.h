#pragma once
// WFDB annotation files in the MIT format (.atr and friends; see WFDB annot(5)): a stream of 16-bit
// little-endian words, 6 bits of type and 10 bits of data, with the pseudo-types SKIP (59, long time
// steps), NUM (60), SUB (61), CHN (62) and AUX (63, free text) modifying the annotation before them.
#include <cstdint>
#include <span>
#include <vector>

#include "core/annotation.h"
#include "core/record.h"

namespace av::io {

// Reads every annotation, as WFDB's getann and rdann do: NUM and CHN persist from one annotation to the next,
// subtype and num are signed 8-bit, chan unsigned 8-bit. AUX strings lose trailing NUL bytes. The annotation
// table at the start (the leading NOTE annotations at time 0: "## time resolution: F", "## annotation type
// definitions", "code mnemonic description" custom labels, and the null annotation of code 0 at time 0 after
// them) is read as metadata, not returned: custom labels go to Annotation::symbol of the annotations with that
// code. When the table states a time resolution, *timeResolution receives it in Hz (else 0), and
// annotation times count in that unit. 1003.atr gives rdann's 957 annotations.
// Errors: wfdb_annotation_invalid (truncated pseudo-annotation, time going negative).
std::vector<Annotation> read_wfdb_annotations(std::span<const uint8_t> bytes, double* timeResolution = nullptr);

// Reads annotation bytes into record.annotations, converting times to the record's sample indices: from the
// time resolution the file states, else from frames at frameRate (the header's sampling frequency; 0: the
// record's rate). Use this rather than read_wfdb_annotations when the annotations belong to a decoded record.
void attach_wfdb_annotations(Record& record, std::span<const uint8_t> bytes, double frameRate = 0.0);
// The same conversion without a decoded record: annotation times as sample indices at `sampleRate`.
std::vector<Annotation> read_wfdb_annotations_at(std::span<const uint8_t> bytes, double sampleRate,
                                                 double frameRate = 0.0);

// Writes annotations (in the given order; times may go backwards through SKIP) so that WFDB tools read
// them back: code 1..49, subtype and num in -128..127, chan in 0..255, aux at most 254 bytes (written
// with a terminating NUL). Throws wfdb_annotation_invalid for values WFDB cannot store.
std::vector<uint8_t> write_wfdb_annotations(std::span<const Annotation> annotations);

}  // namespace av::io
