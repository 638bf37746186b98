#include "core/record.h"

#include <cctype>
#include <charconv>
#include <string>
#include <cmath>

#include "core/error.h"
#include "core/lead_names.h"

namespace av {


int default_lead_index(const Record& record) {
  if (record.leads.empty()) return -1;
  // The models' training lead first (MLII, lead II), then any lead named as an ECG, then the first lead
  // at the record's own rate, then lead 0.
  for (size_t i = 0; i < record.leads.size(); ++i)
    if (is_training_lead(record.leads[i].name)) return static_cast<int>(i);
  for (size_t i = 0; i < record.leads.size(); ++i)
    if (names_ecg(record.leads[i].name)) return static_cast<int>(i);
  for (size_t i = 0; i < record.leads.size(); ++i)
    if (record.leads[i].sampleRate == 0.0) return static_cast<int>(i);
  return 0;
}

double lead_sample_rate(const Record& record, int leadIndex) {
  const Lead& lead = record.leads.at(static_cast<size_t>(leadIndex));
  return lead.sampleRate > 0 ? lead.sampleRate : record.sampleRate;
}

Record at_lead_rate(const Record& record, int leadIndex) {
  const double fs = lead_sample_rate(record, leadIndex);
  Record out = record;
  if (fs == record.sampleRate) return out;
  out.sampleRate = fs;
  for (size_t i = 0; i < out.leads.size(); ++i) {
    const double own = lead_sample_rate(record, static_cast<int>(i));
    out.leads[i].sampleRate = own == fs ? 0.0 : own;
  }
  for (Annotation& a : out.annotations)
    a.sample = static_cast<int64_t>(std::llround(static_cast<double>(a.sample) * fs / record.sampleRate));
  return out;
}

int resolve_lead(const Record& record, std::string_view indexOrName) {
  if (record.leads.empty()) throw Error("empty_signal", "the record has no leads");
  if (indexOrName.empty()) return default_lead_index(record);
  for (size_t i = 0; i < record.leads.size(); ++i)
    if (record.leads[i].name == indexOrName) return static_cast<int>(i);
  int index = -1;
  auto [end, ec] = std::from_chars(indexOrName.data(), indexOrName.data() + indexOrName.size(), index);
  if (ec == std::errc() && end == indexOrName.data() + indexOrName.size() && index >= 0 &&
      index < static_cast<int>(record.leads.size()))
    return index;
  throw Error("lead_not_found", "no lead named or numbered '" + std::string(indexOrName) + "' (the record has " +
                                    std::to_string(record.leads.size()) + " leads)");
}

}  // namespace av
