#include "io/ishne.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "core/error.h"
#include "core/limits.h"

namespace av::io {
namespace {

int32_t i32(const uint8_t* p) {
  return static_cast<int32_t>(static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
                              (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24));
}
int16_t i16(const uint8_t* p) { return static_cast<int16_t>(static_cast<uint16_t>(p[0] | (p[1] << 8))); }

// A NUL-padded text field, Latin-1 read as UTF-8, trimmed.
std::string text(const uint8_t* p, size_t n) {
  std::string out;
  for (size_t i = 0; i < n && p[i] != 0; ++i) {
    const uint8_t c = p[i];
    if (c < 0x20) {
      out += ' ';
    } else if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  size_t b = 0;
  while (b < out.size() && out[b] == ' ') ++b;
  return out.substr(b);
}

std::string date_text(const int d[3]) {
  if (d[0] <= 0 || d[1] <= 0 || d[2] <= 0) return {};
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d[2], d[1], d[0]);
  return buf;
}

std::string time_text(const int t[3]) {
  if (t[0] < 0 || t[1] < 0 || t[2] < 0 || t[0] > 23 || t[1] > 59 || t[2] > 60) return {};
  char buf[48];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", t[0], t[1], t[2]);
  return buf;
}

}  // namespace

uint16_t crc16_ccitt(std::span<const uint8_t> bytes) {
  uint16_t crc = 0xFFFF;
  for (uint8_t b : bytes) {
    crc ^= static_cast<uint16_t>(b) << 8;
    for (int k = 0; k < 8; ++k) crc = (crc & 0x8000) ? static_cast<uint16_t>((crc << 1) ^ 0x1021) : static_cast<uint16_t>(crc << 1);
  }
  return crc;
}

std::string ishne_lead_name(int code) {
  static const char* const kNames[] = {"unknown", "bipolar", "X", "Y", "Z", "I", "II", "III", "aVR", "aVL",
                                       "aVF", "V1", "V2", "V3", "V4", "V5", "V6", "ES", "AS", "AI"};
  if (code >= 0 && code < static_cast<int>(sizeof kNames / sizeof kNames[0])) return kNames[code];
  return "lead code " + std::to_string(code);
}

IshneHeader parse_ishne_header(std::span<const uint8_t> b, const char* magic) {
  if (b.size() < 8 || std::memcmp(b.data(), magic, 8) != 0)
    throw Error("ishne_header_invalid", std::string("not an ISHNE file (the first 8 bytes are not '") + magic + "')");
  if (b.size() < kIshneFixedHeaderEnd) throw Error("ishne_truncated", "the file ends inside the ISHNE header");
  const uint8_t* p = b.data();
  IshneHeader h;
  h.crc = static_cast<uint16_t>(p[8] | (p[9] << 8));
  h.varBlockSize = i32(p + 10);
  h.ecgSize = i32(p + 14);
  const int64_t varOffset = i32(p + 18);
  h.ecgOffset = i32(p + 22);
  h.fileVersion = i16(p + 26);
  h.firstName = text(p + 28, 40);
  h.lastName = text(p + 68, 40);
  h.id = text(p + 108, 20);
  h.sex = i16(p + 128);
  h.race = i16(p + 130);
  for (int k = 0; k < 3; ++k) {
    h.birthDate[k] = i16(p + 132 + 2 * k);
    h.recordDate[k] = i16(p + 138 + 2 * k);
    h.fileDate[k] = i16(p + 144 + 2 * k);
    h.startTime[k] = i16(p + 150 + 2 * k);
  }
  h.leads = i16(p + 156);
  for (int k = 0; k < 12; ++k) {
    h.leadSpec[k] = i16(p + 158 + 2 * k);
    h.leadQuality[k] = i16(p + 182 + 2 * k);
    h.resolutionNv[k] = i16(p + 206 + 2 * k);
  }
  h.pacemaker = i16(p + 230);
  h.recorder = text(p + 232, 40);
  h.sampleRate = i16(p + 272);

  if (h.varBlockSize < 0 || h.varBlockSize > (int64_t{1} << 30))
    throw Error("ishne_header_invalid", "variable-length block size " + std::to_string(h.varBlockSize) + " is absurd", "byte 10");
  if (varOffset != static_cast<int64_t>(kIshneFixedHeaderEnd))
    throw Error("ishne_header_invalid", "the variable-length block must start at byte 522, not " + std::to_string(varOffset), "byte 18");
  if (h.ecgOffset < static_cast<int64_t>(kIshneFixedHeaderEnd) + h.varBlockSize || h.ecgOffset > (int64_t{1} << 31))
    throw Error("ishne_header_invalid", "the ECG block offset " + std::to_string(h.ecgOffset) +
                                            " lies inside the header", "byte 22");
  const bool ann = std::memcmp(magic, "ANN ", 4) == 0;
  if (!ann) {
    if (h.leads < 1 || h.leads > 12)
      throw Error("ishne_header_invalid", "number of leads " + std::to_string(h.leads) + " is not 1..12", "byte 156");
    if (h.sampleRate < 1)
      throw Error("ishne_header_invalid", "sampling rate " + std::to_string(h.sampleRate) + " Hz is not positive", "byte 272");
    for (int k = 0; k < h.leads; ++k)
      if (h.resolutionNv[k] <= 0)
        throw Error("ishne_header_invalid", "lead " + std::to_string(k) + " has resolution " +
                                                std::to_string(h.resolutionNv[k]) + " nV", "byte " + std::to_string(206 + 2 * k));
    if (h.ecgSize < 0) throw Error("ishne_header_invalid", "negative ECG size", "byte 14");
  }
  if (static_cast<int64_t>(b.size()) < h.ecgOffset) throw Error("ishne_truncated", "the file ends inside the ISHNE header");
  h.computedCrc = crc16_ccitt(b.subspan(10, static_cast<size_t>(h.ecgOffset - 10)));
  if (h.computedCrc != h.crc) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "the header's CRC is 0x%04X, the header's bytes give 0x%04X", h.crc, h.computedCrc);
    throw Error("ishne_crc_mismatch", buf, "byte 8");
  }
  return h;
}

