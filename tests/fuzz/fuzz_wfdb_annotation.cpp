// Fuzzes the MIT annotation reader; what it reads must survive a write/read round trip when writable.
#include "fuzz_common.h"
#include "io/wfdb_annotation.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<av::Annotation> anns;
  try {
    anns = av::io::read_wfdb_annotations(std::span<const uint8_t>(data, size));
  } catch (const av::Error&) {
    return 0;
  }
  std::vector<uint8_t> written;
  try {
    written = av::io::write_wfdb_annotations(anns);
  } catch (const av::Error&) {
    return 0;  // e.g. codes or aux strings WFDB cannot store
  }
  const std::vector<av::Annotation> back = av::io::read_wfdb_annotations(written);
  if (back.size() != anns.size()) __builtin_trap();
  for (size_t i = 0; i < back.size(); ++i)
    if (back[i].sample != anns[i].sample || back[i].code != anns[i].code) __builtin_trap();
  return 0;
}
