// Fuzzes the EDF/EDF+ reader.
#include <cmath>

#include "fuzz_common.h"
#include "io/edf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const av::Record r = av::io::read_edf(std::span<const uint8_t>(data, size));
    if (r.leads.empty() || !(r.sampleRate > 0) || !std::isfinite(r.sampleRate)) __builtin_trap();
    for (const auto& lead : r.leads)
      if (lead.samples.size() != r.length()) __builtin_trap();
    (void)av::io::find_ecg_lead(r);
  } catch (const av::Error&) {
  }
  return 0;
}
