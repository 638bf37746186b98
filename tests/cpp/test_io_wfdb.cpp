// WFDB reader tests: record 100 of the MIT-BIH Arrhythmia Database against values derived by hand from its
// header and raw bytes, each signal format through encodings written here, and every error path.
#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/files.h"
#include "io/wfdb_header.h"
#include "io/wfdb_signal.h"

#include "error_code.h"

using namespace av;
using av::test::error_code_of;
using namespace av::io;

namespace {

using Bytes = std::vector<uint8_t>;

WfdbFileOpener opener(const std::map<std::string, Bytes>& files) {
  return [&files](std::string_view name) -> std::optional<std::span<const uint8_t>> {
    auto it = files.find(std::string(name));
    if (it == files.end()) return std::nullopt;
    return std::span<const uint8_t>(it->second);
  };
}

// Encoders written from the WFDB signal(5) descriptions, independent of the reader.
void put16le(Bytes& b, int v) { b.push_back(uint8_t(v & 0xFF)); b.push_back(uint8_t((v >> 8) & 0xFF)); }

Bytes encode(int format, const std::vector<int>& v) {
  Bytes b;
  switch (format) {
    case 16: for (int x : v) put16le(b, x); break;
    case 61: for (int x : v) { b.push_back(uint8_t((x >> 8) & 0xFF)); b.push_back(uint8_t(x & 0xFF)); } break;
    case 80: for (int x : v) b.push_back(uint8_t(x + 128)); break;
    case 160: for (int x : v) put16le(b, x + 32768); break;
    case 24: for (int x : v) for (int k = 0; k < 3; ++k) b.push_back(uint8_t((x >> (8 * k)) & 0xFF)); break;
    case 32: for (int x : v) for (int k = 0; k < 4; ++k) b.push_back(uint8_t((uint32_t(x) >> (8 * k)) & 0xFF)); break;
    case 212:
      for (size_t i = 0; i < v.size(); i += 2) {
        const int a = v[i], c = i + 1 < v.size() ? v[i + 1] : 0;
        b.push_back(uint8_t(a & 0xFF));
        b.push_back(uint8_t(((a >> 8) & 0x0F) | (((c >> 8) & 0x0F) << 4)));
        b.push_back(uint8_t(c & 0xFF));
      }
      break;
    case 310:
      for (size_t i = 0; i < v.size(); i += 3) {
        const int x0 = v[i] & 0x3FF, x1 = (i + 1 < v.size() ? v[i + 1] : 0) & 0x3FF;
        const int x2 = (i + 2 < v.size() ? v[i + 2] : 0) & 0x3FF;
        put16le(b, (x0 << 1) | ((x2 & 0x1F) << 11));
        put16le(b, (x1 << 1) | ((x2 >> 5) << 11));
      }
      break;
    case 311:
      for (size_t i = 0; i < v.size(); i += 3) {
        const uint32_t w = uint32_t(v[i] & 0x3FF) | (uint32_t((i + 1 < v.size() ? v[i + 1] : 0) & 0x3FF) << 10) |
                           (uint32_t((i + 2 < v.size() ? v[i + 2] : 0) & 0x3FF) << 20);
        for (int k = 0; k < 4; ++k) b.push_back(uint8_t((w >> (8 * k)) & 0xFF));
      }
      break;
  }
  return b;
}

int checksum16(const std::vector<int>& v, size_t start, size_t stride) {
  int64_t s = 0;
  for (size_t i = start; i < v.size(); i += stride) s += v[i];
  return int(int16_t(uint16_t(s & 0xFFFF)));
}

std::string mitdb(const std::string& name) { return std::string(AV_MITDB_DIR) + "/" + name; }

}  // namespace

