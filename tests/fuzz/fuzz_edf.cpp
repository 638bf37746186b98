// Fuzzes the EDF/EDF+/BDF reader.
#include <cmath>

#include "fuzz_common.h"
#include "io/edf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const av::Record r = av::io::read_edf(std::span<const uint8_t>(data, size));
    if (r.leads.empty() || !(r.sampleRate > 0) || !std::isfinite(r.sampleRate)) __builtin_trap();
    // Leads at the record's rate share its length; a lead at its own rate has as many seconds of samples.
    for (const auto& lead : r.leads) {
      if (lead.sampleRate == 0 && lead.samples.size() != r.length()) __builtin_trap();
      if (lead.sampleRate > 0 && std::fabs(lead.samples.size() / lead.sampleRate - r.durationSec()) > 1e-6 * r.durationSec() + 2.0)
        __builtin_trap();
    }
    (void)av::io::find_ecg_lead(r);
  } catch (const av::Error&) {
  }
  return 0;
}
