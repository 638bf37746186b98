// Fuzzes the WFDB header parser (.hea text).
#include "fuzz_common.h"
#include "io/wfdb_header.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const av::io::WfdbHeader h =
        av::io::parse_wfdb_header(std::string_view(reinterpret_cast<const char*>(data), size));
    // Invariants the signal reader relies on.
    // (A multi-segment header lists segments; its signals are in the segments' headers.)
    if (!h.multiSegment() && h.signalCount != static_cast<int>(h.signals.size())) __builtin_trap();
    if (h.multiSegment() && (!h.signals.empty() || h.segments.size() > static_cast<size_t>(av::io::kWfdbMaxSegments)))
      __builtin_trap();
    for (const auto& seg : h.segments)
      if (seg.name.find('/') != std::string::npos || seg.name.find('\\') != std::string::npos || seg.frames < 0)
        __builtin_trap();
    if (h.signals.size() > static_cast<size_t>(av::io::kWfdbMaxSignals)) __builtin_trap();
    for (const auto& s : h.signals)
      if (s.fileName.find('/') != std::string::npos || s.fileName.find('\\') != std::string::npos) __builtin_trap();
  } catch (const av::Error&) {
  }
  return 0;
}
