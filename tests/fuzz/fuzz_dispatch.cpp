// Fuzzes the reader-by-content dispatch and every reader behind it. The first byte picks the file name's
// extension (so name and content may disagree); every sibling file the record asks for (signal files, segment
// headers, annotation files) is the input itself, so multi-segment headers meet themselves as segments.
#include <cmath>
#include <optional>

#include "fuzz_common.h"
#include "io/dispatch.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const char* const kNames[] = {"r.hea", "r.csv", "r.edf", "r.bdf", "r.ecg", "r.xml", "r.dat", "r", "r.txt", "r.scp"};
  const char* name = kNames[data[0] % 10];
  const std::span<const uint8_t> rest(data + 1, size - 1);
  auto open = [&](std::string_view) -> std::optional<std::span<const uint8_t>> { return rest; };
  try {
    (void)av::io::detect_format(rest, name);
    (void)av::io::sibling_files(rest, name, {}, open);
  } catch (const av::Error&) {
  }
  try {
    av::io::ReadOptions o;
    o.csvSampleRate = 250;
    const av::Record r = av::io::read_any(rest, name, o, open);
    if (r.leads.empty() || !(r.sampleRate > 0) || !std::isfinite(r.sampleRate)) __builtin_trap();
    for (const auto& lead : r.leads)
      if (lead.sampleRate == 0 && lead.samples.size() != r.length()) __builtin_trap();
  } catch (const av::Error&) {
  }
  return 0;
}
