#include "io/wfdb_range_source.h"

#include <algorithm>
#include <climits>
#include <optional>
#include <span>

#include "core/error.h"
#include "core/limits.h"
#include "io/wfdb_signal.h"

namespace av::io {

namespace {
// Signal formats as whole units of `samples` samples in `bytes` bytes (212: two samples in three bytes).
struct Packing { int samples, bytes; };
Packing packing_of(int format) {
  switch (format) {
    case 212: return {2, 3};
    case 310: case 311: return {3, 4};
    case 80: return {1, 1};
    case 16: case 61: case 160: return {1, 2};
    case 24: return {1, 3};
    case 32: return {1, 4};
    default: throw Error("wfdb_format_unsupported", "signal format " + std::to_string(format) + " is not supported");
  }
}
}  // namespace

WfdbRangeSource::WfdbRangeSource(WfdbHeader header, FileSize fileSize, ReadBytes readBytes, int signalIndex)
    : header_(std::move(header)), readBytes_(std::move(readBytes)), signal_(signalIndex) {
  if (header_.signals.empty()) throw Error("empty_signal", "the record has no signals");
  if (signal_ < 0 || signal_ >= static_cast<int>(header_.signals.size()))
    throw Error("lead_not_found", "signal " + std::to_string(signalIndex) + " does not exist");
  spf_ = header_.signals[static_cast<size_t>(signal_)].samplesPerFrame;  // multi-frequency: the lead's own rate
  for (const auto& s : header_.signals) {
    if (files_.empty() || files_.back().name != s.fileName) {
      File f;
      f.name = s.fileName;
      f.format = s.format;
      f.offset = s.byteOffset;
      f.size = fileSize(s.fileName);
      if (f.size < 0) throw Error("wfdb_signal_missing", "signal file '" + s.fileName + "' is missing");
      limits::check_input_bytes(static_cast<uint64_t>(f.size), "signal file '" + s.fileName + "'");
      files_.push_back(f);
    }
    files_.back().frameSize += s.samplesPerFrame;
    files_.back().maxSkew = std::max(files_.back().maxSkew, s.skew);
  }
  // Frame count and header consistency exactly as the whole-record reader decides them: ask it with
  // zero-filled stand-ins of each file's first bytes is not possible without the bytes, so count here.
  int64_t available = INT64_MAX;
  for (const File& f : files_) {
    const Packing p = packing_of(f.format);
    const int64_t bytes = std::max<int64_t>(0, f.size - f.offset);
    // Whole units, plus the samples a trailing partial unit holds (as the reader counts them).
    int64_t samples = bytes / p.bytes * p.samples;
    const int64_t rest = bytes % p.bytes;
    if (f.format == 212 && rest >= 2) samples += 1;
    if (f.format == 310 && rest >= 2) samples += 1;
    if (f.format == 311) samples += rest == 3 ? 2 : rest == 2 ? 1 : 0;
    available = std::min(available, samples / std::max(1, f.frameSize));
  }
  if (header_.sampleCount > 0 && available < header_.sampleCount)
    throw Error("wfdb_signal_truncated", "signal files hold " + std::to_string(available) +
                                             " frames but the header says " + std::to_string(header_.sampleCount));
  if (header_.sampleCount == 0 && available == 0)
    throw Error("wfdb_signal_truncated", "the signal files hold no complete frame");
  frames_ = header_.sampleCount > 0 ? header_.sampleCount : available;
}

void WfdbRangeSource::read(int64_t first, int64_t count, float* out) {
  if (count <= 0) return;
  // The frames that hold the range, their byte slices of each signal file (io/wfdb_signal.h), decoded.
  const int64_t f0 = first / spf_, f1 = (first + count + spf_ - 1) / spf_;
  const std::vector<WfdbFileSlice> slices = wfdb_frame_slices(header_, f0, f1 - f0);
  std::vector<std::vector<uint8_t>> bytes(slices.size());
  for (size_t i = 0; i < slices.size(); ++i) bytes[i] = readBytes_(slices[i].fileName, slices[i].offset, slices[i].length);
  const WfdbFileOpener opener = [&](std::string_view name) -> std::optional<std::span<const uint8_t>> {
    for (size_t i = 0; i < slices.size(); ++i)
      if (slices[i].fileName == name) return std::span<const uint8_t>(bytes[i]);
    return std::nullopt;
  };
  const Record part = decode_wfdb_slices(header_, opener, f0, f1 - f0);
  const std::vector<float>& s = part.leads.at(static_cast<size_t>(signal_)).samples;
  const int64_t skip = first - f0 * spf_;
  if (static_cast<int64_t>(s.size()) < skip + count)
    throw Error("wfdb_signal_truncated", "signal data ends before sample " + std::to_string(first + count));
  std::copy_n(s.begin() + skip, count, out);
}

}  // namespace av::io
