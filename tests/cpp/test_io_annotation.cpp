// MIT annotation format: 100.atr against its published beat counts, write -> read round trips, errors.
#include <catch2/catch.hpp>

#include <map>
#include <random>

#include "core/annotation.h"
#include "core/error.h"
#include "io/files.h"
#include "io/wfdb_annotation.h"

#include "error_code.h"

using namespace av;
using av::test::error_code_of;
using namespace av::io;

TEST_CASE("100.atr holds 2273 beats: 2239 N, 33 A, 1 V", "[io][annotation][mitdb]") {
  const auto bytes = read_file_bytes(std::string(AV_MITDB_DIR) + "/100.atr");
  const std::vector<Annotation> anns = read_wfdb_annotations(bytes);
  int beats = 0;
  int perClass[5] = {0, 0, 0, 0, 0};
  for (const Annotation& a : anns) {
    if (!is_beat_annotation(a.code)) continue;
    ++beats;
    const int c = class_index_for_code(a.code);
    if (c >= 0) ++perClass[c];
  }
  CHECK(beats == 2273);
  CHECK(perClass[0] == 2239);
  CHECK(perClass[1] == 0);
  CHECK(perClass[2] == 0);
  CHECK(perClass[3] == 33);
  CHECK(perClass[4] == 1);
  // The file opens with a rhythm annotation "(N" at sample 18, then the first beat at sample 77 and the
  // second at 370 (words 0x7012, AUX, 0x043b, 0x0525 in the raw bytes).
  REQUIRE(anns.size() >= 3);
  CHECK(anns[0].code == 28);
  CHECK(anns[0].sample == 18);
  CHECK(anns[0].aux == "(N");
  CHECK(anns[1].code == 1);
  CHECK(anns[1].sample == 77);
  CHECK(anns[2].sample == 370);
  for (size_t i = 1; i < anns.size(); ++i) CHECK(anns[i].sample >= anns[i - 1].sample);
}

TEST_CASE("annotations round trip through the writer, fields and long gaps included", "[io][annotation]") {
  std::vector<Annotation> in;
  auto add = [&](int64_t sample, int code, int sub = 0, int chan = 0, int num = 0, std::string aux = {}) {
    Annotation a;
    a.sample = sample, a.code = code, a.subtype = sub, a.chan = chan, a.num = num, a.aux = std::move(aux);
    in.push_back(a);
  };
  add(0, 28, 0, 0, 0, "(N");
  add(5, 1);
  add(1028, 1);                         // exactly 1023 later: still one word
  add(2052, 5);                         // 1024 later: needs SKIP
  add(2052, 8, 0, 1);                   // same time, other channel
  add(2053, 1, -3, 1, 7);               // negative subtype, num
  add(5000000, 1, 0, 1, 7);             // a gap of hours at 360 Hz
  add(5000001, 14, 127, 255, -128, "noise burst");
  add(5000001 + 2000000000LL, 2);       // almost the largest step a SKIP holds
  add(100, 3, 0, 0, 0, "odd");          // time going backwards (negative SKIP)
  add(101, 22, 0, 0, 0, std::string(254, 'x'));
  const std::vector<uint8_t> bytes = write_wfdb_annotations(in);
  CHECK(bytes.size() % 2 == 0);
  CHECK(bytes[bytes.size() - 1] == 0);
  CHECK(bytes[bytes.size() - 2] == 0);
  const std::vector<Annotation> out = read_wfdb_annotations(bytes);
  REQUIRE(out.size() == in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    INFO("annotation " << i);
    CHECK(out[i].sample == in[i].sample);
    CHECK(out[i].code == in[i].code);
    CHECK(out[i].subtype == in[i].subtype);
    CHECK(out[i].chan == in[i].chan);
    CHECK(out[i].num == in[i].num);
    CHECK(out[i].aux == in[i].aux);
  }

  // Writing what 100.atr holds reproduces its annotations.
  const auto atr = read_file_bytes(std::string(AV_MITDB_DIR) + "/100.atr");
  const std::vector<Annotation> orig = read_wfdb_annotations(atr);
  const std::vector<Annotation> again = read_wfdb_annotations(write_wfdb_annotations(orig));
  REQUIRE(again.size() == orig.size());
  bool same = true;
  for (size_t i = 0; i < orig.size(); ++i)
    same = same && again[i].sample == orig[i].sample && again[i].code == orig[i].code && again[i].aux == orig[i].aux &&
           again[i].num == orig[i].num && again[i].chan == orig[i].chan && again[i].subtype == orig[i].subtype;
  CHECK(same);
}

