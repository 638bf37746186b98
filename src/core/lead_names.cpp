#include "core/lead_names.h"

#include <algorithm>
#include <iterator>
#include <string>

#include "core/ascii.h"

namespace av {
namespace {

constexpr const char* kTrainingLead[] = {"MLII", "ML II", "II", "ECG II", "ECG LEAD II", "LEAD II", "D2"};
constexpr const char* kOtherStandard[] = {"I",   "III", "AVR", "AVL", "AVF", "V1",  "V2",  "V3",    "V4",      "V5",
                                          "V6",  "MLI", "MLIII", "MV1", "MV2", "MV3", "MV4", "MV5", "MV6",     "ML5",
                                          "CM5", "CC5", "D1",  "D3",  "V",   "LEAD I", "LEAD III"};

bool in(const char* const* first, const char* const* last, std::string_view name) {
  const std::string u = ascii_upper(name);
  return std::any_of(first, last, [&](const char* n) { return u == n; });
}

}  // namespace

bool is_training_lead(std::string_view name) {
  return in(std::begin(kTrainingLead), std::end(kTrainingLead), name);
}

bool is_standard_lead(std::string_view name) {
  return is_training_lead(name) || in(std::begin(kOtherStandard), std::end(kOtherStandard), name);
}

bool says_ecg(std::string_view name) {
  const std::string u = ascii_upper(name);
  return u.find("ECG") != std::string::npos || u.find("EKG") != std::string::npos;
}

bool names_ecg(std::string_view name) { return says_ecg(name) || is_standard_lead(name); }

}  // namespace av
