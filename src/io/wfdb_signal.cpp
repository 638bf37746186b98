#include "io/wfdb_signal.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/limits.h"
#include "io/edf.h"
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
    case 8: case 80: return {1, 1};
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
    case 8: case 80: return n;
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
    case 8: return INT32_MIN;  // first differences have no invalid value
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
  size_t nulls = 0;
  for (const WfdbSignal& s : h.signals) nulls += s.fileName == "~";
  if (nulls == h.signals.size())
    throw Error("wfdb_no_samples", "the header names no signal files (a multi-segment record's layout header)");
  if (nulls > 0) throw Error("wfdb_unsupported", "null signals (file '~') beside stored ones");
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

// Format 8 stores first differences: each sample is the previous one of its signal plus a signed byte, from the
// signal's initial value. Decodes the file's sample stream [first, first + count) into out, summing from the start
// of the data (so it needs the data from the start of the file).
void decode_format8(const WfdbHeader& h, const Group& g, int64_t first, int64_t count, int32_t* out) {
  if (g.sampleBase != 0)
    throw Error("wfdb_unsupported", "format 8 (first differences) is read from the start of the file only, not in slices");
  std::vector<int32_t> acc(static_cast<size_t>(g.frameSize));
  std::vector<int> slotSignal(static_cast<size_t>(g.frameSize));
  for (size_t j = 0; j < g.signals.size(); ++j) {
    const WfdbSignal& s = h.signals[static_cast<size_t>(g.signals[j])];
    for (int k = 0; k < s.samplesPerFrame; ++k) slotSignal[static_cast<size_t>(g.positions[j] + k)] = static_cast<int>(j);
  }
  std::vector<int32_t> current(g.signals.size());
  for (size_t j = 0; j < g.signals.size(); ++j) current[j] = h.signals[static_cast<size_t>(g.signals[j])].initialValue;
  const uint8_t* d = g.data.data();
  for (int64_t k = 0; k < first + count; ++k) {
    const size_t j = static_cast<size_t>(slotSignal[static_cast<size_t>(k % g.frameSize)]);
    current[j] += static_cast<int8_t>(d[k]);
    if (k >= first) *out++ = current[j];
  }
}

// The signal whose rate is the record's: the ECG lead (find_ecg_lead on the descriptions), else signal 0.
int main_signal(const WfdbHeader& h) {
  Record probe;
  for (const WfdbSignal& s : h.signals) probe.leads.push_back(Lead{s.description, "", {}});
  const int ecg = find_ecg_lead(probe);
  return ecg >= 0 ? ecg : 0;
}

