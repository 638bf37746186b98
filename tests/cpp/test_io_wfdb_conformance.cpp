// WFDB conformance against files nobody here wrote: wfdb-python's sample-data and the outputs of WFDB's own rdsamp
// and rdann that wfdb-python tests against (../shared/data/wfdb-python-samples). Which target belongs to which
// record, sample range, channel list and mode is in wfdb-python's tests/test_record.py, transcribed below.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/files.h"
#include "io/text_util.h"
#include "io/wfdb_annotation.h"
#include "io/wfdb_header.h"
#include "io/wfdb_signal.h"

#include "error_code.h"

using namespace av;
using namespace av::io;
namespace fs = std::filesystem;
using av::test::error_code_of;

namespace {

const fs::path kSamples = fs::path(AV_SOURCE_DIR) / ".." / "shared" / "data" / "wfdb-python-samples";

// Files of one folder, read on demand and kept for the life of the opener.
struct Folder {
  fs::path dir;
  std::map<std::string, std::vector<uint8_t>, std::less<>> files;
  WfdbFileOpener opener() {
    return [this](std::string_view name) -> std::optional<std::span<const uint8_t>> {
      auto it = files.find(name);
      if (it == files.end()) {
        const fs::path p = dir / std::string(name);
        if (!fs::is_regular_file(p)) return std::nullopt;
        it = files.emplace(std::string(name), read_file_bytes(p.string())).first;
      }
      return std::span<const uint8_t>(it->second);
    };
  }
};

std::string text_of(const fs::path& p) {
  const std::vector<uint8_t> b = read_file_bytes(p.string());
  return std::string(b.begin(), b.end());
}

// A target table: one row per sample, whitespace-separated columns; "-" (an invalid sample) is NaN.
std::vector<std::vector<double>> read_target(const std::string& name) {
  const fs::path p = kSamples / "target-output" / name;
  std::string text;
  if (name.size() > 3 && name.compare(name.size() - 3, 3, ".gz") == 0) {
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(("gzip -dc '" + p.string() + "'").c_str(), "r"), pclose);
    REQUIRE(pipe);
    char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, pipe.get())) > 0) text.append(buf, n);
  } else {
    text = text_of(p);
  }
  std::vector<std::vector<double>> rows;
  for (std::string_view line : detail::split_lines(text)) {
    std::vector<double> row;
    for (std::string_view f : detail::split_whitespace(detail::trim(line))) {
      double v = NAN;
      if (f != "-") REQUIRE(detail::parse_double(f, v));
      row.push_back(v);
    }
    if (!row.empty()) rows.push_back(std::move(row));
  }
  return rows;
}

enum class Mode { Frames, Smooth, High };  // one value per sample / rdsamp's frame means / rdsamp -H (repeated)

struct Target {
  const char* file;
  const char* record;  // path under sample-data, without .hea
  int64_t from, to;    // frames; to = -1: the end
  std::vector<int> channels;  // empty: all
  bool digital;
  Mode mode = Mode::Frames;
  int64_t dropLast = 0;  // rows rdsamp leaves out at the end of skewed records
  int64_t invalid = 0;   // digital value of an invalid sample in the target (not compared); 0: none
};

// test_record.py's targets. Digital targets are compared in physical units through the header's gain and
// baseline; invalid samples ("-", or the format's invalid value) are where the reader holds the last value.
const std::vector<Target> kTargets = {
    {"record-1a", "test01_00s", 0, -1, {}, true},
    {"record-1b", "a103l", 12500, 40000, {2, 0}, false},
    {"record-1c", "a103l", 20000, -1, {0, 1}, true},
    {"record-1d", "3000003_0003", 125, 1000, {1}, false},
    {"record-1f.gz", "binformats", 0, -1, {}, true},
    {"record-2b", "100", 1, 10800, {1}, true},
    {"record-2c", "100_3chan", 0, -1, {}, false},
    {"record-2d", "310derive", 2, -1, {}, true},
    {"record-2e", "311derive", 1, 978, {}, false},
    {"record-3b", "s0010_re", 5000, 38000, {13, 0, 4, 8, 3}, false},
    {"record-4a", "test01_00s_skewframe", 0, -1, {}, true, Mode::Smooth, 3},
    {"record-4b", "03700181", 0, -1, {}, true, Mode::Smooth, 4},
    {"record-4c", "03700181", 1000, 16000, {0, 2}, false, Mode::Smooth},
    {"record-4d", "test01_00s_skewframe", 0, -1, {}, false, Mode::High, 3},
    {"record-multi-fixed-c", "multi-segment/fixed1/v102s", 70000, 80000, {1, 0, 3}, false},
    {"record-multi-fixed-d.gz", "multi-segment/041s/041s", 0, -1, {3, 2, 1}, true, Mode::High, 0, -2048},
    {"record-multi-variable-a", "multi-segment/s00001/s00001-2896-10-10-00-31", 14428365, 14428375, {}, false},
    {"record-multi-variable-d", "multi-segment/p000878/p000878-2137-10-26-16-57", 3550, 7500, {0, 1}, true,
     Mode::Frames, 0, -128},
};

