// Fuzzes WFDB signal decoding: input = header text, NUL, signal file bytes (every file the header names
// gets the same bytes). Decodes the whole record, the frame count and a frame range.
#include "fuzz_common.h"
#include "io/wfdb_signal.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto [headerText, bytes] = av::fuzz::split_at_nul(data, size);
  const av::io::WfdbFileOpener opener = [bytes = bytes](std::string_view) {
    return std::optional<std::span<const uint8_t>>(bytes);
  };
  try {
    const av::io::WfdbHeader h = av::io::parse_wfdb_header(headerText);
    const av::Record r = av::io::read_wfdb(h, opener);
    // Leads at the record's rate share its length (multi-frequency leads keep their own rate and length).
    for (const auto& lead : r.leads)
      if (lead.sampleRate == 0 && lead.samples.size() != r.length()) __builtin_trap();
    const int64_t n = av::io::wfdb_frame_count(h, opener);
    const av::Record part = av::io::decode_wfdb_frames(h, opener, n / 3, n / 2 + 1);
    if (!part.leads.empty() && part.length() > r.length()) __builtin_trap();
  } catch (const av::Error&) {
  }
  return 0;
}