TEST_CASE("annotation bytes follow the MIT layout", "[io][annotation]") {
  Annotation a;
  a.sample = 2000;
  a.code = 5;
  a.num = 2;
  const std::vector<uint8_t> b = write_wfdb_annotations(std::span<const Annotation>(&a, 1));
  // SKIP word (59 << 10), 32-bit 2000 high word first, then V with zero interval, NUM 2, end.
  const std::vector<uint8_t> expect = {0x00, 0xEC, 0x00, 0x00, 0xD0, 0x07, 0x00, 0x14, 0x02, 0xF0, 0x00, 0x00};
  CHECK(b == expect);
}

TEST_CASE("annotation errors are coded", "[io][annotation][errors]") {
  // AUX claiming 10 bytes with 2 present; SKIP with its interval cut off.
  const std::vector<uint8_t> badAux = {0x05, 0x04, 0x0A, 0xFC, 'a', 'b'};
  const std::vector<uint8_t> badSkip = {0x00, 0xEC, 0x00};
  const std::vector<uint8_t> negative = {0x00, 0xEC, 0xFF, 0xFF, 0xF0, 0xFF, 0x00, 0x04};  // SKIP -16, then N
  CHECK(error_code_of([&] { read_wfdb_annotations(badAux); }) == "wfdb_annotation_invalid");
  CHECK(error_code_of([&] { read_wfdb_annotations(badSkip); }) == "wfdb_annotation_invalid");
  CHECK(error_code_of([&] { read_wfdb_annotations(negative); }) == "wfdb_annotation_invalid");
  CHECK(read_wfdb_annotations(std::vector<uint8_t>{}).empty());
  CHECK(read_wfdb_annotations(std::vector<uint8_t>{0x05}).empty());  // a lone byte is no word

  Annotation a;
  a.code = 0;
  CHECK(error_code_of([&] { write_wfdb_annotations(std::span<const Annotation>(&a, 1)); }) == "wfdb_annotation_invalid");
  a.code = 1;
  a.aux = std::string(255, 'x');
  CHECK(error_code_of([&] { write_wfdb_annotations(std::span<const Annotation>(&a, 1)); }) == "wfdb_annotation_invalid");
  a.aux.clear();
  a.chan = 256;
  CHECK(error_code_of([&] { write_wfdb_annotations(std::span<const Annotation>(&a, 1)); }) == "wfdb_annotation_invalid");
  a.chan = 0;
  a.sample = -1;
  CHECK(error_code_of([&] { write_wfdb_annotations(std::span<const Annotation>(&a, 1)); }) == "wfdb_annotation_invalid");

  // Random bytes either read as annotations or end in a coded error; never a crash.
  std::mt19937 rng(7);
  for (int i = 0; i < 300; ++i) {
    std::vector<uint8_t> junk(rng() % 400);
    for (auto& x : junk) x = uint8_t(rng());
    const std::string c = error_code_of([&] { read_wfdb_annotations(junk); });
    CHECK((c == "(no error)" || c == "wfdb_annotation_invalid"));
  }
}

TEST_CASE("WFDB metadata at the start of an annotation file is read, not returned", "[io][annotation]") {
  // What WFDB's putann writes for a 1000 Hz time resolution: a NOTE at 0 with "## time resolution: 1000",
  // then a null annotation (SKIP -1, type 0 with interval 1), then the real annotations.
  std::vector<uint8_t> b = {0x00, 0x58, 0x18, 0xFC};
  const std::string note = "## time resolution: 1000";
  b.insert(b.end(), note.begin(), note.end());
  const std::vector<uint8_t> tail = {0x00, 0xEC, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x00, 0xF4, 0x05, 0x00, 0x00};
  b.insert(b.end(), tail.begin(), tail.end());
  double resolution = -1;
  const std::vector<Annotation> a = read_wfdb_annotations(b, &resolution);
  REQUIRE(a.size() == 1);
  CHECK(a[0].code == 1);
  CHECK(a[0].sample == 500);
  CHECK(resolution == 1000.0);
  double none = -1;
  read_wfdb_annotations(read_file_bytes(std::string(AV_MITDB_DIR) + "/100.atr"), &none);
  CHECK(none == 0.0);

  // SUB, NUM and CHN keep 8 bits as WFDB does: 0x3FF reads as -1 (signed) and as 255 for chan.
  const std::vector<uint8_t> mods = {0x05, 0x04, 0xFF, 0xF7, 0xFF, 0xF3, 0xFF, 0xFB, 0x00, 0x00};
  const std::vector<Annotation> m = read_wfdb_annotations(mods);
  REQUIRE(m.size() == 1);
  CHECK(m[0].subtype == -1);
  CHECK(m[0].num == -1);
  CHECK(m[0].chan == 255);
}

