#include "io/edf.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "core/ascii.h"
#include "core/error.h"
#include "core/lead_names.h"
#include "core/limits.h"
#include "io/text_util.h"

namespace av::io {
namespace {

struct EdfSignal {
  std::string label, units;
  double physMin = 0, physMax = 0;
  int64_t digMin = 0, digMax = 0;
  int64_t samplesPerRecord = 0;
  bool annotation = false;
};

bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const size_t n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 9;
    if (n == 9 || (c & 0xFE) == 0xC0 || i + n >= s.size() + (n == 0 ? 1 : 0)) return false;
    for (size_t k = 1; k <= n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n + 1;
  }
  return true;
}

// Header text is ASCII by the specification; files in the wild carry Latin-1 ("\xb5V") or UTF-8 ("µV").
// Valid UTF-8 stays as it is, anything else is read as Latin-1 and written as UTF-8.
std::string header_text(std::string_view s) {
  if (valid_utf8(s)) return std::string(s);
  std::string out;
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out += ch;
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

class Fields {
 public:
  explicit Fields(std::span<const uint8_t> b) : b_(b) {}
  std::string_view text(size_t offset, size_t len) const {
    return detail::trim(std::string_view(reinterpret_cast<const char*>(b_.data()) + offset, len));
  }
  double real(size_t offset, size_t len, const std::string& what) const {
    double v = 0;
    if (!detail::parse_double(text(offset, len), v))
      throw Error("edf_header_invalid", "expected a number for " + what + ", got '" + header_text(text(offset, len)) + "'",
                  "byte " + std::to_string(offset));
    return v;
  }
  int64_t integer(size_t offset, size_t len, const std::string& what) const {
    int64_t v = 0;
    if (!detail::parse_int(text(offset, len), v))
      throw Error("edf_header_invalid", "expected an integer for " + what + ", got '" + header_text(text(offset, len)) + "'",
                  "byte " + std::to_string(offset));
    return v;
  }

 private:
  std::span<const uint8_t> b_;
};


// The onset (seconds from the file's start) of a data record: the first TAL of its first annotation signal,
// "+<onset>\x14\x14\0" (EDF+ section 2.2.4). Returns false when the record has no such timekeeping TAL.
bool record_onset(const uint8_t* p, size_t n, double& onset) {
  size_t i = 0;
  if (n == 0 || (p[0] != '+' && p[0] != '-')) return false;
  ++i;
  while (i < n && i < 40 && p[i] != 0x14 && p[i] != 0x15) ++i;
  if (i >= n || i >= 40 || i == 1) return false;
  const std::string number(reinterpret_cast<const char*>(p + 1), i - 1);
  double v = 0;
  if (!detail::parse_double(number, v)) return false;
  onset = p[0] == '-' ? -v : v;
  return true;
}

// Samples per second of a signal. The duration field has 8 characters, so 1/360 s is written "0.002777" and
// gives 360.09 Hz: a rate within 0.05 % of a whole number, from a duration field that is full, is that number.
double signal_rate(int64_t spr, double duration, bool durationFieldFull) {
  const double fs = static_cast<double>(spr) / duration;
  const double whole = std::round(fs);
  if (durationFieldFull && whole >= 1 && std::fabs(fs - whole) <= 5e-4 * whole) return whole;
  return fs;
}

}  // namespace

Record read_edf(std::span<const uint8_t> bytes) {
  if (bytes.size() < 256) throw Error("edf_header_invalid", "the file is shorter than an EDF header (256 bytes)");
  const Fields f(bytes);
  // BDF (BioSemi, 24-bit samples) marks its version field with 0xFF and "BIOSEMI"; EDF writes "0".
  const bool bdf = bytes[0] == 0xFF && f.text(1, 7) == "BIOSEMI";
  if (!bdf && f.text(0, 8) != "0")
    throw Error("edf_header_invalid", "not an EDF or BDF file (version field is neither 0 nor \\xffBIOSEMI)", "byte 0");
  const int64_t sampleBytes = bdf ? 3 : 2;
  const char* const kind = bdf ? "BDF" : "EDF";

  const int64_t headerBytes = f.integer(184, 8, "header size");
  const std::string reserved = ascii_upper(f.text(192, 44));
  const bool plus = reserved.rfind("EDF+", 0) == 0 || reserved.rfind("BDF+", 0) == 0;
  const bool discontinuous = plus && reserved.size() >= 5 && reserved[4] == 'D';
  int64_t records = f.integer(236, 8, "number of data records");
  const double duration = f.real(244, 8, "data record duration");
  const bool durationFull = f.text(244, 8).size() == 8;
  const int64_t ns = f.integer(252, 4, "number of signals");
  if (ns < 1) throw Error("edf_header_invalid", "number of signals " + std::to_string(ns) + " is absurd", "byte 252");
  limits::check_signal_count(ns, "edf_header_invalid", "byte 252");
  if (headerBytes != 256 * (ns + 1))
    throw Error("edf_header_invalid", "header size " + std::to_string(headerBytes) + " does not match " +
                                          std::to_string(ns) + " signals", "byte 184");
  if (static_cast<int64_t>(bytes.size()) < headerBytes) throw Error("edf_truncated", "the file ends inside the header");
  if (!(duration >= 0) || duration > 1e6) throw Error("edf_header_invalid", "data record duration must not be negative", "byte 244");
  if (records < -1) throw Error("edf_header_invalid", "negative number of data records", "byte 236");

  // Per-signal fields are stored field by field: ns labels, then ns transducer types, and so on.
  const size_t n = static_cast<size_t>(ns);
  auto at = [&](size_t fieldStart, size_t width, size_t i) { return 256 + fieldStart * n + width * i; };
  const int64_t digLimit = bdf ? (int64_t{1} << 23) : (int64_t{1} << 15);
  std::vector<EdfSignal> sig(n);
  int64_t recordSamples = 0;
  for (size_t i = 0; i < n; ++i) {
    EdfSignal& s = sig[i];
    const std::string who = "signal " + std::to_string(i);
    s.label = header_text(f.text(at(0, 16, i), 16));
    s.units = header_text(f.text(at(16 + 80, 8, i), 8));
    s.annotation = s.label == "EDF Annotations" || s.label == "BDF Annotations";
    s.samplesPerRecord = f.integer(at(216, 8, i), 8, who + " samples per record");
    if (s.samplesPerRecord < 1 || s.samplesPerRecord > (int64_t{1} << 24))
      throw Error("edf_header_invalid", who + ": absurd number of samples per record");
    recordSamples += s.samplesPerRecord;
    if (s.annotation) continue;  // annotation signals' ranges are placeholders
    s.physMin = f.real(at(104, 8, i), 8, who + " physical minimum");
    s.physMax = f.real(at(112, 8, i), 8, who + " physical maximum");
    s.digMin = f.integer(at(120, 8, i), 8, who + " digital minimum");
    s.digMax = f.integer(at(128, 8, i), 8, who + " digital maximum");
    if (s.digMax <= s.digMin || s.digMin < -digLimit || s.digMax > digLimit - 1 || s.physMax == s.physMin)
      throw Error("edf_header_invalid", who + ": invalid physical/digital range");
  }
  std::vector<size_t> ordinary;
  int firstAnnotation = -1;
  for (size_t i = 0; i < n; ++i) {
    if (!sig[i].annotation) ordinary.push_back(i);
    else if (firstAnnotation < 0) firstAnnotation = static_cast<int>(i);
  }
  if (ordinary.empty())
    throw Error("edf_no_signal", std::string("the ") + kind + "+ file holds only annotations, no signal to analyse");
  if (!(duration > 0)) throw Error("edf_header_invalid", "data record duration must be positive", "byte 244");
  if (discontinuous && firstAnnotation < 0)
    throw Error("edf_annotation_invalid", std::string(kind) + "+D file without an annotation signal for its record times");

  const int64_t recordBytes = sampleBytes * recordSamples;
  const int64_t dataBytes = static_cast<int64_t>(bytes.size()) - headerBytes;
  if (records == -1) records = dataBytes / recordBytes;  // "unknown" (recording still running)
  if (records > dataBytes / recordBytes)
    throw Error("edf_truncated", "the header declares " + std::to_string(records) + " data records of " +
                                     std::to_string(recordBytes) + " bytes, the file holds " +
                                     std::to_string(dataBytes / recordBytes));
  if (records == 0) throw Error("edf_truncated", "the file holds no data records");

  std::vector<int64_t> offsets(n, 0);
  for (size_t i = 1; i < n; ++i) offsets[i] = offsets[i - 1] + sig[i - 1].samplesPerRecord;

  // EDF+D: each data record starts at the onset its timekeeping TAL states; gaps between records are kept as
  // gaps (the last value held, listed in the metadata). Records must not go back in time or overlap.
  std::vector<int64_t> start(static_cast<size_t>(records), 0);  // in units of data records' first sample, per rate
  std::vector<double> onsets(static_cast<size_t>(records), 0.0);
  if (discontinuous) {
    const int64_t annBytes = sampleBytes * sig[static_cast<size_t>(firstAnnotation)].samplesPerRecord;
    for (int64_t r = 0; r < records; ++r) {
      const uint8_t* p = bytes.data() + headerBytes + r * recordBytes + sampleBytes * offsets[static_cast<size_t>(firstAnnotation)];
      double onset = 0;
      if (!record_onset(p, static_cast<size_t>(annBytes), onset) || !std::isfinite(onset) || onset < 0 || onset > 1e9)
        throw Error("edf_annotation_invalid", "data record " + std::to_string(r) + " has no valid time-keeping annotation");
      if (r > 0 && onset < onsets[static_cast<size_t>(r - 1)] + duration * (1 - 1e-9))
        throw Error("edf_annotation_invalid", "data record " + std::to_string(r) + " starts at " + std::to_string(onset) +
                                                  " s, before the previous one ends");
      onsets[static_cast<size_t>(r)] = onset;
    }
  } else {
    for (int64_t r = 0; r < records; ++r) onsets[static_cast<size_t>(r)] = static_cast<double>(r) * duration;
  }
  const double first = onsets.front();

  // The record's rate is the ECG lead's (else the first signal's); signals at other rates keep their own rate.
  Record probe;
  for (size_t i : ordinary) probe.leads.push_back(Lead{sig[i].label, "", {}});
  const int ecg = find_ecg_lead(probe);
  const int64_t mainSpr = sig[ordinary[static_cast<size_t>(ecg >= 0 ? ecg : 0)]].samplesPerRecord;

  Record rec;
  rec.sampleRate = signal_rate(mainSpr, duration, durationFull);
  limits::check_read_sample_rate(rec.sampleRate, "edf_header_invalid");
  int64_t total = 0;
  for (size_t i : ordinary) {
    const int64_t spr = sig[i].samplesPerRecord;
    const double fs = signal_rate(spr, duration, durationFull);
    total += discontinuous ? static_cast<int64_t>(std::llround((onsets.back() - first) * fs)) + spr : records * spr;
  }
  limits::check_record_samples(total);

  const std::string_view patient = f.text(8, 80), recording = f.text(88, 80);
  if (!patient.empty()) rec.metadata.emplace_back("Patient", header_text(patient));
  if (!recording.empty()) rec.metadata.emplace_back("Recording", header_text(recording));
  rec.metadata.emplace_back("Start date", header_text(f.text(168, 8)));
  rec.metadata.emplace_back("Start time", header_text(f.text(176, 8)));
  if (discontinuous) {
    int gaps = 0;
    double gapSec = 0;
    for (int64_t r = 1; r < records; ++r) {
      const double g = onsets[static_cast<size_t>(r)] - (onsets[static_cast<size_t>(r - 1)] + duration);
      if (g > 1e-9 * duration) {
        if (gaps < 100)
          rec.metadata.emplace_back("Gap", std::to_string(onsets[static_cast<size_t>(r - 1)] + duration - first) + " s to " +
                                               std::to_string(onsets[static_cast<size_t>(r)] - first) + " s");
        ++gaps, gapSec += g;
      }
    }
    rec.metadata.emplace_back("Gaps", std::to_string(gaps) + " (" + std::to_string(gapSec) + " s in all)");
  }

  for (size_t i : ordinary) {
    const EdfSignal& s = sig[i];
    const int64_t spr = s.samplesPerRecord;
    const double fs = signal_rate(spr, duration, durationFull);
    Lead lead;
    lead.name = s.label;
    if (spr != mainSpr) lead.sampleRate = fs;
    const double mv = detail::millivolts_per_unit(s.units);
    lead.units = mv > 0 ? "mV" : s.units;
    const double k = (s.physMax - s.physMin) / static_cast<double>(s.digMax - s.digMin) * (mv > 0 ? mv : 1.0);
    const double phys0 = s.physMin * (mv > 0 ? mv : 1.0);
    const int64_t length =
        discontinuous ? static_cast<int64_t>(std::llround((onsets.back() - first) * fs)) + spr : records * spr;
    lead.samples.assign(static_cast<size_t>(length), 0.0f);
    float* out = lead.samples.data();
    int64_t filled = 0;  // samples written so far; a gap before a record holds the last value
    for (int64_t r = 0; r < records; ++r) {
      const int64_t pos =
          discontinuous ? std::max(filled, static_cast<int64_t>(std::llround((onsets[static_cast<size_t>(r)] - first) * fs)))
                        : r * spr;
      const float hold = filled > 0 ? out[filled - 1] : 0.0f;
      const int64_t copy = std::min(spr, length - pos);
      const uint8_t* p = bytes.data() + headerBytes + r * recordBytes + sampleBytes * offsets[i];
      for (int64_t j = 0; j < copy; ++j, p += sampleBytes) {
        int32_t d;
        if (bdf) {
          const uint32_t u = p[0] | (p[1] << 8) | (static_cast<uint32_t>(p[2]) << 16);
          d = static_cast<int32_t>((u ^ 0x800000u) - 0x800000u);
        } else {
          d = static_cast<int16_t>(static_cast<uint16_t>(p[0] | (p[1] << 8)));
        }
        out[pos + j] = static_cast<float>(phys0 + (d - s.digMin) * k);
      }
      if (filled == 0 && pos > 0) {
        const float firstValue = copy > 0 ? out[pos] : 0.0f;
        std::fill(out, out + pos, firstValue);  // a leading gap takes the first value
      } else {
        std::fill(out + filled, out + pos, hold);
      }
      filled = pos + copy;
    }
    rec.leads.push_back(std::move(lead));
  }
  return rec;
}

int find_ecg_lead(const Record& record) {
  // First a label that says ECG/EKG, then a standard lead name.
  for (size_t i = 0; i < record.leads.size(); ++i)
    if (says_ecg(record.leads[i].name)) return static_cast<int>(i);
  for (size_t i = 0; i < record.leads.size(); ++i)
    if (is_standard_lead(record.leads[i].name)) return static_cast<int>(i);
  return -1;
}

}  // namespace av::io