TEST_CASE("WFDB header: record line, signal lines, comments, CRLF", "[io][wfdb]") {
  const std::string text =
      "# leading comment\r\n"
      "rec01 3 500/1000(20) 1000 12:30:05 25/12/2020\r\n"
      "rec01.dat 16x1:2+128 400(10)/uV 12 5 7 1234 0 Lead I\r\n"
      "rec01.dat 16 0 0 0\r\n"
      "rec02.dat 212 100/mmHg\r\n"
      "#Age: 69 Sex: M\r\n";
  const WfdbHeader h = parse_wfdb_header(text);
  CHECK(h.recordName == "rec01");
  CHECK(h.signalCount == 3);
  CHECK(h.samplingFrequency == 500.0);
  CHECK(h.counterFrequency == 1000.0);
  CHECK(h.baseCounter == 20.0);
  CHECK(h.sampleCount == 1000);
  CHECK(h.baseTime == "12:30:05");
  CHECK(h.baseDate == "25/12/2020");
  REQUIRE(h.signals.size() == 3);
  const WfdbSignal& a = h.signals[0];
  CHECK(a.fileName == "rec01.dat");
  CHECK(a.format == 16);
  CHECK(a.samplesPerFrame == 1);
  CHECK(a.skew == 2);
  CHECK(a.byteOffset == 128);
  CHECK(a.gain == 400.0);
  CHECK(a.baseline == 10);
  CHECK(a.units == "uV");
  CHECK(a.adcResolution == 12);
  CHECK(a.adcZero == 5);
  CHECK(a.initialValue == 7);
  CHECK(a.hasChecksum);
  CHECK(a.checksum == 1234);
  CHECK(a.blockSize == 0);
  CHECK(a.description == "Lead I");
  const WfdbSignal& b = h.signals[1];
  CHECK(b.gain == 200.0);  // a gain of 0 means WFDB's default
  CHECK(b.units == "mV");
  CHECK(b.adcResolution == 16);  // 0 means the format's default
  CHECK(b.baseline == 0);
  CHECK_FALSE(b.hasChecksum);
  CHECK(b.description.empty());
  const WfdbSignal& c = h.signals[2];
  CHECK(c.format == 212);
  CHECK(c.units == "mmHg");
  CHECK(c.adcResolution == 12);
  REQUIRE(h.comments.size() == 2);
  CHECK(h.comments[1] == "Age: 69 Sex: M");

  // UTF-8 byte order mark, tabs between fields, old Mac line ends, no final newline.
  const WfdbHeader odd = parse_wfdb_header("\xEF\xBB\xBFodd\t1\t128\t10\rodd.dat\t16\t100\t12\t0\t0\t0\t0\tECG lead\t1");
  CHECK(odd.recordName == "odd");
  CHECK(odd.samplingFrequency == 128.0);
  REQUIRE(odd.signals.size() == 1);
  CHECK(odd.signals[0].gain == 100.0);
  CHECK(odd.signals[0].description == "ECG lead\t1");

  const WfdbHeader minimal = parse_wfdb_header("x 0\n");
  CHECK(minimal.samplingFrequency == 250.0);  // WFDB default
  CHECK(minimal.sampleCount == 0);
}

