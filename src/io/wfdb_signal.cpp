#include "io/wfdb_signal.h"

#include <algorithm>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/limits.h"
#include "io/text_util.h"

namespace av::io {
namespace {

// The signals stored together in one file (consecutive header lines naming the same file).
struct Group {
  std::string fileName;
  int format = 0;
  std::vector<int> signals;       // header indices
  std::vector<int> positions;     // index of each signal's first sample within a frame
  int frameSize = 0;              // samples per frame in this file
  std::span<const uint8_t> data;  // after the byte offset (or a slice of the file)
  int64_t sampleBase = 0;         // index in the file's sample stream of the first sample in data
  int64_t frames = 0;             // frames available: data ends after this many frames of the file
};

// Samples and bytes of one packing unit (212 packs 2 samples in 3 bytes, 310/311 pack 3 in 4).
struct Packing {
  int samples, bytes;
};
Packing packing(int format) {
  switch (format) {
    case 80: return {1, 1};
    case 212: return {2, 3};
    case 310: case 311: return {3, 4};
    case 24: return {1, 3};
    case 32: return {1, 4};
    default: return {1, 2};
  }
}

inline int32_t sign_extend(uint32_t v, int bits) {
  const uint32_t m = 1u << (bits - 1);
  return static_cast<int32_t>((v ^ m) - m);
}

// Number of complete samples that `n` bytes of a file in `format` hold.
int64_t samples_in_bytes(int format, int64_t n) {
  switch (format) {
    case 80: return n;
    case 16: case 61: case 160: return n / 2;
    case 24: return n / 3;
    case 32: return n / 4;
    case 212: return 2 * (n / 3) + (n % 3 >= 2 ? 1 : 0);
    case 310: return 3 * (n / 4) + (n % 4 >= 2 ? 1 : 0);
    case 311: return 3 * (n / 4) + (n % 4 == 3 ? 2 : n % 4 == 2 ? 1 : 0);
    default: return 0;
  }
}

// The value WFDB writes for "no sample here" in each format.
int32_t invalid_sample(int format) {
  switch (format) {
    case 80: return -128;
    case 212: return -2048;
    case 310: case 311: return -512;
    case 24: return -(1 << 23);
    case 32: return INT32_MIN;
    default: return -32768;
  }
}

// Decodes samples [first, first + count) of a file's interleaved sample stream into out.
// The caller guarantees that all of them lie within data (see samples_in_bytes).
void decode_samples(int format, const uint8_t* d, int64_t first, int64_t count, int32_t* out) {
  const int64_t end = first + count;
  switch (format) {
    case 80:  // 8-bit offset binary
      for (int64_t k = first; k < end; ++k) *out++ = static_cast<int32_t>(d[k]) - 128;
      break;
    case 16:  // 16-bit two's complement, little-endian
      for (int64_t k = first; k < end; ++k)
        *out++ = static_cast<int16_t>(static_cast<uint16_t>(d[2 * k] | (d[2 * k + 1] << 8)));
      break;
    case 61:  // 16-bit two's complement, big-endian
      for (int64_t k = first; k < end; ++k)
        *out++ = static_cast<int16_t>(static_cast<uint16_t>((d[2 * k] << 8) | d[2 * k + 1]));
      break;
    case 160:  // 16-bit offset binary, little-endian
      for (int64_t k = first; k < end; ++k) *out++ = static_cast<int32_t>(d[2 * k] | (d[2 * k + 1] << 8)) - 32768;
      break;
    case 24:
      for (int64_t k = first; k < end; ++k)
        *out++ = sign_extend(d[3 * k] | (d[3 * k + 1] << 8) | (static_cast<uint32_t>(d[3 * k + 2]) << 16), 24);
      break;
    case 32:
      for (int64_t k = first; k < end; ++k)
        *out++ = static_cast<int32_t>(d[4 * k] | (d[4 * k + 1] << 8) | (d[4 * k + 2] << 16) |
                                      (static_cast<uint32_t>(d[4 * k + 3]) << 24));
      break;
    case 212:  // two 12-bit samples in three bytes; the middle byte holds both high nibbles
      for (int64_t k = first; k < end; ++k) {
        const uint8_t* b = d + 3 * (k >> 1);
        const uint32_t v = (k & 1) ? ((b[1] & 0xF0u) << 4) | b[2] : ((b[1] & 0x0Fu) << 8) | b[0];
        *out++ = sign_extend(v, 12);
      }
      break;
    case 310:  // three 10-bit samples in two 16-bit LE words: bits 1-10 of each word, then the two top 5-bit parts
      for (int64_t k = first; k < end; ++k) {
        const uint8_t* b = d + 4 * (k / 3);
        const uint32_t w0 = b[0] | (b[1] << 8);
        uint32_t v;
        switch (k % 3) {
          case 0: v = (w0 >> 1) & 0x3FF; break;
          case 1: v = ((b[2] | (b[3] << 8)) >> 1) & 0x3FF; break;
          default: v = (w0 >> 11) | (((b[2] | (b[3] << 8)) >> 11) << 5); break;
        }
        *out++ = sign_extend(v, 10);
      }
      break;
    case 311:  // three 10-bit samples in the low 30 bits of a 32-bit LE word
      for (int64_t k = first; k < end; ++k) {
        const uint8_t* b = d + 4 * (k / 3);
        const int i = static_cast<int>(k % 3);
        // Only touch the bytes this sample needs (a trailing partial word may be short).
        uint32_t v;
        if (i == 0) v = b[0] | ((b[1] & 0x03u) << 8);
        else if (i == 1) v = (b[1] >> 2) | ((b[2] & 0x0Fu) << 6);
        else v = (b[2] >> 4) | ((b[3] & 0x3Fu) << 4);
        *out++ = sign_extend(v, 10);
      }
      break;
  }
}

std::vector<Group> make_groups(const WfdbHeader& h) {
  std::vector<Group> groups;
  for (int i = 0; i < static_cast<int>(h.signals.size()); ++i) {
    const WfdbSignal& s = h.signals[static_cast<size_t>(i)];
    const std::string where = "signal " + std::to_string(i);
    if (!wfdb_format_supported(s.format))
      throw Error("wfdb_format_unsupported", "signal format " + std::to_string(s.format) + " is not supported", where);
    if (s.samplesPerFrame != h.signals.front().samplesPerFrame)
      throw Error("wfdb_unsupported", "signals with different samples per frame (multi-frequency records)", where);
    if (groups.empty() || groups.back().fileName != s.fileName) {
      for (const Group& g : groups)
        if (g.fileName == s.fileName)
          throw Error("wfdb_header_invalid", "signals of file '" + s.fileName + "' are not on consecutive lines", where);
      groups.push_back(Group{s.fileName, s.format, {}, {}, 0, {}, 0, 0});
    } else if (groups.back().format != s.format) {
      throw Error("wfdb_header_invalid", "signals in one file must share one format", where);
    }
    Group& g = groups.back();
    g.signals.push_back(i);
    g.positions.push_back(g.frameSize);
    g.frameSize += s.samplesPerFrame;
  }
  return groups;
}

std::vector<Group> open_groups(const WfdbHeader& h, const WfdbFileOpener& open) {
  if (h.signals.empty()) throw Error("empty_signal", "the record has no signals");
  std::vector<Group> groups = make_groups(h);
  for (Group& g : groups) {
    std::optional<std::span<const uint8_t>> bytes = open ? open(g.fileName) : std::nullopt;
    if (!bytes) throw Error("wfdb_signal_missing", "signal file '" + g.fileName + "' is missing");
    const int64_t offset = h.signals[static_cast<size_t>(g.signals.front())].byteOffset;
    if (offset > static_cast<int64_t>(bytes->size()))
      throw Error("wfdb_signal_truncated", "signal file '" + g.fileName + "' is shorter than its byte offset");
    g.data = bytes->subspan(static_cast<size_t>(offset));
    g.frames = samples_in_bytes(g.format, static_cast<int64_t>(g.data.size())) / g.frameSize;
  }
  return groups;
}

int64_t frame_count(const WfdbHeader& h, const std::vector<Group>& groups) {
  int64_t available = groups.front().frames;
  const Group* shortest = &groups.front();
  for (const Group& g : groups)
    if (g.frames < available) available = g.frames, shortest = &g;
  if (h.sampleCount > 0 && available < h.sampleCount)
    throw Error("wfdb_signal_truncated", "signal file '" + shortest->fileName + "' holds " + std::to_string(available) +
                                             " frames but the header says " + std::to_string(h.sampleCount));
  if (h.sampleCount == 0 && available == 0)
    throw Error("wfdb_signal_truncated", "signal file '" + shortest->fileName + "' holds no complete frame");
  return h.sampleCount > 0 ? h.sampleCount : available;
}

Record decode(const WfdbHeader& h, const std::vector<Group>& groups, int64_t first, int64_t count, bool checksums) {
  const int spf = h.signals.front().samplesPerFrame;
  limits::check_record_samples(count * spf * static_cast<int64_t>(h.signals.size()));
  Record rec;
  rec.name = h.recordName;
  rec.sampleRate = h.samplingFrequency * spf;
  rec.leads.resize(h.signals.size());
  std::vector<int64_t> sums(h.signals.size(), 0);

  constexpr int64_t kChunkFrames = 8192;  // bounds the raw buffer whatever the record length
  std::vector<int32_t> raw;
  for (const Group& g : groups) {
    int maxSkew = 0;
    for (int si : g.signals) maxSkew = std::max(maxSkew, h.signals[static_cast<size_t>(si)].skew);
    std::vector<double> scale(g.signals.size());
    std::vector<float> last(g.signals.size(), 0.0f);
    for (size_t j = 0; j < g.signals.size(); ++j) {
      const WfdbSignal& s = h.signals[static_cast<size_t>(g.signals[j])];
      Lead& lead = rec.leads[static_cast<size_t>(g.signals[j])];
      lead.name = s.description.empty() ? "signal " + std::to_string(g.signals[j]) : s.description;
      const double mv = detail::millivolts_per_unit(s.units);
      scale[j] = (mv > 0 ? mv : 1.0) / s.gain;
      lead.units = mv > 0 ? "mV" : s.units;
      lead.samples.resize(static_cast<size_t>(count) * static_cast<size_t>(spf));
    }
    const int32_t invalid = invalid_sample(g.format);
    for (int64_t f0 = first; f0 < first + count; f0 += kChunkFrames) {
      const int64_t f1 = std::min(first + count, f0 + kChunkFrames);
      const int64_t rawEnd = std::min(g.frames, f1 + maxSkew);  // skewed signals read ahead
      raw.resize(static_cast<size_t>((rawEnd - f0) * g.frameSize));
      decode_samples(g.format, g.data.data(), f0 * g.frameSize - g.sampleBase, (rawEnd - f0) * g.frameSize, raw.data());
      for (size_t j = 0; j < g.signals.size(); ++j) {
        const size_t si = static_cast<size_t>(g.signals[j]);
        const WfdbSignal& s = h.signals[si];
        float* out = rec.leads[si].samples.data() + (f0 - first) * spf;
        for (int64_t t = f0; t < f1; ++t) {
          const int64_t src = t + s.skew;
          for (int k = 0; k < spf; ++k) {
            // Past the end of a skewed signal, and at WFDB's "invalid sample" value, hold the last value.
            if (src < rawEnd) {
              const int32_t v = raw[static_cast<size_t>((src - f0) * g.frameSize + g.positions[j] + k)];
              sums[si] += v;
              if (v != invalid) last[j] = static_cast<float>((static_cast<double>(v) - s.baseline) * scale[j]);
            }
            *out++ = last[j];
          }
        }
      }
    }
  }
  if (checksums) {
    for (size_t i = 0; i < h.signals.size(); ++i) {
      const WfdbSignal& s = h.signals[i];
      if (s.hasChecksum && ((sums[i] - s.checksum) & 0xFFFF) != 0)
        throw Error("wfdb_checksum_mismatch",
                    "checksum of signal " + std::to_string(i) + " is " +
                        std::to_string(static_cast<int16_t>(static_cast<uint16_t>(sums[i] & 0xFFFF))) +
                        ", the header says " + std::to_string(s.checksum),
                    "signal " + std::to_string(i));
    }
  }
  return rec;
}

std::vector<WfdbFileSlice> slices_for(const WfdbHeader& h, const std::vector<Group>& groups, int64_t first,
                                      int64_t count) {
  std::vector<WfdbFileSlice> out;
  for (const Group& g : groups) {
    int maxSkew = 0;
    for (int si : g.signals) maxSkew = std::max(maxSkew, h.signals[static_cast<size_t>(si)].skew);
    const Packing p = packing(g.format);
    const int64_t s0 = first * g.frameSize, s1 = (first + count + maxSkew) * g.frameSize;
    const int64_t a0 = s0 - s0 % p.samples;
    const int64_t units = (s1 - a0 + p.samples - 1) / p.samples;
    out.push_back(WfdbFileSlice{g.fileName, h.signals[static_cast<size_t>(g.signals.front())].byteOffset +
                                                a0 / p.samples * p.bytes,
                                units * p.bytes, a0});
  }
  return out;
}

}  // namespace

std::vector<WfdbFileSlice> wfdb_frame_slices(const WfdbHeader& header, int64_t firstFrame, int64_t count) {
  if (header.signals.empty()) throw Error("empty_signal", "the record has no signals");
  if (firstFrame < 0 || count < 0 || firstFrame > (int64_t{1} << 40) || count > (int64_t{1} << 40))
    throw Error("wfdb_range_invalid", "frame range out of bounds");
  return slices_for(header, make_groups(header), firstFrame, count);
}

Record decode_wfdb_slices(const WfdbHeader& header, const WfdbFileOpener& openSlice, int64_t firstFrame,
                          int64_t count) {
  if (header.signals.empty()) throw Error("empty_signal", "the record has no signals");
  if (firstFrame < 0 || count < 0 || firstFrame > (int64_t{1} << 40) || count > (int64_t{1} << 40))
    throw Error("wfdb_range_invalid", "frame range out of bounds");
  std::vector<Group> groups = make_groups(header);
  const std::vector<WfdbFileSlice> slices = slices_for(header, groups, firstFrame, count);
  int64_t end = firstFrame + count;
  if (header.sampleCount > 0) end = std::min(end, header.sampleCount);
  for (size_t i = 0; i < groups.size(); ++i) {
    Group& g = groups[i];
    std::optional<std::span<const uint8_t>> bytes = openSlice ? openSlice(g.fileName) : std::nullopt;
    if (!bytes) throw Error("wfdb_signal_missing", "signal file '" + g.fileName + "' is missing");
    // A slice may come back short at the end of the file; never read past what was handed over.
    g.data = bytes->subspan(0, std::min<size_t>(bytes->size(), static_cast<size_t>(slices[i].length)));
    g.sampleBase = slices[i].firstSample;
    g.frames = (g.sampleBase + samples_in_bytes(g.format, static_cast<int64_t>(g.data.size()))) / g.frameSize;
    end = std::min(end, g.frames);
  }
  if (end < firstFrame) end = firstFrame;
  return decode(header, groups, firstFrame, end - firstFrame, false);
}

int64_t wfdb_frame_count(const WfdbHeader& header, const WfdbFileOpener& openSignalFile) {
  return frame_count(header, open_groups(header, openSignalFile));
}

Record read_wfdb(const WfdbHeader& header, const WfdbFileOpener& openSignalFile) {
  const std::vector<Group> groups = open_groups(header, openSignalFile);
  const int64_t n = frame_count(header, groups);
  return decode(header, groups, 0, n, header.sampleCount > 0);
}

Record read_wfdb(std::string_view headerText, const WfdbFileOpener& openSignalFile) {
  return read_wfdb(parse_wfdb_header(headerText), openSignalFile);
}

Record decode_wfdb_frames(const WfdbHeader& header, const WfdbFileOpener& openSignalFile, int64_t firstFrame,
                          int64_t count) {
  const std::vector<Group> groups = open_groups(header, openSignalFile);
  const int64_t n = frame_count(header, groups);
  firstFrame = std::clamp<int64_t>(firstFrame, 0, n);
  count = std::clamp<int64_t>(count, 0, n - firstFrame);
  return decode(header, groups, firstFrame, count, false);
}

}  // namespace av::io
