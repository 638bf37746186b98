#pragma once
// HL7 annotated ECG (aECG, HL7 v3 "AnnotatedECG", the FDA's XML format): the waveforms of a series' sequence
// sets. Each lead is a sequence of type SLIST_PQ, value = origin + scale × digit in its units (uV, mV, ...), and
// the set's time sequence (GLIST_TS / GLIST_PQ) gives the sampling increment. Parsed with pugixml (vendored in
// third_party/pugixml, MIT) under limits of this reader: no DTD (a document that declares one is refused, so no
// entity can be defined, let alone expanded or fetched), at most kAecgMaxBytes of input, kAecgMaxElements
// elements and kAecgMaxDepth levels of nesting.
#include <cstdint>
#include <span>

#include "core/record.h"

namespace av::io {

inline constexpr size_t kAecgMaxBytes = size_t{256} << 20;  // 256 MiB
inline constexpr size_t kAecgMaxElements = size_t{4} << 20;
inline constexpr int kAecgMaxDepth = 200;

enum class AecgSeries { Rhythm, RepresentativeBeat };

struct AecgOptions {
  // The rhythm strips (the series coded RHYTHM, else the first series), or the representative beats (the derived
  // series coded REPRESENTATIVE_BEAT, one median beat per lead).
  AecgSeries series = AecgSeries::Rhythm;
};

// Reads the chosen series. A series with several sequence sets places each at its time (TIME_ABSOLUTE heads,
// relative to the earliest; sets without an absolute time follow one another); a lead absent from part of the
// record holds its last value there (listed in the metadata as "Gap"). Leads are named by their MDC code
// ("MDC_ECG_LEAD_II" -> "II", "MDC_ECG_LEAD_AVR" -> "aVR"). The effective time, subject and trial ids go to the
// metadata. Errors: aecg_too_large, aecg_dtd_refused, aecg_xml_invalid, aecg_too_deep, aecg_too_many_elements,
// aecg_not_annotated_ecg (the root is not AnnotatedECG), aecg_no_waveform (no series / sequence with digits),
// aecg_sequence_invalid (digits that are not numbers, missing or zero scale, no sampling increment, sets at
// different rates), record_too_long.
Record read_hl7_aecg(std::span<const uint8_t> bytes, const AecgOptions& options = {});

}  // namespace av::io