TEST_CASE("record 100 decodes to the millivolts its header and bytes give", "[io][wfdb][mitdb]") {
  const Record r = read_wfdb_file(mitdb("100.hea"));
  CHECK(r.name == "100");
  CHECK(r.sampleRate == 360.0);
  REQUIRE(r.leads.size() == 2);
  CHECK(r.leads[0].name == "MLII");
  CHECK(r.leads[1].name == "V5");
  CHECK(r.leads[0].units == "mV");
  REQUIRE(r.length() == 650000);
  REQUIRE(r.leads[1].samples.size() == 650000);
  // Initial values 995 and 1011, ADC zero 1024, gain 200.
  CHECK(r.leads[0].samples[0] == Approx((995 - 1024) / 200.0));
  CHECK(r.leads[1].samples[0] == Approx((1011 - 1024) / 200.0));
  // Bytes 24..26 are e8 33 f0: samples 0x3e8 = 1000 and 0x3f0 = 1008 (frame 8);
  // bytes 27..29 are e5 33 f0: 0x3e5 = 997 and 1008 (frame 9).
  CHECK(r.leads[0].samples[8] == Approx(-0.12));
  CHECK(r.leads[1].samples[8] == Approx(-0.08));
  CHECK(r.leads[0].samples[9] == Approx(-0.135));
  CHECK(r.leads[1].samples[9] == Approx(-0.08));
  // 100.atr is read beside the header.
  CHECK(r.annotations.size() > 2273);

  // The same frames through the range decoder.
  const Bytes hea = read_file_bytes(mitdb("100.hea"));
  const std::map<std::string, Bytes> files{{"100.dat", read_file_bytes(mitdb("100.dat"))}};
  const WfdbHeader h = parse_wfdb_header(std::string_view(reinterpret_cast<const char*>(hea.data()), hea.size()));
  const Record part = decode_wfdb_frames(h, opener(files), 8, 2);
  REQUIRE(part.length() == 2);
  CHECK(part.leads[0].samples[0] == Approx(-0.12));
  CHECK(part.leads[0].samples[1] == Approx(-0.135));
  CHECK(wfdb_frame_count(h, opener(files)) == 650000);
  const Record tail = decode_wfdb_frames(h, opener(files), 649990, 100);  // clipped at the end
  CHECK(tail.length() == 10);
  CHECK(tail.leads[0].samples[9] == r.leads[0].samples[649999]);
}

TEST_CASE("every signal format decodes its own encoding", "[io][wfdb]") {
  struct Case { int format; int lo, hi; };
  const Case cases[] = {{212, -2047, 2047}, {16, -32767, 32767}, {61, -32767, 32767}, {80, -127, 127},
                        {160, -32767, 32767}, {310, -511, 511}, {311, -511, 511}, {24, -8388607, 8388607},
                        {32, -2000000000, 2000000000}};
  for (const Case& c : cases) {
    DYNAMIC_SECTION("format " << c.format) {
      // Two interleaved signals, 7 frames (an odd sample count exercises partial groups in 212/310/311).
      std::vector<int> v = {0, 1, -1, c.hi, c.lo, 5, 100 % (c.hi + 1), -(100 % (c.hi + 1)), c.hi - 1, c.lo + 1,
                            42 % c.hi, 3, -7, 9};
      const std::string hea = "syn 2 250 7\n"
                              "syn.dat " + std::to_string(c.format) + " 100(5)/mV 0 0 0 " +
                              std::to_string(checksum16(v, 0, 2)) + " 0 A\n"
                              "syn.dat " + std::to_string(c.format) + " 50/uV 0 0 0 " +
                              std::to_string(checksum16(v, 1, 2)) + " 0 B\n";
      const std::map<std::string, Bytes> files{{"syn.dat", encode(c.format, v)}};
      const Record r = read_wfdb(hea, opener(files));
      REQUIRE(r.length() == 7);
      CHECK(r.sampleRate == 250.0);
      for (size_t t = 0; t < 7; ++t) {
        CHECK(r.leads[0].samples[t] == Approx((v[2 * t] - 5) / 100.0));
        CHECK(r.leads[1].samples[t] == Approx(v[2 * t + 1] / 50.0 / 1000.0));  // uV -> mV
      }
    }
  }
}

