#pragma once
// Lead names as EDF labels and WFDB descriptions spell them ("MLII", "ECG II", "V5", "D2", ...), compared
// without regard to case. One list serves the choice of the default lead, the readers' choice of the ECG
// signal and the check that a lead is not the models' training lead.
#include <string_view>

namespace av {

// The models' training lead: MIT-BIH's MLII, i.e. lead II, under its usual names.
bool is_training_lead(std::string_view name);

// A standard ECG lead name: the limb and chest leads, their Mason-Likar (ML) and Holter (CM5, CC5) variants,
// the European D1-D3, and a bare "V".
bool is_standard_lead(std::string_view name);

// A name that says the channel is an ECG: "ECG" or "EKG" in it, or a standard lead name. Other channels
// (respiration, EEG, test signals) are not.
bool names_ecg(std::string_view name);

// "ECG" or "EKG" in the name.
bool says_ecg(std::string_view name);

}  // namespace av
