#include "io/edf.h"

#include <cctype>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
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

class Fields {
 public:
  explicit Fields(std::span<const uint8_t> b) : b_(b) {}
  std::string_view text(size_t offset, size_t len) const {
    return detail::trim(std::string_view(reinterpret_cast<const char*>(b_.data()) + offset, len));
  }
  double real(size_t offset, size_t len, const std::string& what) const {
    double v = 0;
    if (!detail::parse_double(text(offset, len), v))
      throw Error("edf_header_invalid", "expected a number for " + what + ", got '" + std::string(text(offset, len)) + "'",
                  "byte " + std::to_string(offset));
    return v;
  }
  int64_t integer(size_t offset, size_t len, const std::string& what) const {
    int64_t v = 0;
    if (!detail::parse_int(text(offset, len), v))
      throw Error("edf_header_invalid", "expected an integer for " + what + ", got '" + std::string(text(offset, len)) + "'",
                  "byte " + std::to_string(offset));
    return v;
  }

 private:
  std::span<const uint8_t> b_;
};

std::string upper(std::string_view s) {
  std::string out;
  for (char c : s) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Record read_edf(std::span<const uint8_t> bytes) {
  if (bytes.size() < 256) throw Error("edf_header_invalid", "the file is shorter than an EDF header (256 bytes)");
  if (bytes[0] == 0xFF) throw Error("edf_unsupported", "BDF (24-bit) files are not supported");
  const Fields f(bytes);
  if (f.text(0, 8) != "0") throw Error("edf_header_invalid", "not an EDF file (version field is not 0)", "byte 0");

  const int64_t headerBytes = f.integer(184, 8, "header size");
  const std::string_view reserved = f.text(192, 44);
  int64_t records = f.integer(236, 8, "number of data records");
  const double duration = f.real(244, 8, "data record duration");
  const int64_t ns = f.integer(252, 4, "number of signals");
  if (ns < 1) throw Error("edf_header_invalid", "number of signals " + std::to_string(ns) + " is absurd", "byte 252");
  limits::check_signal_count(ns, "edf_header_invalid", "byte 252");
  if (headerBytes != 256 * (ns + 1))
    throw Error("edf_header_invalid", "header size " + std::to_string(headerBytes) + " does not match " +
                                          std::to_string(ns) + " signals", "byte 184");
  if (static_cast<int64_t>(bytes.size()) < headerBytes) throw Error("edf_truncated", "the file ends inside the header");
  if (!(duration > 0) || duration > 1e6) throw Error("edf_header_invalid", "data record duration must be positive", "byte 244");
  if (records < -1) throw Error("edf_header_invalid", "negative number of data records", "byte 236");

  // Per-signal fields are stored field by field: ns labels, then ns transducer types, and so on.
  const size_t n = static_cast<size_t>(ns);
  auto at = [&](size_t fieldStart, size_t width, size_t i) { return 256 + fieldStart * n + width * i; };
  std::vector<EdfSignal> sig(n);
  int64_t recordSamples = 0;
  for (size_t i = 0; i < n; ++i) {
    EdfSignal& s = sig[i];
    const std::string who = "signal " + std::to_string(i);
    s.label = std::string(f.text(at(0, 16, i), 16));
    s.units = std::string(f.text(at(16 + 80, 8, i), 8));
    s.physMin = f.real(at(104, 8, i), 8, who + " physical minimum");
    s.physMax = f.real(at(112, 8, i), 8, who + " physical maximum");
    s.digMin = f.integer(at(120, 8, i), 8, who + " digital minimum");
    s.digMax = f.integer(at(128, 8, i), 8, who + " digital maximum");
    s.samplesPerRecord = f.integer(at(216, 8, i), 8, who + " samples per record");
    s.annotation = s.label == "EDF Annotations";
    if (s.samplesPerRecord < 1 || s.samplesPerRecord > (int64_t{1} << 24))
      throw Error("edf_header_invalid", who + ": absurd number of samples per record");
    if (!s.annotation && (s.digMax <= s.digMin || s.digMin < -32768 || s.digMax > 32767 || s.physMax == s.physMin))
      throw Error("edf_header_invalid", who + ": invalid physical/digital range");
    recordSamples += s.samplesPerRecord;
  }
  const int64_t recordBytes = 2 * recordSamples;
  const int64_t dataBytes = static_cast<int64_t>(bytes.size()) - headerBytes;
  if (records == -1) records = dataBytes / recordBytes;  // "unknown" (recording still running)
  if (records > dataBytes / recordBytes)
    throw Error("edf_truncated", "the header declares " + std::to_string(records) + " data records of " +
                                     std::to_string(recordBytes) + " bytes, the file holds " +
                                     std::to_string(dataBytes / recordBytes));
  if (records == 0) throw Error("edf_truncated", "the file holds no data records");
  (void)reserved;  // "EDF+C" / "EDF+D": discontinuous records are read back to back

  // Choose the sample rate: the ECG lead's, else the first ordinary signal's.
  Record probe;
  std::vector<size_t> ordinary;
  for (size_t i = 0; i < n; ++i)
    if (!sig[i].annotation) {
      ordinary.push_back(i);
      probe.leads.push_back(Lead{sig[i].label, "", {}});
    }
  if (ordinary.empty()) throw Error("empty_signal", "the EDF file has only annotation signals");
  const int ecg = find_ecg_lead(probe);
  const int64_t spr = sig[ordinary[static_cast<size_t>(ecg >= 0 ? ecg : 0)]].samplesPerRecord;

  Record rec;
  rec.sampleRate = static_cast<double>(spr) / duration;
  limits::check_read_sample_rate(rec.sampleRate, "edf_header_invalid");
  limits::check_record_samples(records * spr * static_cast<int64_t>(ordinary.size()));
  std::vector<int64_t> offsets(n, 0);
  for (size_t i = 1; i < n; ++i) offsets[i] = offsets[i - 1] + sig[i - 1].samplesPerRecord;
  for (size_t i : ordinary) {
    const EdfSignal& s = sig[i];
    if (s.samplesPerRecord != spr) continue;
    Lead lead;
    lead.name = s.label;
    const double mv = detail::millivolts_per_unit(s.units);
    lead.units = mv > 0 ? "mV" : s.units;
    const double k = (s.physMax - s.physMin) / static_cast<double>(s.digMax - s.digMin) * (mv > 0 ? mv : 1.0);
    const double phys0 = s.physMin * (mv > 0 ? mv : 1.0);
    lead.samples.resize(static_cast<size_t>(records * spr));
    float* out = lead.samples.data();
    for (int64_t r = 0; r < records; ++r) {
      const uint8_t* p = bytes.data() + headerBytes + r * recordBytes + 2 * offsets[i];
      for (int64_t j = 0; j < spr; ++j, p += 2) {
        const int16_t d = static_cast<int16_t>(static_cast<uint16_t>(p[0] | (p[1] << 8)));
        *out++ = static_cast<float>(phys0 + (d - s.digMin) * k);
      }
    }
    rec.leads.push_back(std::move(lead));
  }
  return rec;
}

int find_ecg_lead(const Record& record) {
  static const char* const kLeadNames[] = {"MLII", "MLI", "MLIII", "II", "I", "III", "AVR", "AVL", "AVF",
                                           "V1", "V2", "V3", "V4", "V5", "V6", "ML5", "CM5", "D1", "D2", "D3"};
  // First a label that says ECG/EKG, then a standard lead name.
  for (size_t i = 0; i < record.leads.size(); ++i) {
    const std::string l = upper(record.leads[i].name);
    if (l.find("ECG") != std::string::npos || l.find("EKG") != std::string::npos) return static_cast<int>(i);
  }
  for (size_t i = 0; i < record.leads.size(); ++i) {
    const std::string l = upper(record.leads[i].name);
    for (const char* name : kLeadNames)
      if (l == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace av::io
