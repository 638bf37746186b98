#include "core/record_blob.h"

#include <cstring>
#include <type_traits>

#include "core/error.h"

// Layout: "AVR1", then
//   string name, f64 sampleRate,
//   u32 leads × {string name, string units, f64 sampleRate, u32 n, n × f32 samples},
//   u32 annotations × {i64 sample, i32 code, i32 subtype, i32 chan, i32 num, string aux, string symbol},
//   u32 metadata × {string key, string value};
// a string is u32 length + bytes. Integers and floats are little-endian.
namespace av {
namespace {

constexpr char kMagic[4] = {'A', 'V', 'R', '1'};
template <class T>
using Bits = std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>;
template <class To, class From>
To same_bits(From v) {
  static_assert(sizeof(To) == sizeof(From));
  To out;
  std::memcpy(&out, &v, sizeof out);
  return out;
}

class Writer {
 public:
  void raw(const void* p, size_t n) { out.append(static_cast<const char*>(p), n); }
  template <class T>
  void le(T v) {
    uint8_t b[sizeof(T)];
    const auto u = same_bits<Bits<T>>(v);
    for (size_t i = 0; i < sizeof(T); ++i) b[i] = static_cast<uint8_t>(u >> (8 * i));
    raw(b, sizeof(T));
  }
  void count(size_t n) { le(static_cast<uint32_t>(n)); }
  void text(const std::string& s) { count(s.size()), raw(s.data(), s.size()); }
  std::string out;
};

class Reader {
 public:
  explicit Reader(std::span<const uint8_t> b) : b_(b) {}
  template <class T>
  T le(const char* what) {
    need(sizeof(T), what);
    Bits<T> u = 0;
    for (size_t i = 0; i < sizeof(T); ++i) u |= static_cast<Bits<T>>(static_cast<Bits<T>>(b_[at_ + i]) << (8 * i));
    at_ += sizeof(T);
    return same_bits<T>(u);
  }
  // A count of items of at least `itemBytes` bytes each: never more than the bytes left can hold.
  size_t count(const char* what, size_t itemBytes) {
    const size_t n = le<uint32_t>(what);
    if (itemBytes > 0 && n > (b_.size() - at_) / itemBytes)
      throw Error("record_blob_invalid", std::string(what) + " count " + std::to_string(n) + " exceeds the bytes left");
    return n;
  }
  std::string text(const char* what) {
    const size_t n = count(what, 1);
    std::string s(reinterpret_cast<const char*>(b_.data() + at_), n);
    at_ += n;
    return s;
  }
  void floats(std::vector<float>& out, const char* what) {
    const size_t n = count(what, 4);
    out.resize(n);
    for (float& x : out) x = le<float>(what);
  }
  void magic() {
    need(4, "magic");
    if (std::memcmp(b_.data(), kMagic, 4) != 0) throw Error("record_blob_invalid", "not a record blob (magic is not AVR1)");
    at_ = 4;
  }
  void end() {
    if (at_ != b_.size())
      throw Error("record_blob_invalid", std::to_string(b_.size() - at_) + " bytes after the end of the record");
  }

 private:
  void need(size_t n, const char* what) {
    if (b_.size() - at_ < n) throw Error("record_blob_invalid", std::string("truncated at ") + what);
  }
  std::span<const uint8_t> b_;
  size_t at_ = 0;
};

}  // namespace

std::string encode_record(const Record& r) {
  Writer w;
  w.raw(kMagic, 4);
  w.text(r.name);
  w.le(r.sampleRate);
  w.count(r.leads.size());
  for (const Lead& l : r.leads) {
    w.text(l.name), w.text(l.units), w.le(l.sampleRate);
    w.count(l.samples.size());
    for (float x : l.samples) w.le(x);
  }
  w.count(r.annotations.size());
  for (const Annotation& a : r.annotations) {
    w.le(a.sample), w.le<int32_t>(a.code), w.le<int32_t>(a.subtype), w.le<int32_t>(a.chan), w.le<int32_t>(a.num);
    w.text(a.aux), w.text(a.symbol);
  }
  w.count(r.metadata.size());
  for (const auto& [k, v] : r.metadata) w.text(k), w.text(v);
  return std::move(w.out);
}

Record decode_record(std::span<const uint8_t> bytes) {
  Reader in(bytes);
  in.magic();
  Record r;
  r.name = in.text("record name");
  r.sampleRate = in.le<double>("sample rate");
  r.leads.resize(in.count("lead", 20));
  for (Lead& l : r.leads) {
    l.name = in.text("lead name");
    l.units = in.text("lead units");
    l.sampleRate = in.le<double>("lead sample rate");
    in.floats(l.samples, "samples");
  }
  r.annotations.resize(in.count("annotation", 32));
  for (Annotation& a : r.annotations) {
    a.sample = in.le<int64_t>("annotation sample");
    a.code = in.le<int32_t>("annotation code");
    a.subtype = in.le<int32_t>("annotation subtype");
    a.chan = in.le<int32_t>("annotation chan");
    a.num = in.le<int32_t>("annotation num");
    a.aux = in.text("annotation aux");
    a.symbol = in.text("annotation symbol");
  }
  r.metadata.resize(in.count("metadata", 8));
  for (auto& [k, v] : r.metadata) k = in.text("metadata key"), v = in.text("metadata value");
  in.end();
  return r;
}

}  // namespace av
