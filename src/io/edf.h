#pragma once
// EDF, EDF+ and BDF/BDF+ (European Data Format; BioSemi's 24-bit variant, version field "\xffBIOSEMI") input:
// 16- or 24-bit samples scaled by each signal's physical and digital minimum and maximum, units converted to mV
// where they are voltages (header text in Latin-1 or UTF-8), "EDF Annotations" / "BDF Annotations" signals skipped.
#include <cstdint>
#include <span>

#include "core/record.h"

namespace av::io {

// Reads every ordinary signal as a lead named by its label. Record::sampleRate is the rate of the ECG lead
// (see find_ecg_lead; else the first signal); signals at other rates keep theirs in Lead::sampleRate. A rate
// within 0.05 % of a whole number from a full 8-character duration field ("0.002777" s) is that number.
// EDF+D/BDF+D (discontinuous) records are placed at the onsets of their time-keeping annotations, relative to
// the first record; the gaps between them hold the last value and are listed in the metadata ("Gap", "Gaps").
// The patient and recording fields, start date and time go to Record::metadata. Errors: edf_header_invalid,
// edf_truncated, edf_no_signal (an EDF+ file of annotations only), edf_annotation_invalid (EDF+D records
// without a time-keeping annotation, or going back in time), record_too_long.
Record read_edf(std::span<const uint8_t> bytes);

// Index of the lead whose label names an ECG ("ECG ...", "EKG", "MLII", "II", "V1".."V6", ...), or -1.
int find_ecg_lead(const Record& record);

}  // namespace av::io