TEST_CASE("all 48 MIT-BIH records read with valid checksums and the published beat counts", "[io][mitdb]") {
  // 48 records, 109,494 beat annotations: N 75,052, L 8,075, R 7,259, A 2,546, V 7,130 (the class counts
  // tabulated throughout the MIT-BIH literature).
  const int records[] = {100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 111, 112, 113, 114, 115, 116,
                         117, 118, 119, 121, 122, 123, 124, 200, 201, 202, 203, 205, 207, 208, 209, 210,
                         212, 213, 214, 215, 217, 219, 220, 221, 222, 223, 228, 230, 231, 232, 233, 234};
  long beats = 0, perClass[5] = {0, 0, 0, 0, 0};
  for (int rec : records) {
    INFO("record " << rec);
    const Record r = read_wfdb_file(std::string(AV_MITDB_DIR) + "/" + std::to_string(rec) + ".hea");
    CHECK(r.length() == 650000);
    CHECK(r.sampleRate == 360.0);
    for (const Annotation& a : r.annotations) {
      if (!is_beat_annotation(a.code)) continue;
      ++beats;
      if (class_index_for_code(a.code) >= 0) ++perClass[class_index_for_code(a.code)];
    }
  }
  CHECK(beats == 109494);
  CHECK(perClass[0] == 75052);
  CHECK(perClass[1] == 8075);
  CHECK(perClass[2] == 7259);
  CHECK(perClass[3] == 2546);
  CHECK(perClass[4] == 7130);
}

TEST_CASE("annotations in a finer time resolution are brought to the record's samples", "[io][annotation]") {
  // Header for 1000 Hz, then an N at tick 500 (0.5 s): sample 180 of a 360 Hz record.
  std::vector<uint8_t> b = {0x00, 0x58, 0x18, 0xFC};
  const std::string note = "## time resolution: 1000";
  b.insert(b.end(), note.begin(), note.end());
  const std::vector<uint8_t> tail = {0x00, 0xEC, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x00, 0xF4, 0x05, 0x00, 0x00};
  b.insert(b.end(), tail.begin(), tail.end());
  Record r;
  r.sampleRate = 360;
  attach_wfdb_annotations(r, b);
  REQUIRE(r.annotations.size() == 1);
  CHECK(r.annotations[0].sample == 180);
}

TEST_CASE("rhythm stretches run from each rhythm change to the next, the last to the record's end", "[io][annotation]") {
  std::vector<av::Annotation> a(5);
  a[0] = {10, 28, 0, 0, 0, "(N", ""};
  a[1] = {50, 1, 0, 0, 0, "", ""};       // a beat: not a rhythm change
  a[2] = {300, 28, 0, 0, 0, "(AFIB", ""};
  a[3] = {400, 28, 0, 0, 0, "note", ""};  // a "+" whose aux names no rhythm
  a[4] = {700, 28, 0, 0, 0, "(N", ""};
  const auto r = av::rhythm_stretches(a, 1000);
  REQUIRE(r.size() == 3);
  CHECK((r[0].rhythm == "(N" && r[0].start == 10 && r[0].end == 300));
  CHECK((r[1].rhythm == "(AFIB" && r[1].start == 300 && r[1].end == 700));
  CHECK((r[2].rhythm == "(N" && r[2].start == 700 && r[2].end == 1000));
  CHECK(av::rhythm_stretches({}, 1000).empty());
}