TEST_CASE("single-signal 212/310/311 files with odd sample counts", "[io][wfdb]") {
  for (int format : {212, 310, 311}) {
    for (int n : {1, 2, 4, 5}) {
      std::vector<int> v;
      for (int i = 0; i < n; ++i) v.push_back((i * 37) % 300 - 150);
      Bytes dat = encode(format, v);
      // Keep only the bytes the n samples need, as a writer of a partial group would.
      const size_t need = format == 212 ? size_t(3 * (n / 2) + (n % 2 ? 2 : 0))
                                        : size_t(4 * (n / 3) + (n % 3 == 0 ? 0 : format == 310 ? (n % 3 == 1 ? 2 : 4)
                                                                                               : (n % 3 == 1 ? 2 : 3)));
      dat.resize(need);
      const std::map<std::string, Bytes> files{{"s.dat", dat}};
      const std::string hea = "s 1 100 " + std::to_string(n) + "\ns.dat " + std::to_string(format) + " 1\n";
      const Record r = read_wfdb(hea, opener(files));
      INFO("format " << format << " n " << n);
      REQUIRE(r.length() == size_t(n));
      for (int i = 0; i < n; ++i) CHECK(r.leads[0].samples[size_t(i)] == Approx(v[size_t(i)]));
    }
  }
}

TEST_CASE("multi-file records, skew, byte offset, units and invalid samples", "[io][wfdb]") {
  std::vector<int> a = {10, 20, 30, 40, 50};
  Bytes fileA = {0xAA, 0xBB, 0xCC};  // a 3-byte prolog skipped by "+3"
  const Bytes encA = encode(16, a);
  fileA.insert(fileA.end(), encA.begin(), encA.end());
  // File b holds two signals; the second is skewed by one frame.
  std::vector<int> b = {1, 100, 2, 101, 3, 102, 4, 103, 5, 104};
  const std::map<std::string, Bytes> files{{"a.dat", fileA}, {"b.dat", encode(80, b)}};
  const std::string hea =
      "m 3 128 4\n"
      "a.dat 16+3 10/V 16 0 10\n"
      "b.dat 80 1/mmHg 8 0 1\n"
      "b.dat 80:1 2 8 0 101\n";
  const Record r = read_wfdb(hea, opener(files));
  REQUIRE(r.length() == 4);
  CHECK(r.leads[0].samples[3] == Approx(40 / 10.0 * 1000.0));  // V -> mV
  CHECK(r.leads[1].units == "mmHg");                            // not a voltage: kept as is
  CHECK(r.leads[1].samples[2] == Approx(3.0));
  CHECK(r.leads[2].samples[0] == Approx(101 / 2.0));  // skew 1: frame 0 comes from frame 1
  CHECK(r.leads[2].samples[3] == Approx(104 / 2.0));

  // WFDB's invalid-sample value (-2048 in 212) holds the previous value.
  const std::vector<int> v = {100, -2048, 300, 400};
  const std::map<std::string, Bytes> f212{{"i.dat", encode(212, v)}};
  const Record ri = read_wfdb("i 1 360 4\ni.dat 212 100\n", opener(f212));
  CHECK(ri.leads[0].samples[1] == Approx(1.0));
  CHECK(ri.leads[0].samples[2] == Approx(3.0));

  // Without a sample count the data decides the length.
  const Record rn = read_wfdb("i 1 360\ni.dat 212 100\n", opener(f212));
  CHECK(rn.length() == 4);
}

