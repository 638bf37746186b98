// Fuzzes the HL7 aECG reader (pugixml under this reader's limits): rhythm and representative-beat series.
#include <cmath>

#include "fuzz_common.h"
#include "io/hl7_aecg.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  for (auto series : {av::io::AecgSeries::Rhythm, av::io::AecgSeries::RepresentativeBeat}) {
    try {
      av::io::AecgOptions o;
      o.series = series;
      const av::Record r = av::io::read_hl7_aecg(std::span<const uint8_t>(data, size), o);
      if (r.leads.empty() || !(r.sampleRate > 0) || !std::isfinite(r.sampleRate)) __builtin_trap();
      for (const auto& lead : r.leads)
        if (lead.samples.size() != r.length()) __builtin_trap();
    } catch (const av::Error&) {
    }
  }
  return 0;
}
