// ISHNE Holter 1.0: files written here field by field from the standard (Badilini 1998) with known samples.
// (biosig's save2gdf 2.5 reads ISHNE only "experimentally": for a 2000-sample file it reports 1106 samples with
// misaligned values, so it is no oracle here.)
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/ishne.h"
#include "io/wfdb_signal.h"

#include "error_code.h"

using namespace av;
using namespace av::io;
using av::test::error_code_of;

namespace {

using Bytes = std::vector<uint8_t>;

void put16(Bytes& b, size_t at, int v) {
  b[at] = static_cast<uint8_t>(v & 0xFF);
  b[at + 1] = static_cast<uint8_t>((v >> 8) & 0xFF);
}
void put32(Bytes& b, size_t at, int64_t v) {
  for (int k = 0; k < 4; ++k) b[at + static_cast<size_t>(k)] = static_cast<uint8_t>((v >> (8 * k)) & 0xFF);
}

// CRC-16/CCITT-FALSE written out from its definition (MSB first, polynomial 0x1021, initial 0xFFFF).
uint16_t reference_crc(const uint8_t* p, size_t n) {
  uint32_t crc = 0xFFFF;
  for (size_t i = 0; i < n; ++i)
    for (int bit = 7; bit >= 0; --bit) {
      const bool in = (p[i] >> bit) & 1, top = (crc >> 15) & 1;
      crc = (crc << 1) & 0xFFFF;
      if (in != top) crc ^= 0x1021;
    }
  return static_cast<uint16_t>(crc);
}

struct Spec {
  int leads = 2, rate = 200;
  std::vector<int> leadCodes = {6, 11}, resolution = {2500, 5000};
  std::string var = "written by hand";
  int64_t frames = 2000, statedSize = -1;  // statedSize -1: frames
  const char* magic = "ISHNE1.0";
};

std::vector<std::vector<int16_t>> samples_of(const Spec& s) {
  std::vector<std::vector<int16_t>> x(static_cast<size_t>(std::max(0, s.leads)));
  for (int k = 0; k < s.leads; ++k)
    for (int64_t t = 0; t < s.frames; ++t)
      x[static_cast<size_t>(k)].push_back(static_cast<int16_t>(std::lround(1000 * std::sin(2 * M_PI * (k + 1) * t / s.rate))));
  return x;
}

Bytes header(const Spec& s) {
  Bytes b(522 + s.var.size(), 0);
  std::memcpy(b.data(), s.magic, 8);
  put32(b, 10, static_cast<int64_t>(s.var.size()));
  put32(b, 14, s.statedSize < 0 ? s.frames : s.statedSize);
  put32(b, 18, 522);
  put32(b, 22, 522 + static_cast<int64_t>(s.var.size()));
  put16(b, 26, 1);
  std::memcpy(b.data() + 28, "Jane", 4);
  std::memcpy(b.data() + 68, "Doe", 3);
  std::memcpy(b.data() + 108, "ID-42", 5);
  put16(b, 128, 2);
  const int dates[] = {2, 3, 1970, 1, 3, 2024, 1, 3, 2024, 8, 15, 0};
  for (int i = 0; i < 12; ++i) put16(b, 132 + 2 * static_cast<size_t>(i), dates[i]);
  put16(b, 156, s.leads);
  for (int i = 0; i < 12; ++i) {
    const bool used = i < s.leads;
    put16(b, 158 + 2 * static_cast<size_t>(i), used ? s.leadCodes[static_cast<size_t>(i)] : -9);
    put16(b, 182 + 2 * static_cast<size_t>(i), used ? 1 : -9);
    put16(b, 206 + 2 * static_cast<size_t>(i), used ? s.resolution[static_cast<size_t>(i)] : -9);
  }
  std::memcpy(b.data() + 232, "digital", 7);
  put16(b, 272, s.rate);
  std::memcpy(b.data() + 522, s.var.data(), s.var.size());
  put16(b, 8, reference_crc(b.data() + 10, b.size() - 10));
  return b;
}

Bytes make_ecg(const Spec& s) {
  Bytes b = header(s);
  const auto x = samples_of(s);
  for (int64_t t = 0; t < s.frames; ++t)
    for (int k = 0; k < s.leads; ++k) {
      const uint16_t v = static_cast<uint16_t>(x[static_cast<size_t>(k)][static_cast<size_t>(t)]);
      b.push_back(static_cast<uint8_t>(v & 0xFF));
      b.push_back(static_cast<uint8_t>(v >> 8));
    }
  return b;
}

}  // namespace