TEST_CASE("WFDB error paths end in coded errors", "[io][wfdb][errors]") {
  const std::map<std::string, Bytes> one{{"r.dat", encode(16, {1, 2, 3, 4})}};
  auto read = [&](const std::string& hea) { return [hea, &one] { read_wfdb(hea, opener(one)); }; };

  CHECK(error_code_of(read("")) == "wfdb_header_invalid");
  CHECK(error_code_of(read("   \n\n# only a comment\n")) == "wfdb_header_invalid");
  CHECK(error_code_of(read("r 1 0 4\nr.dat 16\n")) == "wfdb_header_invalid");        // zero fs
  CHECK(error_code_of(read("r 1 -360 4\nr.dat 16\n")) == "wfdb_header_invalid");     // negative fs
  CHECK(error_code_of(read("r 1 1e12 4\nr.dat 16\n")) == "wfdb_header_invalid");     // absurd fs
  CHECK(error_code_of(read("r 1 nan 4\nr.dat 16\n")) == "wfdb_header_invalid");
  CHECK(error_code_of(read("r 100000 360 4\n")) == "wfdb_header_invalid");           // absurd nsig
  CHECK(error_code_of(read("r two 360 4\nr.dat 16\n")) == "wfdb_header_invalid");    // non-numeric
  CHECK(error_code_of(read("r 1 fast 4\nr.dat 16\n")) == "wfdb_header_invalid");
  CHECK(error_code_of(read("r 1 360 4x\nr.dat 16\n")) == "wfdb_header_invalid");
  CHECK(error_code_of(read("r 1 360 4\nr.dat 16 abc\n")) == "wfdb_header_invalid");
  CHECK(error_code_of(read("r 1 360 4\nr.dat 16 200 12 zero\n")) == "wfdb_header_invalid");
  CHECK(error_code_of(read("r 1 360 4\nr.dat sixteen\n")) == "wfdb_header_invalid");
  CHECK(error_code_of(read("r 1 360 4\nr.dat 16x0\n")) == "wfdb_header_invalid");
  CHECK(error_code_of(read("r 2 360 4\nr.dat 16\n")) == "wfdb_header_invalid");      // missing signal line
  CHECK(error_code_of(read("r 1 360 4\nr.dat 16\nr.dat 16\n")) == "wfdb_header_invalid");  // extra line
  CHECK(error_code_of(read("r/2 1 360 4\n")) == "wfdb_header_invalid");               // segment lines missing
  CHECK(error_code_of(read("r/2 1 360 4\ns1 2\n../s2 2\n")) == "wfdb_file_name_invalid");
  CHECK(error_code_of(read("r/0 1 360 4\n")) == "wfdb_header_invalid");
  CHECK(error_code_of(read("r/1 1 360 4\ns1 2\n")) == "wfdb_signal_missing");          // no s1.hea
  CHECK(error_code_of(read("r 1 360 4\n../r.dat 16\n")) == "wfdb_file_name_invalid");
  CHECK(error_code_of(read("r 1 360 4\n/etc/passwd 16\n")) == "wfdb_file_name_invalid");
  CHECK(error_code_of(read("r 1 360 4\nsub\\r.dat 16\n")) == "wfdb_file_name_invalid");
  CHECK(error_code_of(read("r 1 360 4\n.. 16\n")) == "wfdb_file_name_invalid");
  CHECK(error_code_of(read("r 1 360 4\nr.dat 999\n")) == "wfdb_format_unsupported");
  CHECK(error_code_of(read("r 1 360 4\nr.dat 508\n")) == "wfdb_format_unsupported");   // FLAC
  CHECK(error_code_of(read("r 1 360 4\nother.dat 16\n")) == "wfdb_signal_missing");
  CHECK(error_code_of(read("r 1 360 5\nr.dat 16\n")) == "wfdb_signal_truncated");     // .dat too short
  CHECK(error_code_of(read("r 64 360 999999999999999\n" + [] {
          std::string s;
          for (int i = 0; i < 64; ++i) s += "r.dat 16\n";
          return s;
        }())) == "wfdb_signal_truncated");                                               // absurd sample count
  CHECK(error_code_of(read("r 1 360 4\nr.dat 16+100\n")) == "wfdb_signal_truncated");  // offset past the end
  CHECK(error_code_of(read("r 1 360 4\nr.dat 16 200 16 0 1 11 0 x\n")) == "wfdb_checksum_mismatch");
  CHECK(error_code_of(read("r 1 360 4\nr.dat 16 200 16 0 1 10 0 x\n")) == "(no error)");  // 1+2+3+4
  CHECK(error_code_of(read("r 0 360 4\n")) == "empty_signal");

  const std::map<std::string, Bytes> empty{{"r.dat", {}}};
  CHECK(error_code_of([&] { read_wfdb("r 1 360\nr.dat 16\n", opener(empty)); }) == "wfdb_signal_truncated");
  CHECK(error_code_of([] { read_wfdb_file(std::string(AV_MITDB_DIR) + "/no-such-record.hea"); }) ==
        "io_file_not_found");

  // A flipped byte in the real 100.dat is caught by the header's checksum.
  const Bytes hea = read_file_bytes(mitdb("100.hea"));
  std::map<std::string, Bytes> files{{"100.dat", read_file_bytes(mitdb("100.dat"))}};
  files["100.dat"][300000] ^= 0x01;
  const std::string heaText(hea.begin(), hea.end());
  CHECK(error_code_of([&] { read_wfdb(heaText, opener(files)); }) == "wfdb_checksum_mismatch");
  files["100.dat"].resize(1000);
  CHECK(error_code_of([&] { read_wfdb(heaText, opener(files)); }) == "wfdb_signal_truncated");
}

