#pragma once
// A decoded ECG recording: physical-unit samples per lead, plus reference annotations if any.
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/annotation.h"

namespace av {

struct Lead {
  std::string name;          // "MLII", "V5", ... (WFDB description or EDF label)
  std::string units = "mV";  // samples are always converted to mV when the source units allow
  std::vector<float> samples;
  // This lead's own sampling rate in Hz where it differs from Record::sampleRate (multi-frequency WFDB records,
  // EDF signals at other rates); 0 means the record's rate.
  double sampleRate = 0.0;
};

struct Record {
  std::string name;
  double sampleRate = 0.0;  // Hz: the rate of the leads without their own (Lead::sampleRate 0) and of the annotations
  std::vector<Lead> leads;
  std::vector<Annotation> annotations;  // reference annotations (.atr), may be empty
  // What the file says about the recording, in file order: {"Recorded Date", "2024-03-01 ..."}, {"Device", ...}
  // (CSV metadata lines, EDF patient/recording fields, ISHNE and aECG header fields). May be empty.
  std::vector<std::pair<std::string, std::string>> metadata;

  // Samples per lead at sampleRate (the first lead without a rate of its own).
  size_t length() const {
    for (const Lead& l : leads)
      if (l.sampleRate == 0.0) return l.samples.size();
    return leads.empty() ? 0 : leads.front().samples.size();
  }
  double durationSec() const { return sampleRate > 0 ? static_cast<double>(length()) / sampleRate : 0.0; }
};

// Index of the lead the pipeline uses by default: the first named MLII, else the first lead at the record's rate
// (else 0); -1 if there are no leads.
int default_lead_index(const Record& record);
// Sampling rate of lead i: its own, or the record's.
double lead_sample_rate(const Record& record, int leadIndex);
// The record as the single-rate analysis takes it when lead i has a rate of its own: sampleRate is lead i's
// rate, leads at that rate lose their own rate, the others keep theirs, and annotations are moved to the new
// rate. A record whose lead i is at the record's rate comes back unchanged.
Record at_lead_rate(const Record& record, int leadIndex);
// Lead chosen by an index ("0") or a name ("V5"); throws av::Error("lead_not_found") otherwise.
int resolve_lead(const Record& record, std::string_view indexOrName);

}  // namespace av
