// libFuzzer harness for every reader in src/io (build with -DAV_FUZZ=ON and clang). The first byte picks
// the reader; for WFDB the rest is "<header>\0<signal file bytes>". Any av::Error is an expected outcome;
// anything else (a crash, a sanitizer report, another exception) is a bug.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "core/error.h"
#include "io/csv.h"
#include "io/edf.h"
#include "io/wfdb_annotation.h"
#include "io/wfdb_signal.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::span<const uint8_t> rest(data + 1, size - 1);
  const std::string_view text(reinterpret_cast<const char*>(rest.data()), rest.size());
  try {
    switch (data[0] % 4) {
      case 0: {
        const size_t cut = text.find('\0');
        const std::string_view hea = text.substr(0, cut);
        const std::span<const uint8_t> dat = cut == std::string_view::npos ? std::span<const uint8_t>() : rest.subspan(cut + 1);
        auto open = [&](std::string_view) -> std::optional<std::span<const uint8_t>> { return dat; };
        const av::io::WfdbHeader h = av::io::parse_wfdb_header(hea);
        // A frame range taken from the data, decoded from slices of it and from the whole of it.
        const int64_t first = dat.empty() ? 0 : dat[0] * 3, count = dat.size() > 1 ? dat[1] * 5 : 7;
        (void)av::io::decode_wfdb_slices(h, open, first, count);
        (void)av::io::decode_wfdb_frames(h, open, first, count);
        (void)av::io::read_wfdb(h, open);
        break;
      }
      case 1: {
        auto anns = av::io::read_wfdb_annotations(rest);
        auto again = av::io::read_wfdb_annotations(av::io::write_wfdb_annotations(anns));
        if (again.size() != anns.size()) __builtin_trap();
        break;
      }
      case 2: {
        av::io::CsvOptions o;
        o.sampleRate = 360;
        (void)av::io::read_csv(text, o);
        break;
      }
      default:
        (void)av::io::read_edf(rest);
        break;
    }
  } catch (const av::Error&) {
  }
  return 0;
}