Record decode(const WfdbHeader& h, const std::vector<Group>& groups, int64_t first, int64_t count, bool checksums) {
  int64_t perFrame = 0;
  for (const WfdbSignal& s : h.signals) perFrame += s.samplesPerFrame;
  limits::check_record_samples(count * perFrame);
  const int mainSpf = h.signals[static_cast<size_t>(main_signal(h))].samplesPerFrame;
  Record rec;
  rec.name = h.recordName;
  rec.sampleRate = h.samplingFrequency * mainSpf;
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
      if (s.samplesPerFrame != mainSpf) lead.sampleRate = h.samplingFrequency * s.samplesPerFrame;
      lead.samples.resize(static_cast<size_t>(count) * static_cast<size_t>(s.samplesPerFrame));
    }
    const int32_t invalid = invalid_sample(g.format);
    for (int64_t f0 = first; f0 < first + count; f0 += kChunkFrames) {
      const int64_t f1 = std::min(first + count, f0 + kChunkFrames);
      const int64_t rawEnd = std::min(g.frames, f1 + maxSkew);  // skewed signals read ahead
      raw.resize(static_cast<size_t>((rawEnd - f0) * g.frameSize));
      if (g.format == 8)
        decode_format8(h, g, f0 * g.frameSize, (rawEnd - f0) * g.frameSize, raw.data());
      else
        decode_samples(g.format, g.data.data(), f0 * g.frameSize - g.sampleBase, (rawEnd - f0) * g.frameSize, raw.data());
      for (size_t j = 0; j < g.signals.size(); ++j) {
        const size_t si = static_cast<size_t>(g.signals[j]);
        const WfdbSignal& s = h.signals[si];
        const int spf = s.samplesPerFrame;
        // The header's checksum covers the samples as stored, frame by frame, whatever the skew.
        if (checksums)
          for (int64_t t = f0; t < f1; ++t)
            for (int k = 0; k < spf; ++k) sums[si] += raw[static_cast<size_t>((t - f0) * g.frameSize + g.positions[j] + k)];
        float* out = rec.leads[si].samples.data() + (f0 - first) * spf;
        // Past the end of a skewed signal, and at WFDB's "invalid sample" value, hold the last value.
        const double baseline = s.baseline, unit = scale[j];
        float held = last[j];
        const int64_t stored = std::min(f1, rawEnd - s.skew);  // frames with a stored sample
        for (int64_t t = f0; t < stored; ++t)
          for (int k = 0; k < spf; ++k) {
            const int32_t v = raw[static_cast<size_t>((t + s.skew - f0) * g.frameSize + g.positions[j] + k)];
            if (v != invalid) held = static_cast<float>((static_cast<double>(v) - baseline) * unit);
            *out++ = held;
          }
        for (int64_t t = std::max(f0, stored); t < f1; ++t)
          for (int k = 0; k < spf; ++k) *out++ = held;
        last[j] = held;
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
  if (header.multiSegment()) throw Error("wfdb_unsupported", "multi-segment records are read whole, not in slices");
  if (header.signals.empty()) throw Error("empty_signal", "the record has no signals");
  if (firstFrame < 0 || count < 0 || firstFrame > (int64_t{1} << 40) || count > (int64_t{1} << 40))
    throw Error("wfdb_range_invalid", "frame range out of bounds");
  return slices_for(header, make_groups(header), firstFrame, count);
}

Record decode_wfdb_slices(const WfdbHeader& header, const WfdbFileOpener& openSlice, int64_t firstFrame,
                          int64_t count) {
  if (header.multiSegment()) throw Error("wfdb_unsupported", "multi-segment records are read whole, not in slices");
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

namespace {

int64_t segment_total(const WfdbHeader& h) {
  int64_t total = 0;
  for (const WfdbSegment& s : h.segments) {
    total += s.frames;
    if (total > (int64_t{1} << 40)) throw Error("wfdb_header_invalid", "the segments' lengths add up to an absurd length");
  }
  return total;
}

WfdbHeader segment_header(const WfdbFileOpener& open, const std::string& name, double fs) {
  std::optional<std::span<const uint8_t>> bytes = open ? open(name + ".hea") : std::nullopt;
  if (!bytes) throw Error("wfdb_signal_missing", "segment header '" + name + ".hea' is missing");
  WfdbHeader h = parse_wfdb_header(std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()));
  if (h.multiSegment())
    throw Error("wfdb_header_invalid", "segment '" + name + "' is itself a multi-segment record", name + ".hea");
  if (std::fabs(h.samplingFrequency - fs) > 1e-9 * fs)
    throw Error("wfdb_header_invalid", "segment '" + name + "' is sampled at " + std::to_string(h.samplingFrequency) +
                                           " Hz, the record at " + std::to_string(fs) + " Hz", name + ".hea");
  return h;
}

// Multi-segment records (WFDB header(5)): fixed layout (every segment has the record's signals, in order) or
// variable layout (the first segment, of 0 frames, is the layout header naming the signals; each segment holds
// some of them, matched by name). Null segments ("~") and signals a segment lacks are gaps: they hold the last
// value (0 before any) and are listed in the metadata. Each segment's samples are converted with its own gain
// and baseline (as wfdb-python does; WFDB's rdsamp -P applies the layout header's).
Record read_multi(const WfdbHeader& h, const WfdbFileOpener& open, int64_t first, int64_t count, bool checksums) {
  const int64_t total = segment_total(h);
  first = std::clamp<int64_t>(first, 0, total);
  count = std::clamp<int64_t>(count, 0, total - first);
  const double fs = h.samplingFrequency;
  size_t s0 = 0;
  WfdbHeader layout;
  bool variable = false;
  if (h.segments.front().frames == 0 && h.segments.front().name != "~") {
    layout = segment_header(open, h.segments.front().name, fs);
    variable = true;
    s0 = 1;
  } else {
    for (const WfdbSegment& seg : h.segments)
      if (seg.name != "~") {
        layout = segment_header(open, seg.name, fs);
        break;
      }
  }
  if (static_cast<int>(layout.signals.size()) != h.signalCount)
    throw Error("wfdb_header_invalid", "the layout has " + std::to_string(layout.signals.size()) +
                                           " signals, the record line says " + std::to_string(h.signalCount));
  const size_t nsig = layout.signals.size();
  if (nsig == 0) throw Error("empty_signal", "the record has no signals");

  // The segments the range touches, their headers, and which of their signals is which lead.
  struct Part {
    size_t segment;
    int64_t start, a, b;  // record frame of the segment's start; frames [a, b) of the segment are wanted
    WfdbHeader header;
    std::vector<int> signalOf;  // per lead: the segment's signal index, or -1
    bool null;
  };
  std::vector<Part> parts;
  std::vector<int> spf(nsig, 0);
  int64_t at = 0;
  // A segment may be listed many times: its header is parsed once.
  std::map<std::string, WfdbHeader, std::less<>> parsed;
  for (size_t k = s0; k < h.segments.size(); ++k) {
    const WfdbSegment& seg = h.segments[k];
    const int64_t start = at;
    at += seg.frames;
    const int64_t a = std::max<int64_t>(first - start, 0), b = std::min<int64_t>(first + count - start, seg.frames);
    if (a >= b) continue;
    Part p{k, start, a, b, {}, std::vector<int>(nsig, -1), seg.name == "~"};
    if (!p.null) {
      auto it = parsed.find(seg.name);
      if (it == parsed.end()) it = parsed.emplace(seg.name, segment_header(open, seg.name, fs)).first;
      p.header = it->second;
      std::vector<uint8_t> used(p.header.signals.size(), 0);
      for (size_t i = 0; i < nsig; ++i) {
        if (!variable) {
          if (p.header.signals.size() != nsig)
            throw Error("wfdb_header_invalid", "segment '" + seg.name + "' has " + std::to_string(p.header.signals.size()) +
                                                   " signals in a fixed-layout record of " + std::to_string(nsig));
          p.signalOf[i] = static_cast<int>(i);
        } else {
          for (size_t j = 0; j < p.header.signals.size(); ++j)
            if (!used[j] && p.header.signals[j].description == layout.signals[i].description) {
              p.signalOf[i] = static_cast<int>(j);
              used[j] = true;
              break;
            }
        }
        if (p.signalOf[i] >= 0) {
          const int f = p.header.signals[static_cast<size_t>(p.signalOf[i])].samplesPerFrame;
          if (spf[i] != 0 && spf[i] != f)
            throw Error("wfdb_unsupported", "signal '" + layout.signals[i].description +
                                                "' changes its samples per frame between segments");
          spf[i] = f;
        }
      }
    }
    parts.push_back(std::move(p));
  }
  for (size_t i = 0; i < nsig; ++i)
    if (spf[i] == 0) spf[i] = variable ? 1 : layout.signals[i].samplesPerFrame;
  int64_t perFrame = 0;
  for (int f : spf) perFrame += f;
  limits::check_record_samples(count * perFrame);

  WfdbHeader shape = layout;  // the layout's names with the samples per frame found, to choose the main lead
  for (size_t i = 0; i < nsig; ++i) shape.signals[i].samplesPerFrame = spf[i];
  const int mainSpf = spf[static_cast<size_t>(main_signal(shape))];
  Record rec;
  rec.name = h.recordName;
  rec.sampleRate = fs * mainSpf;
  rec.leads.resize(nsig);
  for (size_t i = 0; i < nsig; ++i) {
    const WfdbSignal& s = layout.signals[i];
    Lead& lead = rec.leads[i];
    lead.name = s.description.empty() ? "signal " + std::to_string(i) : s.description;
    lead.units = detail::millivolts_per_unit(s.units) > 0 ? "mV" : s.units;
    if (spf[i] != mainSpf) lead.sampleRate = fs * spf[i];
    lead.samples.resize(static_cast<size_t>(count * spf[i]));
  }
  std::vector<float> last(nsig, 0.0f);
  int gaps = 0;
  auto hold = [&](size_t i, int64_t from, int64_t to) {  // record frames [from, to) of lead i
    float* out = rec.leads[i].samples.data();
    std::fill(out + (from - first) * spf[i], out + (to - first) * spf[i], last[i]);
  };
  for (const Part& p : parts) {
    const int64_t from = p.start + p.a, to = p.start + p.b;
    if (p.null) {
      for (size_t i = 0; i < nsig; ++i) hold(i, from, to);
      if (gaps++ < 100)
        rec.metadata.emplace_back("Gap", std::to_string(static_cast<double>(from) / fs) + " s to " +
                                             std::to_string(static_cast<double>(to) / fs) + " s (null segment)");
      continue;
    }
    const std::string& name = h.segments[p.segment].name;
    const Record seg = p.a == 0 && p.b == h.segments[p.segment].frames && checksums
                           ? read_wfdb(p.header, open)
                           : decode_wfdb_frames(p.header, open, p.a, p.b - p.a);
    for (size_t i = 0; i < nsig; ++i) {
      const int j = p.signalOf[i];
      if (j < 0) {
        hold(i, from, to);
        continue;
      }
      const std::vector<float>& src = seg.leads[static_cast<size_t>(j)].samples;
      const size_t n = static_cast<size_t>((to - from) * spf[i]);
      if (src.size() < n)
        throw Error("wfdb_signal_truncated", "segment '" + name + "' holds fewer samples than its header says");
      std::copy_n(src.begin(), n, rec.leads[i].samples.begin() + (from - first) * spf[i]);
      if (n > 0) last[i] = src[n - 1];
    }
  }
  if (gaps > 0) rec.metadata.emplace_back("Gaps", std::to_string(gaps) + " null segments");
  return rec;
}

}  // namespace

int64_t wfdb_frame_count(const WfdbHeader& header, const WfdbFileOpener& openSignalFile) {
  if (header.multiSegment()) return segment_total(header);
  return frame_count(header, open_groups(header, openSignalFile));
}

Record read_wfdb(const WfdbHeader& header, const WfdbFileOpener& openSignalFile) {
  if (header.multiSegment()) return read_multi(header, openSignalFile, 0, segment_total(header), true);
  const std::vector<Group> groups = open_groups(header, openSignalFile);
  const int64_t n = frame_count(header, groups);
  return decode(header, groups, 0, n, header.sampleCount > 0);
}

Record read_wfdb(std::string_view headerText, const WfdbFileOpener& openSignalFile) {
  return read_wfdb(parse_wfdb_header(headerText), openSignalFile);
}

Record decode_wfdb_frames(const WfdbHeader& header, const WfdbFileOpener& openSignalFile, int64_t firstFrame,
                          int64_t count) {
  if (header.multiSegment()) return read_multi(header, openSignalFile, firstFrame, count, false);
  const std::vector<Group> groups = open_groups(header, openSignalFile);
  const int64_t n = frame_count(header, groups);
  firstFrame = std::clamp<int64_t>(firstFrame, 0, n);
  count = std::clamp<int64_t>(count, 0, n - firstFrame);
  return decode(header, groups, firstFrame, count, false);
}

std::vector<std::string> wfdb_record_files(const WfdbHeader& header, const WfdbFileOpener& open) {
  std::vector<std::string> names;
  std::set<std::string, std::less<>> added;
  auto add = [&](const std::string& n) {
    if (n != "~" && added.insert(n).second) names.push_back(n);
  };
  if (!header.multiSegment()) {
    for (const WfdbSignal& s : header.signals) add(s.fileName);
    return names;
  }
  std::set<std::string, std::less<>> seen;
  for (const WfdbSegment& seg : header.segments) {
    if (seg.name == "~" || !seen.insert(seg.name).second) continue;
    add(seg.name + ".hea");
    std::optional<std::span<const uint8_t>> bytes = open ? open(seg.name + ".hea") : std::nullopt;
    if (!bytes) continue;
    try {
      const WfdbHeader sh = parse_wfdb_header(std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()));
      if (!sh.multiSegment())
        for (const WfdbSignal& s : sh.signals) add(s.fileName);
    } catch (const Error&) {
      // reported when the record is read
    }
  }
  return names;
}

}  // namespace av::io
