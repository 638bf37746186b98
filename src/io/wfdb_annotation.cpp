#include "io/wfdb_annotation.h"

#include <cmath>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/error.h"

namespace av::io {
namespace {

constexpr int kSkip = 59, kNum = 60, kSub = 61, kChn = 62, kAux = 63;
constexpr int kMaxCode = 49;  // WFDB ACMAX

[[noreturn]] void fail(const std::string& message, size_t byteOffset) {
  throw Error("wfdb_annotation_invalid", message, "byte " + std::to_string(byteOffset));
}

void put_word(std::vector<uint8_t>& out, int type, int data) {
  const uint16_t w = static_cast<uint16_t>((type << 10) | (data & 0x3FF));
  out.push_back(static_cast<uint8_t>(w & 0xFF));
  out.push_back(static_cast<uint8_t>(w >> 8));
}

}  // namespace

std::vector<Annotation> read_wfdb_annotations(std::span<const uint8_t> bytes, double* timeResolution) {
  std::vector<Annotation> out;
  const size_t n = bytes.size();
  auto word = [&](size_t pos) { return static_cast<int>(bytes[pos] | (bytes[pos + 1] << 8)); };
  // As in WFDB, subtype and num are signed 8-bit and chan unsigned 8-bit values.
  auto int8 = [](int data) { return static_cast<int>(static_cast<int8_t>(static_cast<uint8_t>(data & 0xFF))); };
  int64_t time = 0;
  int chan = 0, num = 0;
  size_t pos = 0;
  while (pos + 2 <= n) {
    const int w = word(pos);
    const int type = w >> 10, data = w & 0x3FF;
    const size_t at = pos;
    pos += 2;
    if (w == 0) break;  // logical end of file
    if (type == kSkip) {
      if (pos + 4 > n) fail("truncated SKIP", at);
      // 32-bit interval, high 16-bit word first, each word little-endian (PDP-11 order).
      const uint32_t u = (static_cast<uint32_t>(word(pos)) << 16) | static_cast<uint32_t>(word(pos + 2));
      time += static_cast<int32_t>(u);
      pos += 4;
      continue;
    }
    if (type == kNum || type == kSub || type == kChn || type == kAux) {
      Annotation* a = out.empty() ? nullptr : &out.back();  // modifiers before any annotation only set state
      if (type == kNum) {
        num = int8(data);
        if (a) a->num = num;
      } else if (type == kSub) {
        if (a) a->subtype = int8(data);
      } else if (type == kChn) {
        chan = data & 0xFF;
        if (a) a->chan = chan;
      } else {
        const size_t len = static_cast<size_t>(data & 0xFF);  // WFDB keeps the low 8 bits as the length
        if (pos + len > n) fail("truncated AUX string", at);
        if (a) {
          std::string aux(reinterpret_cast<const char*>(bytes.data() + pos), len);
          while (!aux.empty() && aux.back() == '\0') aux.pop_back();
          a->aux = std::move(aux);
        }
        pos += len + (len & 1);
      }
      continue;
    }
    time += data;
    if (time < 0) fail("annotation time is negative", at);
    Annotation a;
    a.sample = time;
    a.code = type;
    a.chan = chan;
    a.num = num;
    out.push_back(std::move(a));
  }

  // The annotation table at the start of the file, read as WFDB's annopen does (get_ann_table, annot.c): every
  // leading NOTE at time 0 with subtype 0 and an aux string is metadata, not an annotation. "## time
  // resolution: F" sets the time unit, other "## ..." lines are comments, and "code mnemonic [description]"
  // defines a custom label (0 <= code <= 49). The null annotation (code 0 at time 0) that wrann writes after a
  // table is dropped too, as getann drops it. (getann also drops any other first annotation at time 0, a quirk
  // of its push-back; that annotation is kept here.)
  constexpr int kNote = 22;
  size_t header = 0;
  double resolution = 0.0;
  std::string labels[kMaxCode + 1];
  while (header < out.size() && out[header].sample == 0 && out[header].code == kNote && out[header].subtype == 0 &&
         !out[header].aux.empty()) {
    const std::string& aux = out[header].aux;
    constexpr std::string_view kRes = "## time resolution: ";
    if (aux[0] == '#') {
      if (aux.rfind(kRes, 0) == 0) resolution = std::strtod(aux.c_str() + kRes.size(), nullptr);
    } else {
      // strtok on spaces and tabs: the code, then the mnemonic (the description is the rest)
      size_t i = 0;
      auto token = [&](std::string& t) {
        t.clear();
        while (i < aux.size() && (aux[i] == ' ' || aux[i] == '\t')) ++i;
        while (i < aux.size() && aux[i] != ' ' && aux[i] != '\t') t += aux[i++];
        return !t.empty();
      };
      std::string codeText, mnemonic;
      if (token(codeText) && token(mnemonic)) {
        const long code = std::strtol(codeText.c_str(), nullptr, 10);
        while (!mnemonic.empty() && (mnemonic.back() == '\n' || mnemonic.back() == '\r')) mnemonic.pop_back();
        if (code >= 0 && code <= kMaxCode && !mnemonic.empty()) labels[code] = mnemonic;
      }
    }
    ++header;
  }
  if (header < out.size() && out[header].sample == 0 && out[header].code == 0) ++header;
  out.erase(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(header));
  for (Annotation& a : out)
    if (a.code >= 0 && a.code <= kMaxCode && !labels[a.code].empty()) a.symbol = labels[a.code];
  if (timeResolution) *timeResolution = std::isfinite(resolution) && resolution > 0 ? resolution : 0.0;
  return out;
}

std::vector<Annotation> read_wfdb_annotations_at(std::span<const uint8_t> bytes, double fs, double frameRate) {
  double resolution = 0.0;
  std::vector<Annotation> annotations = read_wfdb_annotations(bytes, &resolution);
  // Times count in the stated resolution, else in frames (WFDB's getann without high resolution).
  const double unit = resolution > 0 ? resolution : frameRate > 0 ? frameRate : fs;
  if (unit > 0 && fs > 0 && std::fabs(unit - fs) > 1e-9 * fs)
    for (Annotation& a : annotations)
      a.sample = static_cast<int64_t>(std::floor(static_cast<double>(a.sample) * fs / unit + 0.5));
  return annotations;
}

void attach_wfdb_annotations(Record& record, std::span<const uint8_t> bytes, double frameRate) {
  record.annotations = read_wfdb_annotations_at(bytes, record.sampleRate, frameRate);
}

std::vector<uint8_t> write_wfdb_annotations(std::span<const Annotation> annotations) {
  std::vector<uint8_t> out;
  out.reserve(annotations.size() * 2 + 2);
  int64_t time = 0;
  int chan = 0, num = 0;
  for (size_t i = 0; i < annotations.size(); ++i) {
    const Annotation& a = annotations[i];
    const std::string where = "annotation " + std::to_string(i);
    if (a.code < 1 || a.code > kMaxCode)
      throw Error("wfdb_annotation_invalid", "type code " + std::to_string(a.code) + " cannot be stored", where);
    if (a.sample < 0) throw Error("wfdb_annotation_invalid", "negative sample index", where);
    if (a.subtype < -128 || a.subtype > 127 || a.num < -128 || a.num > 127 || a.chan < 0 || a.chan > 255)
      throw Error("wfdb_annotation_invalid", "subtype/num must be in -128..127 and chan in 0..255", where);
    if (a.aux.size() > 254) throw Error("wfdb_annotation_invalid", "aux string longer than 254 bytes", where);
    const int64_t delta = a.sample - time;
    if (delta < INT32_MIN || delta > INT32_MAX)
      throw Error("wfdb_annotation_invalid", "time step does not fit in 32 bits", where);
    if (delta < 0 || delta > 1023) {
      const uint32_t u = static_cast<uint32_t>(static_cast<int32_t>(delta));
      put_word(out, kSkip, 0);
      out.push_back(static_cast<uint8_t>((u >> 16) & 0xFF));
      out.push_back(static_cast<uint8_t>(u >> 24));
      out.push_back(static_cast<uint8_t>(u & 0xFF));
      out.push_back(static_cast<uint8_t>((u >> 8) & 0xFF));
      put_word(out, a.code, 0);
    } else {
      put_word(out, a.code, static_cast<int>(delta));
    }
    time = a.sample;
    if (a.subtype != 0) put_word(out, kSub, a.subtype);
    if (a.chan != chan) put_word(out, kChn, chan = a.chan);
    if (a.num != num) put_word(out, kNum, num = a.num);
    if (!a.aux.empty()) {
      const int len = static_cast<int>(a.aux.size()) + 1;  // with the terminating NUL
      put_word(out, kAux, len);
      out.insert(out.end(), a.aux.begin(), a.aux.end());
      out.push_back(0);
      if (len & 1) out.push_back(0);
    }
  }
  put_word(out, 0, 0);  // end of file
  return out;
}

}  // namespace av::io