TEST_CASE("random bytes as a header never crash", "[io][wfdb][errors]") {
  std::mt19937 rng(12345);
  const std::map<std::string, Bytes> none;
  for (int i = 0; i < 200; ++i) {
    std::string junk(size_t(rng() % 300), '\0');
    for (char& ch : junk) ch = char(rng() % 256);
    const std::string code = error_code_of([&] { read_wfdb(junk, opener(none)); });
    INFO(i);
    CHECK(code != "(no error)");
  }
}

TEST_CASE("frame slices decode the same samples as the whole file", "[io][wfdb]") {
  // Formats with packing units of 2 and 3 samples, with frame sizes that do not divide them.
  for (int format : {212, 310, 311, 16}) {
    for (int nsig : {1, 2}) {
      std::vector<int> v;
      for (int i = 0; i < 3001 * nsig; ++i) v.push_back((i * 7919) % 1000 - 500);
      Bytes dat = {1, 2, 3, 4, 5};  // a prolog skipped by "+5"
      const Bytes enc = encode(format, v);
      dat.insert(dat.end(), enc.begin(), enc.end());
      std::string hea = "s " + std::to_string(nsig) + " 500 3001\n";
      for (int k = 0; k < nsig; ++k)
        hea += "s.dat " + std::to_string(format) + (k == 0 ? "+5" : "") + (k == 1 ? ":2" : "") + " 100\n";
      const WfdbHeader h = parse_wfdb_header(hea);
      const std::map<std::string, Bytes> files{{"s.dat", dat}};
      for (auto [first, count] : {std::pair<int64_t, int64_t>{0, 10}, {1, 1}, {7, 333}, {1000, 1001}, {2990, 50}}) {
        INFO("format " << format << " nsig " << nsig << " first " << first);
        const Record whole = decode_wfdb_frames(h, opener(files), first, count);
        const std::vector<WfdbFileSlice> sl = wfdb_frame_slices(h, first, count);
        REQUIRE(sl.size() == 1);
        const Bytes& f = files.at("s.dat");
        const size_t from = std::min<size_t>(f.size(), size_t(sl[0].offset));
        const Bytes part(f.begin() + long(from), f.begin() + long(std::min<size_t>(f.size(), from + size_t(sl[0].length))));
        const std::map<std::string, Bytes> sliceFiles{{"s.dat", part}};
        const Record r = decode_wfdb_slices(h, opener(sliceFiles), first, count);
        CHECK(part.size() < f.size());
        REQUIRE(r.length() == whole.length());
        for (int k = 0; k < nsig; ++k) CHECK(r.leads[size_t(k)].samples == whole.leads[size_t(k)].samples);
      }
    }
  }
  CHECK(error_code_of([] { wfdb_frame_slices(parse_wfdb_header("s 1 100\ns.dat 16\n"), -1, 5); }) ==
        "wfdb_range_invalid");
}
