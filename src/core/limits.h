#pragma once
// The input limits of the whole component, in one place. Readers and the pipeline check against these
// (through the check_* helpers below), so a file is accepted or refused the same way everywhere.
// Each check throws av::Error with the code the caller names (a reader uses its own code such as
// wfdb_header_invalid or edf_header_invalid) or the generic code given as default.
#include <cmath>
#include <cstdint>
#include <string>

#include "core/error.h"

namespace av::limits {

// Largest input file (any format, native or from JS bytes). 1 GiB.
inline constexpr uint64_t kMaxInputBytes = uint64_t{1} << 30;
// Signals (leads) per record, in every format.
inline constexpr int kMaxSignals = 64;
// Sampling rates a reader accepts, Hz. Anything outside is a malformed file.
inline constexpr double kMinReadSampleRate = 1e-3;
inline constexpr double kMaxReadSampleRate = 1e6;
// Sampling rates the analysis accepts (resampled to 360 Hz internally), Hz. A QRS complex needs at
// least 50 Hz to be seen at all; above 20 kHz the resampling kernel grows without benefit.
inline constexpr double kMinAnalysisSampleRate = 50.0;
inline constexpr double kMaxAnalysisSampleRate = 20000.0;
// Samples (all leads together) a reader may decode into one in-memory Record: 2^27 floats = 512 MiB.
// Longer recordings go through the chunked analysis, which never holds the whole record.
inline constexpr int64_t kMaxRecordSamples = int64_t{1} << 27;

inline void check_input_bytes(uint64_t bytes, const std::string& what, const std::string& code = "io_file_too_large") {
  if (bytes > kMaxInputBytes)
    throw Error(code, what + " is " + std::to_string(bytes) + " bytes, more than the limit of " +
                          std::to_string(kMaxInputBytes) + " bytes");
}

inline void check_signal_count(int64_t n, const std::string& code = "too_many_signals", const std::string& where = {}) {
  if (n > kMaxSignals)
    throw Error(code, "number of signals " + std::to_string(n) + " exceeds the limit of " + std::to_string(kMaxSignals),
                where);
}

inline void check_read_sample_rate(double fs, const std::string& code, const std::string& where = {}) {
  if (!(fs >= kMinReadSampleRate && fs <= kMaxReadSampleRate))
    throw Error(code, "sampling frequency " + std::to_string(fs) + " Hz is outside " +
                          std::to_string(kMinReadSampleRate) + ".." + std::to_string(kMaxReadSampleRate) + " Hz",
                where);
}

inline void check_analysis_sample_rate(double fs) {
  if (!(fs >= kMinAnalysisSampleRate && fs <= kMaxAnalysisSampleRate))
    throw Error("sample_rate_out_of_range", "sampling rate " + std::to_string(fs) + " Hz is outside the " +
                                                std::to_string(static_cast<int>(kMinAnalysisSampleRate)) + ".." +
                                                std::to_string(static_cast<int>(kMaxAnalysisSampleRate)) +
                                                " Hz the analysis accepts");
}

inline void check_record_samples(int64_t samplesAllLeads, const std::string& code = "record_too_long") {
  if (samplesAllLeads < 0 || samplesAllLeads > kMaxRecordSamples)
    throw Error(code, "the record has " + std::to_string(samplesAllLeads) + " samples in all leads, more than " +
                          std::to_string(kMaxRecordSamples) + " that fit in memory; analyze it in chunks");
}

}  // namespace av::limits
