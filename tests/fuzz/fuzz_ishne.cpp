// Fuzzes the ISHNE Holter reader. The first byte picks what the rest is: an ECG file (read whole, and as the
// WFDB header the chunked analysis streams it with), or an annotation file attached to a small record.
#include <cmath>
#include <optional>

#include "fuzz_common.h"
#include "io/ishne.h"
#include "io/wfdb_signal.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::span<const uint8_t> rest(data + 1, size - 1);
  try {
    if (data[0] % 2 == 0) {
      const av::Record r = av::io::read_ishne(rest);
      if (r.leads.empty() || !(r.sampleRate > 0)) __builtin_trap();
      for (const auto& lead : r.leads)
        if (lead.samples.size() != r.length()) __builtin_trap();
      // The same bytes through the WFDB description, its first frames (a range starting later would hold a missing
      // first sample at 0, not at the value before the range).
      const av::io::WfdbHeader h = av::io::ishne_wfdb_header(av::io::parse_ishne_header(rest), "f.ecg",
                                                             static_cast<int64_t>(rest.size()));
      const av::io::WfdbHeader again = av::io::parse_wfdb_header(av::io::wfdb_header_text(h));
      auto open = [&](std::string_view) -> std::optional<std::span<const uint8_t>> { return rest; };
      const av::Record part = av::io::decode_wfdb_frames(again, open, 0, 100);
      for (size_t k = 0; k < part.leads.size(); ++k)
        for (size_t i = 0; i < part.leads[k].samples.size(); ++i)
          if (part.leads[k].samples[i] != r.leads[k].samples[i]) __builtin_trap();
    } else {
      av::Record r;
      r.sampleRate = 200;
      av::io::attach_ishne_annotations(r, rest);
    }
  } catch (const av::Error&) {
  }
  return 0;
}
