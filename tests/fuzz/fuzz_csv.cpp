// Fuzzes the CSV reader (with and without a given sample rate; the first byte picks the delimiter mode).
#include <cmath>

#include "fuzz_common.h"
#include "io/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  av::io::CsvOptions options;
  const char delimiters[] = {'\0', ',', ';', '\t', ' '};
  options.delimiter = delimiters[data[0] % 5];
  options.sampleRate = data[0] & 0x80 ? 360.0 : 0.0;
  try {
    const av::Record r = av::io::read_csv(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1), options);
    if (r.leads.empty() || !(r.sampleRate > 0) || !std::isfinite(r.sampleRate)) __builtin_trap();
    for (const auto& lead : r.leads)
      if (lead.samples.size() != r.length()) __builtin_trap();
  } catch (const av::Error&) {
  }
  return 0;
}