Record read_ishne(std::span<const uint8_t> bytes) {
  const IshneHeader h = parse_ishne_header(bytes);
  const int64_t frameBytes = 2 * static_cast<int64_t>(h.leads);
  const int64_t frames = (static_cast<int64_t>(bytes.size()) - h.ecgOffset) / frameBytes;
  // The standard says samples per lead; some writers store all leads' samples together.
  int64_t n = h.ecgSize;
  if (n > frames && n == frames * h.leads) n = frames;
  if (n == 0) n = frames;
  if (n > frames)
    throw Error("ishne_truncated", "the header says " + std::to_string(h.ecgSize) + " samples per lead, the file holds " +
                                       std::to_string(frames));
  if (n == 0) throw Error("ishne_truncated", "the file holds no samples");
  limits::check_record_samples(n * h.leads);

  Record rec;
  rec.sampleRate = h.sampleRate;
  const std::string name = h.firstName.empty() ? h.lastName : h.lastName.empty() ? h.firstName : h.firstName + " " + h.lastName;
  if (!name.empty()) rec.metadata.emplace_back("Name", name);
  if (!h.id.empty()) rec.metadata.emplace_back("ID", h.id);
  if (h.sex == 1 || h.sex == 2) rec.metadata.emplace_back("Sex", h.sex == 1 ? "male" : "female");
  if (const std::string d = date_text(h.birthDate); !d.empty()) rec.metadata.emplace_back("Date of Birth", d);
  if (const std::string d = date_text(h.recordDate); !d.empty()) rec.metadata.emplace_back("Recorded Date", d);
  if (const std::string t = time_text(h.startTime); !t.empty()) rec.metadata.emplace_back("Start Time", t);
  if (!h.recorder.empty()) rec.metadata.emplace_back("Recorder", h.recorder);
  static const char* const kPacemaker[] = {"none", "unknown type", "single chamber unipolar", "dual chamber unipolar",
                                           "single chamber bipolar", "dual chamber bipolar"};
  if (h.pacemaker >= 1 && h.pacemaker <= 5) rec.metadata.emplace_back("Pacemaker", kPacemaker[h.pacemaker]);
  if (h.varBlockSize > 0) {
    const std::string v = text(bytes.data() + kIshneFixedHeaderEnd, static_cast<size_t>(std::min<int64_t>(h.varBlockSize, 1000)));
    if (!v.empty()) rec.metadata.emplace_back("Comment", v);
  }

  rec.leads.resize(static_cast<size_t>(h.leads));
  std::vector<std::string> used;
  for (int k = 0; k < h.leads; ++k) {
    Lead& lead = rec.leads[static_cast<size_t>(k)];
    lead.name = ishne_lead_name(h.leadSpec[k]);
    if (std::count(used.begin(), used.end(), lead.name)) lead.name += " (" + std::to_string(k + 1) + ")";
    used.push_back(lead.name);
    lead.samples.resize(static_cast<size_t>(n));
  }
  // -32768 marks a missing sample (as in WFDB format 16, which the chunked analysis reads these samples as):
  // the last value is held.
  const uint8_t* p = bytes.data() + h.ecgOffset;
  std::vector<float> last(static_cast<size_t>(h.leads), 0.0f);
  for (int64_t t = 0; t < n; ++t)
    for (int k = 0; k < h.leads; ++k, p += 2) {
      const int16_t v = i16(p);
      if (v != INT16_MIN) last[static_cast<size_t>(k)] = static_cast<float>(v * (1.0 / (1e6 / h.resolutionNv[k])));
      rec.leads[static_cast<size_t>(k)].samples[static_cast<size_t>(t)] = last[static_cast<size_t>(k)];
    }
  return rec;
}

