#pragma once
// EDF and EDF+ (European Data Format) input: 16-bit samples scaled by each signal's physical and digital
// minimum and maximum, units converted to mV where they are voltages, "EDF Annotations" signals skipped.
#include <cstdint>
#include <span>

#include "core/record.h"

namespace av::io {

// Reads every ordinary signal as a lead named by its label. A Record has one sample rate, so when
// signals differ in rate only those sharing the rate of the ECG lead (see find_ecg_lead; else the first
// signal) are kept. EDF+D files are read as if contiguous. Errors: edf_header_invalid, edf_truncated,
// edf_unsupported (BDF), empty_signal.
Record read_edf(std::span<const uint8_t> bytes);

// Index of the lead whose label names an ECG ("ECG ...", "EKG", "MLII", "II", "V1".."V6", ...), or -1.
int find_ecg_lead(const Record& record);

}  // namespace av::io
