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
};

struct Record {
  std::string name;
  double sampleRate = 0.0;  // Hz, per lead (all leads share one rate)
  std::vector<Lead> leads;
  std::vector<Annotation> annotations;  // reference annotations (.atr), may be empty
  // What the file says about the recording, in file order: {"Recorded Date", "2024-03-01 ..."}, {"Device", ...}
  // (CSV metadata lines, EDF patient/recording fields, ISHNE and aECG header fields). May be empty.
  std::vector<std::pair<std::string, std::string>> metadata;

  size_t length() const { return leads.empty() ? 0 : leads.front().samples.size(); }
  double durationSec() const { return sampleRate > 0 ? static_cast<double>(length()) / sampleRate : 0.0; }
};

// Index of the lead the pipeline uses by default: the first named MLII, else 0; -1 if there are no leads.
int default_lead_index(const Record& record);
// Lead chosen by an index ("0") or a name ("V5"); throws av::Error("lead_not_found") otherwise.
int resolve_lead(const Record& record, std::string_view indexOrName);

}  // namespace av