void attach_ishne_annotations(Record& record, std::span<const uint8_t> ann) {
  const IshneHeader h = parse_ishne_header(ann, "ANN  1.0");
  const size_t start = static_cast<size_t>(kIshneFixedHeaderEnd + h.varBlockSize);
  if (ann.size() < start + 4) throw Error("ishne_annotation_invalid", "the annotation file ends before its first beat time");
  int64_t sample = static_cast<uint32_t>(i32(ann.data() + start));
  std::vector<Annotation> out;
  for (size_t pos = start + 4; pos + 4 <= ann.size(); pos += 4) {
    const char label = static_cast<char>(ann[pos]);
    const uint16_t toc = static_cast<uint16_t>(ann[pos + 2] | (ann[pos + 3] << 8));
    if (label == '!') break;  // time-out: a gap of unknown length follows, later times cannot be placed
    sample += toc;
    int code = 0;
    switch (label) {
      case 'N': code = 1; break;   // N
      case 'V': code = 5; break;   // V
      case 'S': code = 9; break;   // S (supraventricular premature)
      case 'B': code = 25; break;  // B (bundle branch block beat)
      case 'P': code = 12; break;  // '/' paced
      case 'U': code = 13; break;  // Q unclassifiable
      case 'X': code = 16; break;  // '|' artefact
      case 'C': continue;          // calibration
      default:
        throw Error("ishne_annotation_invalid", std::string("unknown annotation label '") +
                                                    (label >= 32 && label < 127 ? std::string(1, label) : "?") + "'",
                    "byte " + std::to_string(pos));
    }
    Annotation a;
    a.sample = sample;
    a.code = code;
    out.push_back(a);
  }
  record.annotations = std::move(out);
}

WfdbHeader ishne_wfdb_header(const IshneHeader& ih, const std::string& fileName, int64_t fileSize) {
  WfdbHeader h;
  h.recordName = "ishne";
  h.signalCount = ih.leads;
  h.samplingFrequency = ih.sampleRate;
  const int64_t frames = std::max<int64_t>(0, (fileSize - ih.ecgOffset) / (2 * std::max(1, ih.leads)));
  int64_t n = ih.ecgSize;
  if (n > frames && n == frames * ih.leads) n = frames;
  if (n == 0 || n > frames) n = frames;
  h.sampleCount = n;
  for (int k = 0; k < ih.leads; ++k) {
    WfdbSignal s;
    s.fileName = fileName;
    s.format = 16;
    s.byteOffset = ih.ecgOffset;
    s.gain = 1e6 / ih.resolutionNv[k];  // units per mV
    s.baseline = 0;
    s.adcResolution = 16;
    s.description = ishne_lead_name(ih.leadSpec[k]);
    h.signals.push_back(s);
  }
  return h;
}

std::string wfdb_header_text(const WfdbHeader& h) {
  std::string out = h.recordName + " " + std::to_string(h.signals.size());
  char buf[64];
  std::snprintf(buf, sizeof buf, " %.17g %lld\n", h.samplingFrequency, static_cast<long long>(h.sampleCount));
  out += buf;
  for (const WfdbSignal& s : h.signals) {
    out += s.fileName + " " + std::to_string(s.format);
    if (s.samplesPerFrame > 1) out += "x" + std::to_string(s.samplesPerFrame);
    if (s.skew) out += ":" + std::to_string(s.skew);
    if (s.byteOffset) out += "+" + std::to_string(s.byteOffset);
    std::snprintf(buf, sizeof buf, " %.17g(%d)/", s.gain, s.baseline);
    out += buf + s.units + " " + std::to_string(s.adcResolution) + " " + std::to_string(s.adcZero) + " " +
           std::to_string(s.initialValue) + " 0 0 " + s.description + "\n";
  }
  return out;
}

}  // namespace av::io