TEST_CASE("CRC-16/CCITT-FALSE check value", "[io][ishne]") {
  const std::string check = "123456789";
  CHECK(crc16_ccitt(std::span(reinterpret_cast<const uint8_t*>(check.data()), check.size())) == 0x29B1);
  CHECK(reference_crc(reinterpret_cast<const uint8_t*>(check.data()), check.size()) == 0x29B1);
}

TEST_CASE("ISHNE: samples x resolution in nV give mV, lead codes give names, header fields the metadata", "[io][ishne]") {
  const Spec s;
  const Record r = read_ishne(make_ecg(s));
  CHECK(r.sampleRate == 200.0);
  REQUIRE(r.leads.size() == 2);
  CHECK(r.leads[0].name == "II");
  CHECK(r.leads[1].name == "V1");
  REQUIRE(r.length() == 2000);
  const auto x = samples_of(s);
  for (size_t k = 0; k < 2; ++k)
    for (size_t t = 0; t < 2000; t += 7)
      CHECK(r.leads[k].samples[t] == Approx(x[k][t] * s.resolution[k] * 1e-6).margin(1e-7));
  CHECK(r.leads[0].samples[50] == Approx(2.5));  // 1000 units x 2500 nV at the sine's peak
  CHECK(r.leads[1].samples[25] == Approx(5.0));
  std::map<std::string, std::string> meta(r.metadata.begin(), r.metadata.end());
  CHECK(meta["Name"] == "Jane Doe");
  CHECK(meta["ID"] == "ID-42");
  CHECK(meta["Sex"] == "female");
  CHECK(meta["Date of Birth"] == "1970-03-02");
  CHECK(meta["Recorded Date"] == "2024-03-01");
  CHECK(meta["Start Time"] == "08:15:00");
  CHECK(meta["Recorder"] == "digital");
  CHECK(meta["Comment"] == "written by hand");
  // ECG size stated for all leads together, as some writers do: the same record.
  Spec total = s;
  total.statedSize = s.frames * s.leads;
  CHECK(read_ishne(make_ecg(total)).length() == 2000);
  // Twelve leads, all the codes named.
  Spec twelve;
  twelve.leads = 12;
  twelve.leadCodes = {5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  twelve.resolution = std::vector<int>(12, 1000);
  twelve.frames = 10;
  const Record t = read_ishne(make_ecg(twelve));
  REQUIRE(t.leads.size() == 12);
  CHECK(t.leads[3].name == "aVR");
  CHECK(t.leads[11].name == "V6");
}

TEST_CASE("ISHNE as a WFDB header streams the same samples", "[io][ishne]") {
  const Spec s;
  const Bytes b = make_ecg(s);
  const Record whole = read_ishne(b);
  const WfdbHeader h = ishne_wfdb_header(parse_ishne_header(b), "t.ecg", static_cast<int64_t>(b.size()));
  const WfdbHeader parsed = parse_wfdb_header(wfdb_header_text(h));  // what the JS side hands to the stream reader
  const WfdbFileOpener open = [&](std::string_view n) -> std::optional<std::span<const uint8_t>> {
    if (n != "t.ecg") return std::nullopt;
    return std::span<const uint8_t>(b);
  };
  // A missing sample (-32768) reads the same both ways: the last value held.
  Bytes gap = b;
  const size_t at = 522 + Spec{}.var.size() + 2 * (2 * 600 + 1);  // frame 600, lead 1
  gap[at] = 0x00, gap[at + 1] = 0x80;
  const Record gapWhole = read_ishne(gap);
  CHECK(gapWhole.leads[1].samples[600] == gapWhole.leads[1].samples[599]);
  const WfdbFileOpener openGap = [&](std::string_view) -> std::optional<std::span<const uint8_t>> { return std::span<const uint8_t>(gap); };
  CHECK(decode_wfdb_frames(parsed, openGap, 590, 20).leads[1].samples[10] == gapWhole.leads[1].samples[600]);
  const Record part = decode_wfdb_frames(parsed, open, 500, 700);
  REQUIRE(part.leads.size() == 2);
  CHECK(part.sampleRate == 200.0);
  CHECK(part.leads[1].name == "V1");
  for (size_t k = 0; k < 2; ++k)
    for (size_t i = 0; i < 700; ++i) CHECK(part.leads[k].samples[i] == Approx(whole.leads[k].samples[500 + i]).margin(1e-7));
  CHECK(wfdb_frame_count(parsed, open) == 2000);
}

TEST_CASE("ISHNE annotation file: first beat time, labels, time-outs", "[io][ishne]") {
  Spec a;
  a.magic = "ANN  1.0";
  Bytes ann = header(a);
  auto push32 = [&](uint32_t v) { for (int k = 0; k < 4; ++k) ann.push_back(static_cast<uint8_t>(v >> (8 * k))); };
  auto beat = [&](char label, uint16_t toc) {
    ann.push_back(static_cast<uint8_t>(label));
    ann.push_back(0);
    ann.push_back(static_cast<uint8_t>(toc & 0xFF));
    ann.push_back(static_cast<uint8_t>(toc >> 8));
  };
  push32(100);  // the first beat's sample; annotations count from it
  beat('N', 160);
  beat('V', 120);
  beat('C', 10);  // calibration: no beat
  beat('N', 200);
  beat('!', 0);   // time-out: the rest cannot be placed
  beat('N', 160);
  Record r = read_ishne(make_ecg(Spec{}));
  attach_ishne_annotations(r, ann);
  REQUIRE(r.annotations.size() == 3);
  CHECK(r.annotations[0].sample == 260);
  CHECK(r.annotations[0].code == 1);
  CHECK(r.annotations[1].sample == 380);
  CHECK(r.annotations[1].code == 5);
  CHECK(r.annotations[2].sample == 590);
  Bytes bad = ann;
  bad[ann.size() - 4] = 'q';
  bad[ann.size() - 8] = 'q';  // replaces the time-out
  CHECK(error_code_of([&] { attach_ishne_annotations(r, bad); }) == "ishne_annotation_invalid");
  CHECK(error_code_of([&] { attach_ishne_annotations(r, make_ecg(Spec{})); }) == "ishne_header_invalid");  // not ANN
}

TEST_CASE("ISHNE bad input: CRC, truncation, absurd counts, random bytes", "[io][ishne][errors]") {
  const Bytes good = make_ecg(Spec{});
  Bytes crc = good;
  crc[300] ^= 0x40;  // a header byte changed under its CRC
  CHECK(error_code_of([&] { read_ishne(crc); }) == "ishne_crc_mismatch");
  Bytes magic = good;
  magic[5] = '2';
  CHECK(error_code_of([&] { read_ishne(magic); }) == "ishne_header_invalid");
  CHECK(error_code_of([&] { read_ishne(Bytes(good.begin(), good.begin() + 300)); }) == "ishne_truncated");
  CHECK(error_code_of([&] { read_ishne(Bytes(good.begin(), good.begin() + 530)); }) == "ishne_truncated");  // var block
  Spec longer;
  longer.statedSize = 1 << 30;  // more samples than the file holds
  CHECK(error_code_of([&] { read_ishne(make_ecg(longer)); }) == "ishne_truncated");
  for (int leads : {0, 13, -1}) {
    Spec l;
    l.leads = leads;
    l.leadCodes.resize(12, 6);
    l.resolution.resize(12, 1000);
    l.frames = leads > 0 ? 4 : 0;
    CHECK(error_code_of([&] { read_ishne(make_ecg(l)); }) == "ishne_header_invalid");
  }
  Spec rate;
  rate.rate = 0;
  CHECK(error_code_of([&] { read_ishne(make_ecg(rate)); }) == "ishne_header_invalid");
  Spec res;
  res.resolution = {0, 1000};
  CHECK(error_code_of([&] { read_ishne(make_ecg(res)); }) == "ishne_header_invalid");
  Bytes offset = good;
  put32(offset, 22, 100);  // ECG block inside the header
  put16(offset, 8, reference_crc(offset.data() + 10, 522 + Spec{}.var.size() - 10));
  CHECK(error_code_of([&] { read_ishne(offset); }) == "ishne_header_invalid");
  Bytes var = good;
  put32(var, 10, (int64_t{1} << 31) - 1);  // absurd variable block
  CHECK(error_code_of([&] { read_ishne(var); }) != "(no error)");
  std::mt19937 rng(5);
  for (int i = 0; i < 300; ++i) {
    Bytes b = good;
    for (int k = 0; k < 6; ++k) b[rng() % 560] = static_cast<uint8_t>(rng());
    const std::string c = error_code_of([&] { read_ishne(b); });
    CHECK((c == "(no error)" || c.rfind("ishne_", 0) == 0 || c == "record_too_long"));
  }
}