// The signal lines that give gain, baseline and units: the record's, a fixed-layout record's first segment's,
// or a variable-layout record's layout header.
std::vector<WfdbSignal> signal_lines(Folder& folder, const WfdbHeader& h) {
  if (!h.multiSegment()) return h.signals;
  for (const WfdbSegment& s : h.segments)
    if (s.name != "~") return parse_wfdb_header(text_of(folder.dir / (s.name + ".hea"))).signals;
  return {};
}

struct Compared {
  int64_t values = 0, skipped = 0;
  double worst = 0;  // largest error relative to the float32 tolerance (<= 1 passes)
};

Compared compare(const Target& t) {
  const fs::path hea = kSamples / "sample-data" / (std::string(t.record) + ".hea");
  Folder folder{hea.parent_path(), {}};
  const WfdbHeader h = parse_wfdb_header(text_of(hea));
  const int64_t total = wfdb_frame_count(h, folder.opener());
  const int64_t to = t.to < 0 ? total : t.to;
  const Record rec = decode_wfdb_frames(h, folder.opener(), t.from, to - t.from);
  const std::vector<WfdbSignal> sig = signal_lines(folder, h);
  std::vector<int> channels = t.channels;
  if (channels.empty())
    for (int i = 0; i < static_cast<int>(rec.leads.size()); ++i) channels.push_back(i);
  const auto rows = read_target(t.file);
  int maxSpf = 1;
  std::vector<int> spf;
  for (int c : channels) {
    const Lead& l = rec.leads[static_cast<size_t>(c)];
    spf.push_back(static_cast<int>(l.samples.size() / static_cast<size_t>(to - t.from)));
    maxSpf = std::max(maxSpf, spf.back());
  }
  const int64_t frames = to - t.from - t.dropLast;
  const int64_t expectRows = t.mode == Mode::High ? frames * maxSpf : frames;
  INFO(t.file);
  REQUIRE(static_cast<int64_t>(rows.size()) == expectRows);
  Compared out;
  for (int64_t r = 0; r < expectRows; ++r) {
    REQUIRE(rows[static_cast<size_t>(r)].size() == channels.size());
    for (size_t k = 0; k < channels.size(); ++k) {
      const size_t c = static_cast<size_t>(channels[k]);
      const Lead& lead = rec.leads[c];
      const WfdbSignal& s = sig[c];
      double target = rows[static_cast<size_t>(r)][k];
      if (std::isnan(target) || (t.invalid != 0 && t.digital && target == double(t.invalid)) ||
          (t.digital && target == -32768)) {
        ++out.skipped;
        continue;
      }
      const double mv = detail::millivolts_per_unit(s.units);
      const double unit = mv > 0 ? mv : 1.0;
      double gain = s.gain, baseline = s.baseline;
      if (t.digital) target = (target - baseline) / gain * unit;
      else target *= unit;
      double ours;
      if (t.mode == Mode::Smooth) {  // rdsamp's value for a frame: the mean of the frame's samples, in integers
        double sum = 0;
        for (int j = 0; j < spf[k]; ++j) sum += lead.samples[static_cast<size_t>(r * spf[k] + j)];
        ours = sum / spf[k];
      } else if (t.mode == Mode::High) {  // -H: each sample repeated to the highest samples per frame
        ours = lead.samples[static_cast<size_t>(r / (maxSpf / spf[k]))];
      } else {
        ours = lead.samples[static_cast<size_t>(r)];
      }
      // float32 of the physical value; rdsamp prints 8 decimals; its frame means are integers (truncated), so
      // they are within one ADC step of the exact mean.
      double tol = 1.2e-7 * std::fabs(target) + 1e-8;
      if (t.mode == Mode::Smooth && spf[k] > 1) tol += unit / std::fabs(gain);
      out.worst = std::max(out.worst, std::fabs(ours - target) / tol);
      ++out.values;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("wfdb-python sample records equal WFDB rdsamp's target outputs", "[io][wfdb][conformance]") {
  int equal = 0;
  for (const Target& t : kTargets) {
    INFO(t.file << " (" << t.record << ")");
    const Compared c = compare(t);
    CHECK(c.values > 0);
    CHECK(c.worst <= 1.0);
    if (c.worst <= 1.0 && c.values > 0) ++equal;
    // Invalid samples (the target's "-" or the format's invalid value: null segments, signals a segment lacks)
    // are not compared; most values are.
    CHECK(c.skipped < c.values);
  }
  CHECK(equal == static_cast<int>(kTargets.size()));
  WARN("wfdb-python targets equal: " << equal << " of " << kTargets.size() << " with present signal files");

  // The targets whose records cannot be decoded here, each for its stated reason.
  Folder flac{kSamples / "sample-data", {}};
  CHECK(error_code_of([&] { read_wfdb(text_of(flac.dir / "flacformats.hea"), flac.opener()); }) ==
        "wfdb_format_unsupported");  // record-flac.gz: FLAC-compressed signal files (formats 508/516/524)
  Folder s00001{kSamples / "sample-data" / "multi-segment" / "s00001", {}};
  const WfdbHeader v = parse_wfdb_header(text_of(s00001.dir / "s00001-2896-10-10-00-31.hea"));
  CHECK(error_code_of([&] { decode_wfdb_frames(v, s00001.opener(), 14428364, 11); }) ==
        "wfdb_signal_missing");  // record-multi-variable-b: frame 14428364 is in 3975656_0011, whose .dat is not here
}

TEST_CASE("every wfdb-python sample header decodes, with checksums, or gives its listed coded error", "[io][wfdb][conformance]") {
  // Records that cannot decode here, with the reason (README of the copy: files of 4 MiB or more left out).
  const std::map<std::string, std::string> expected = {
      {"1003", "wfdb_signal_missing"},                    // only 1003.hea and 1003.atr are in the copy
      {"12726", "wfdb_signal_missing"},                   // 12726.dat not in the copy
      {"drive02", "wfdb_signal_missing"},                 // drive02.dat not in the copy
      {"drive02-no-len", "wfdb_signal_missing"},
      {"n16", "wfdb_signal_missing"},                     // n16.dat not in the copy
      {"n8_evoked_raw_95_F1_R9", "wfdb_signal_missing"},  // its .dat not in the copy
      {"wave_4", "wfdb_signal_missing"},                  // wave_4.dat not in the copy (the header parses: negative gain)
      {"flac_3_constant", "wfdb_format_unsupported"},     // FLAC signal files: no FLAC decoder in the core
      {"flacformats", "wfdb_format_unsupported"},
      {"mixedsignals", "wfdb_format_unsupported"},
      {"multi-segment/s00001/3975656_0009", "wfdb_signal_missing"},  // .dat not in the copy
      {"multi-segment/s00001/3975656_0010", "wfdb_signal_missing"},
      {"multi-segment/s00001/3975656_0011", "wfdb_signal_missing"},
      {"multi-segment/s00001/s00001-2896-10-10-00-31", "wfdb_signal_missing"},  // needs 3975656_0009..0011
      {"multi-segment/p000878/p000878-2137-10-26-16-57", "wfdb_signal_missing"},  // 2 of its 36 segments here
      // Layout headers describe the signals of a variable-layout record and hold no samples of their own.
      {"multi-segment/p000878/3269321_layout", "wfdb_no_samples"},
      {"multi-segment/s00001/3248903_layout", "wfdb_no_samples"},
      {"multi-segment/s00001/3975656_layout", "wfdb_no_samples"},
      {"multi-segment/s25047/3234460_layout", "wfdb_no_samples"},
  };
  int decoded = 0, failedAsListed = 0, headers = 0;
  std::set<std::string> seen;
  for (const auto& entry : fs::recursive_directory_iterator(kSamples / "sample-data")) {
    if (entry.path().extension() != ".hea") continue;
    ++headers;
    std::string name = fs::relative(entry.path(), kSamples / "sample-data").replace_extension().generic_string();
    INFO(name);
    Folder folder{entry.path().parent_path(), {}};
    const std::string code = error_code_of([&] { read_wfdb(text_of(entry.path()), folder.opener()); });
    const auto it = expected.find(name);
    if (it == expected.end()) {
      CHECK(code == "(no error)");
      if (code == "(no error)") ++decoded;
    } else {
      seen.insert(name);
      CHECK(code == it->second);
      if (code == it->second) ++failedAsListed;
    }
  }
  CHECK(headers == 88);
  CHECK(seen.size() == expected.size());
  WARN("wfdb-python headers: " << decoded << " decode (checksums verified), " << failedAsListed
                               << " give their listed coded error, of " << headers);
}

TEST_CASE("WFDB details of the samples: negative gain, skew checksum, multi-frequency rates, layouts", "[io][wfdb][conformance]") {
  Folder top{kSamples / "sample-data", {}};
  // wave_4: a negative ADC gain parses (its .dat is not in the copy).
  const WfdbHeader w = parse_wfdb_header(text_of(top.dir / "wave_4.hea"));
  CHECK(w.signals[6].gain == Approx(-19.3447902992));
  CHECK(w.signals[6].baseline == 3064);
  // 100skew: record 100 with V5 skewed by 3 frames; the checksum is over the stored samples, so it reads, and V5
  // is record 100's V5 three samples later.
  const Record skew = read_wfdb(text_of(top.dir / "100skew.hea"), top.opener());
  const Record plain = read_wfdb(text_of(top.dir / "100.hea"), top.opener());
  REQUIRE(skew.length() == plain.length());
  for (size_t i = 0; i < 1000; ++i) CHECK(skew.leads[1].samples[i] == plain.leads[1].samples[i + 3]);
  CHECK(skew.leads[1].samples[plain.length() - 1] == plain.leads[1].samples[plain.length() - 1]);  // held
  // 03700181: MCL1 at 4 x 125 Hz is the record's rate; ABP and RESP keep 125 Hz.
  const Record m = read_wfdb(text_of(top.dir / "03700181.hea"), top.opener());
  CHECK(m.sampleRate == 500.0);
  CHECK(m.leads[0].name == "MCL1");
  CHECK(m.leads[0].sampleRate == 0.0);
  CHECK(m.leads[1].sampleRate == 125.0);
  CHECK(m.leads[0].samples.size() == 4 * 75000);
  CHECK(m.leads[2].samples.size() == 75000);
  CHECK(m.length() == 300000);
  // A negative gain inverts: a header of our own with gain -200.
  const std::vector<uint8_t> dat = {0x64, 0x00, 0x9c, 0xff};  // 100, -100 in format 16
  std::map<std::string, std::vector<uint8_t>, std::less<>> one{{"n.dat", dat}};
  const Record neg = read_wfdb("n 1 100 2\nn.dat 16 -200(0)/mV 16 0 100 0 0 X\n",
                               [&](std::string_view f) -> std::optional<std::span<const uint8_t>> {
                                 auto it = one.find(f);
                                 if (it == one.end()) return std::nullopt;
                                 return std::span<const uint8_t>(it->second);
                               });
  CHECK(neg.leads[0].samples[0] == Approx(-0.5));
  CHECK(neg.leads[0].samples[1] == Approx(0.5));
  // Variable layout with a leading null segment: s25047 begins with 25740 frames of gap, lists it, and names
  // the layout's three signals.
  Folder s25047{top.dir / "multi-segment" / "s25047", {}};
  const Record var = read_wfdb(text_of(s25047.dir / "s25047-2704-05-04-10-44.hea"), s25047.opener());
  CHECK(var.length() == 543240);
  REQUIRE(var.leads.size() == 3);
  bool gap = false;
  for (const auto& [k, val] : var.metadata) gap |= k == "Gap" && val.rfind("0.000000 s to 205.920000 s", 0) == 0;
  CHECK(gap);
  // Its files, asked for in two rounds: the segment headers, then their signal files.
  const WfdbHeader vh = parse_wfdb_header(text_of(s25047.dir / "s25047-2704-05-04-10-44.hea"));
  const auto none = wfdb_record_files(vh, {});
  CHECK(none.front() == "3234460_layout.hea");
  CHECK(std::find(none.begin(), none.end(), "3234460_0001.dat") == none.end());
  const auto all = wfdb_record_files(vh, s25047.opener());
  CHECK(std::find(all.begin(), all.end(), "3234460_0001.dat") != all.end());
}

TEST_CASE("annotation files as rdann reads them: header entries, custom labels", "[io][annotation][conformance]") {
  const fs::path dir = kSamples / "sample-data";
  // 1003.atr: a table of 6 custom labels between "## annotation type definitions" and "## end of definitions",
  // then a null annotation; rdann gives 957 entries (target ann-3).
  const auto a1003 = read_wfdb_annotations(read_file_bytes((dir / "1003.atr").string()));
  auto line_count = [](const std::string& target) {
    std::istringstream in(text_of(kSamples / "target-output" / target));
    std::string l;
    size_t n = 0;
    while (std::getline(in, l)) n += !l.empty();
    return n;
  };
  REQUIRE(a1003.size() == line_count("ann-3"));
  CHECK(a1003.size() == 957);
  std::istringstream lines(text_of(kSamples / "target-output" / "ann-3"));
  std::string line;
  size_t i = 0;
  while (std::getline(lines, line) && i < a1003.size()) {
    std::istringstream f(line);
    std::string time, symbol;
    int64_t sample = 0;
    f >> time >> sample >> symbol;
    INFO("entry " << i);
    CHECK(a1003[i].sample == sample);
    CHECK((a1003[i].symbol.empty() ? std::string(annotation_symbol(a1003[i].code)) : a1003[i].symbol) == symbol);
    ++i;
  }
  // 100.atr against rdann's ann-1.
  const auto a100 = read_wfdb_annotations(read_file_bytes((dir / "100.atr").string()));
  CHECK(a100.size() == line_count("ann-1"));
  // 12726.wabp opens with the label definition "42 CAL Calibration": not an annotation.
  const auto wabp = read_wfdb_annotations(read_file_bytes((dir / "12726.wabp").string()));
  REQUIRE_FALSE(wabp.empty());
  CHECK(wabp.front().sample == 108);
  // Custom labels reach the annotations that use them: a file of our own defining code 42 as "CAL".
  std::vector<Annotation> table(3);
  table[0].code = 22, table[0].aux = "## annotation type definitions";
  table[1].code = 22, table[1].aux = "42 CAL Calibration";
  table[2].code = 22, table[2].aux = "## end of definitions";
  std::vector<uint8_t> bytes = write_wfdb_annotations(table);
  bytes.resize(bytes.size() - 2);  // no end mark yet
  Annotation cal;
  cal.sample = 500, cal.code = 42;
  std::vector<Annotation> rest = {cal};
  std::vector<uint8_t> tail = write_wfdb_annotations(rest);
  bytes.insert(bytes.end(), tail.begin(), tail.end());
  const auto labelled = read_wfdb_annotations(bytes);
  REQUIRE(labelled.size() == 1);
  CHECK(labelled[0].code == 42);
  CHECK(labelled[0].symbol == "CAL");
}

TEST_CASE("the annotator chooses the annotation file beside the header", "[io][wfdb][annotation]") {
  const fs::path dir = kSamples / "sample-data";
  const Record atr = read_wfdb_file((dir / "100.hea").string());
  const Record qrs = read_wfdb_file((dir / "100.hea").string(), "qrs");
  CHECK(atr.annotations.size() == 2274);  // rdann's ann-1
  const auto direct = read_wfdb_annotations(read_file_bytes((dir / "100.qrs").string()));
  REQUIRE(qrs.annotations.size() == direct.size());
  CHECK(qrs.annotations.size() != atr.annotations.size());
  CHECK(qrs.annotations.front().sample == direct.front().sample);
  CHECK(read_wfdb_file((dir / "100.hea").string(), "none").annotations.empty());  // no 100.none: none
  CHECK(error_code_of([&] { read_wfdb_file((dir / "100.hea").string(), "../100.atr"); }) == "wfdb_annotator_invalid");
  // 03700181 (multi-frequency: 125 Hz frames, MCL1 at 500 Hz): its sqrs file counts in its stated 250 Hz,
  // brought to MCL1's 500 Hz.
  const Record m = read_wfdb_file((dir / "03700181.hea").string(), "sqrs");
  double res = 0;
  const auto ticks = read_wfdb_annotations(read_file_bytes((dir / "03700181.sqrs").string()), &res);
  CHECK(res == 250.0);
  REQUIRE(m.annotations.size() == ticks.size());
  REQUIRE(ticks.size() > 5);
  CHECK(m.annotations[5].sample == 2 * ticks[5].sample);
  // Without a stated resolution, times are frames: an annotation at frame 100 of a record at 4 samples per frame.
  Record r;
  r.sampleRate = 500;
  Annotation one;
  one.sample = 100, one.code = 1;
  attach_wfdb_annotations(r, write_wfdb_annotations(std::vector<Annotation>{one}), 125.0);
  REQUIRE(r.annotations.size() == 1);
  CHECK(r.annotations[0].sample == 400);
}
