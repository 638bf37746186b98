// Fuzzes the record blob decoder (core/record_blob.h), the bytes the WASM core takes from the formats module:
// bad bytes are av::Error, and whatever decodes encodes back to the very same bytes.
#include <cstring>

#include "core/record_blob.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const av::Record r = av::decode_record(std::span<const uint8_t>(data, size));
    const std::string again = av::encode_record(r);
    if (again.size() != size || std::memcmp(again.data(), data, size) != 0) __builtin_trap();
  } catch (const av::Error&) {
  }
  return 0;
}
