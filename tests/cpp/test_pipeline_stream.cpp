// Chunked (streaming) analysis against the whole-record analyze(): same beats, labels and probabilities,
// bit for bit, for any chunk size, at 360 Hz and at other rates, detected and reference beats; and a
// 24-hour two-lead recording made of the 48 MIT-BIH records, decoded chunk by chunk from its bytes.
#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "dsp/qrs.h"
#include "dsp/resample.h"
#include "io/files.h"
#include "io/wfdb_signal.h"
#include "nn/engine.h"
#include "nn/model.h"
#include "pipeline/analyze.h"
#include "pipeline/engine_classifier.h"
#include "pipeline/quality_gate.h"
#include "pipeline/stream.h"
#include "dsp/signal_quality.h"

using namespace av;
using namespace av::pipeline;

namespace {

nn::Model& v1() {
  static nn::Model m = nn::Model::load_file(std::string(AV_SOURCE_DIR) + "/models/arrhythminet-v1.json");
  return m;
}

StreamRecordInfo info_of(const Record& rec, int lead) {
  return {rec.name, rec.leads[static_cast<size_t>(lead)].name, lead,
          av::beat_annotation_samples(rec.annotations, static_cast<int64_t>(rec.length()))};
}

// The whole-record reference, independent of the chunking code: prepare_beats() over the whole lead (one
// detector pass, filters over the whole signal), classified in batches of 512 in beat order.
Result whole_record(const Record& rec, int lead, Classifier& classifier) {
  const auto& x = rec.leads[static_cast<size_t>(lead)].samples;
  const dsp::PreparedBeats p = dsp::prepare_beats(x, rec.sampleRate, classifier.windowSpec());
  Result r;
  r.beats.resize(p.count());
  const size_t len = static_cast<size_t>(classifier.windowSpec().length());
  std::vector<float> probs(512 * 5);
  for (size_t first = 0; first < p.count(); first += 512) {
    const size_t count = std::min<size_t>(512, p.count() - first);
    classifier.classify(p.windows.data() + first * len, count, probs.data());
    for (size_t i = 0; i < count; ++i) {
      auto& b = r.beats[first + i];
      b.sample = p.sample[first + i];
      std::copy_n(probs.data() + i * 5, 5, b.probabilities.begin());
      b.label = static_cast<int>(std::max_element(b.probabilities.begin(), b.probabilities.end()) - b.probabilities.begin());
    }
  }
  // Signal quality over the whole lead at 360 Hz in one piece; flutter stretches from the whole-record detector.
  const std::vector<float> x360 = rec.sampleRate == dsp::kModelRate ? std::vector<float>(x) : dsp::resample(x, rec.sampleRate);
  dsp::SignalQualityTracker quality;
  quality.push(x360);
  quality.finish();
  std::vector<std::pair<int64_t, int64_t>> flutter;
  dsp::detect_qrs_360(x360, {}, {}, &flutter);
  QualityVerdict verdict = judge_quality(quality.segments(), rec.sampleRate, static_cast<int64_t>(rec.length()),
                                         p.sample360, rec.leads[static_cast<size_t>(lead)].name, flutter);
  r.warnings = verdict.warnings;
  r.summary = summarize_beats(r.beats, rec.sampleRate, static_cast<int64_t>(rec.length()), {}, verdict.quality);
  return r;
}

// Equal beat by beat: sample, label and the exact float probabilities.
void require_same_beats(const Result& a, const Result& b) {
  REQUIRE(a.beats.size() == b.beats.size());
  size_t differing = 0;
  for (size_t i = 0; i < a.beats.size(); ++i) {
    const auto& x = a.beats[i];
    const auto& y = b.beats[i];
    if (x.sample != y.sample || x.label != y.label ||
        std::memcmp(x.probabilities.data(), y.probabilities.data(), sizeof(float) * 5) != 0) {
      if (differing++ < 5) UNSCOPED_INFO("beat " << i << ": " << x.sample << "/" << x.label << " vs " << y.sample << "/" << y.label);
    }
  }
  CHECK(differing == 0);
  CHECK(a.summary.counts == b.summary.counts);
  REQUIRE(a.summary.signalQuality.unusable.size() == b.summary.signalQuality.unusable.size());
  for (size_t i = 0; i < a.summary.signalQuality.unusable.size(); ++i) {
    CHECK(a.summary.signalQuality.unusable[i].start == b.summary.signalQuality.unusable[i].start);
    CHECK(a.summary.signalQuality.unusable[i].end == b.summary.signalQuality.unusable[i].end);
  }
  CHECK(a.summary.signalQuality.noisyBeats == b.summary.signalQuality.noisyBeats);
  CHECK(a.summary.af.episodes.size() == b.summary.af.episodes.size());
  CHECK(a.summary.pauses.size() == b.summary.pauses.size());
  CHECK(a.warnings.size() == b.warnings.size());
  CHECK(a.summary.beatCount == b.summary.beatCount);
}

// A WfdbRangeSource over one in-memory signal file, copying out the ranges it asks for (as the WASM
// binding copies them out of a JS ArrayBuffer).
std::unique_ptr<WfdbRangeSource> range_source(const io::WfdbHeader& h, std::string file, std::span<const uint8_t> bytes,
                                              int signal, int64_t* bytesRead = nullptr) {
  return std::make_unique<WfdbRangeSource>(
      h, [file, bytes](const std::string& name) { return name == file ? static_cast<int64_t>(bytes.size()) : -1; },
      [bytes, bytesRead](const std::string&, int64_t offset, int64_t length) {
        if (bytesRead) *bytesRead = std::max(*bytesRead, length);
        return std::vector<uint8_t>(bytes.begin() + offset, bytes.begin() + offset + length);
      },
      signal);
}

}  // namespace

TEST_CASE("WfdbRangeSource reads exactly the samples of the whole-record reader", "[stream]") {
  const std::string dir = std::string(AV_SOURCE_DIR) + "/examples/data/";
  const std::vector<uint8_t> dat = io::read_file_bytes(dir + "208.dat");
  const std::vector<uint8_t> heaBytes = io::read_file_bytes(dir + "208.hea");
  const io::WfdbHeader h = io::parse_wfdb_header(std::string(heaBytes.begin(), heaBytes.end()));
  const Record whole = io::read_wfdb_file(dir + "208.hea");
  int64_t largestRead = 0;
  auto src = range_source(h, "208.dat", dat, 1, &largestRead);
  REQUIRE(src->length() == static_cast<int64_t>(whole.length()));
  CHECK(src->sample_rate() == 360.0);
  for (auto [first, count] : std::vector<std::pair<int64_t, int64_t>>{{0, 1}, {1, 7}, {5, 1000}, {12345, 3601}, {649990, 10}}) {
    std::vector<float> got(static_cast<size_t>(count));
    src->read(first, count, got.data());
    for (int64_t i = 0; i < count; ++i) REQUIRE(got[static_cast<size_t>(i)] == whole.leads[1].samples[static_cast<size_t>(first + i)]);
  }
  CHECK(largestRead < 3 * 3700);  // only the bytes of the range (3 bytes per frame), not the file

  // Skewed signals with two samples per frame, format 16, and a byte offset.
  const std::string hea2 = "r 2 180 500\nr.dat 16x2:3+4 100\nr.dat 16x2+4 100\n";
  std::vector<uint8_t> bytes2(4 + 2 * 4 * 503);
  for (size_t i = 0; i < bytes2.size(); ++i) bytes2[i] = static_cast<uint8_t>((i * 7919) >> 3);
  const io::WfdbHeader h2 = io::parse_wfdb_header(hea2);
  const Record whole2 = io::read_wfdb(h2, [&](std::string_view) { return std::optional<std::span<const uint8_t>>(bytes2); });
  for (int sig = 0; sig < 2; ++sig) {
    auto src2 = range_source(h2, "r.dat", bytes2, sig);
    REQUIRE(src2->length() == 1000);
    for (int64_t first : {0, 1, 13, 500, 990}) {
      std::vector<float> got(10);
      src2->read(first, 10, got.data());
      for (int64_t i = 0; i < 10; ++i)
        REQUIRE(got[static_cast<size_t>(i)] == whole2.leads[static_cast<size_t>(sig)].samples[static_cast<size_t>(first + i)]);
    }
  }
}

TEST_CASE("chunked analysis equals the whole-record analysis at any chunk size", "[stream]") {
  nn::Engine engine(v1());
  EngineClassifier classifier(engine);
  // 207 has ventricular flutter (beats inside it are dropped by the detector), 203 is noisy.
  for (std::string path : {std::string(AV_SOURCE_DIR) + "/examples/data/100.hea", std::string(AV_SOURCE_DIR) + "/examples/data/208.hea",
                           std::string(AV_MITDB_DIR) + "/207.hea", std::string(AV_MITDB_DIR) + "/203.hea"}) {
    if (!std::filesystem::exists(path)) continue;
    const std::string name = path;
    const Record rec = io::read_wfdb_file(path);
    const int lead = default_lead_index(rec);
    const Result whole = whole_record(rec, lead, classifier);
    REQUIRE(whole.beats.size() > 1500);
    require_same_beats(whole, analyze(rec, &classifier, {}));  // analyze() itself (chunked inside)
    if (path.find("207") != std::string::npos) {  // the flutter rule does act here
      dsp::QrsParams noFlutter;
      noFlutter.flutterLeakage = 0;
      const auto& x = rec.leads[static_cast<size_t>(lead)].samples;
      CHECK(dsp::detect_qrs_360(x, {}, noFlutter).size() > dsp::detect_qrs_360(x).size() + 20);
    }
    for (double chunkSeconds : {1.0, 7.3, 61.0, 1e9}) {
      INFO("record " << name << ", chunk " << chunkSeconds << " s");
      StreamOptions o;
      o.chunkSeconds = chunkSeconds;
      int reports = 0;
      double lastFraction = 0;
      o.analyze.progress = [&](std::string_view, double f) {
        CHECK(f >= lastFraction);
        lastFraction = f;
        ++reports;
      };
      const Result chunked =
          analyze_chunked(std::make_unique<RecordLeadSource>(rec, lead), info_of(rec, lead), &classifier, o);
      require_same_beats(whole, chunked);
      CHECK(lastFraction == 1.0);
      CHECK(reports >= static_cast<int>(rec.durationSec() / std::min(chunkSeconds, 1e6)));
    }
  }
}

TEST_CASE("chunked analysis is exact at other sampling rates and for reference beats", "[stream]") {
  nn::Engine engine(v1());
  EngineClassifier classifier(engine);
  Record rec = io::read_wfdb_file(std::string(AV_SOURCE_DIR) + "/examples/data/119.hea");
  // The same ECG at 250 Hz (band-limited resampling), annotations mapped to the new rate.
  Record r250;
  r250.name = "119-250";
  r250.sampleRate = 250;
  r250.leads.push_back({rec.leads[0].name, "mV", dsp::resample(rec.leads[0].samples, 360, 250)});
  for (auto a : rec.annotations) {
    a.sample = dsp::map_index(a.sample, 360, 250);
    r250.annotations.push_back(a);
  }
  for (BeatSource source : {BeatSource::Detect, BeatSource::Reference}) {
    AnalyzeOptions ao;
    ao.beats = source;
    const Result whole = analyze(r250, &classifier, ao);
    REQUIRE(whole.beats.size() > 1500);
    StreamOptions o;
    o.analyze.beats = source;
    o.chunkSeconds = 13.7;
    const Result chunked =
        analyze_chunked(std::make_unique<RecordLeadSource>(r250, 0), info_of(r250, 0), &classifier, o);
    require_same_beats(whole, chunked);
  }
}

TEST_CASE("chunked analysis refuses sampling rates outside the limits with a coded error", "[stream][limits]") {
  Record rec;
  rec.sampleRate = 30;
  rec.leads.push_back({"x", "mV", std::vector<float>(3000, 0.0f)});
  try {
    analyze_chunked(std::make_unique<RecordLeadSource>(rec, 0), info_of(rec, 0), nullptr, {});
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == "sample_rate_out_of_range");
  }
}

// The 48 MIT-BIH records back to back as one 24-hour two-lead record in WFDB format 212 (each .dat holds
// 650000 frames of 3 bytes, so the files concatenate into one valid stream of 31.2 M frames).
TEST_CASE("a 24-hour two-lead recording: chunked from the bytes equals the whole-record analysis", "[stream][holter]") {
  const std::string dir = AV_MITDB_DIR;
  if (!std::filesystem::exists(dir + "/234.dat")) {
    WARN("MIT-BIH not available at " << dir << "; 24-hour test not run");
    return;
  }
  const char* records[] = {"100", "101", "102", "103", "104", "105", "106", "107", "108", "109", "111", "112",
                           "113", "114", "115", "116", "117", "118", "119", "121", "122", "123", "124", "200",
                           "201", "202", "203", "205", "207", "208", "209", "210", "212", "213", "214", "215",
                           "217", "219", "220", "221", "222", "223", "228", "230", "231", "232", "233", "234"};
  std::vector<uint8_t> dat;
  dat.reserve(48 * 1950000);
  for (const char* r : records) {
    const std::vector<uint8_t> bytes = io::read_file_bytes(dir + "/" + r + ".dat");
    REQUIRE(bytes.size() == 1950000);
    dat.insert(dat.end(), bytes.begin(), bytes.end());
  }
  // The checksums of the concatenation are the sums of the records' checksums (16-bit wrap-around).
  int64_t checksum[2] = {0, 0};
  for (const char* r : records) {
    const std::vector<uint8_t> text = io::read_file_bytes(dir + "/" + r + ".hea");
    const io::WfdbHeader h = io::parse_wfdb_header(std::string(text.begin(), text.end()));
    for (int s = 0; s < 2; ++s) checksum[s] += h.signals[static_cast<size_t>(s)].checksum;
  }
  auto cs = [](int64_t v) { return std::to_string(static_cast<int16_t>(static_cast<uint16_t>(v & 0xFFFF))); };
  const int64_t frames = 48 * 650000;
  const std::string hea = "holter 2 360 " + std::to_string(frames) + "\nholter.dat 212 200 11 1024 0 " + cs(checksum[0]) +
                          " 0 ECG1\nholter.dat 212 200 11 1024 0 " + cs(checksum[1]) + " 0 ECG2\n";
  const io::WfdbHeader header = io::parse_wfdb_header(hea);
  const io::WfdbFileOpener opener = [&](std::string_view) { return std::optional<std::span<const uint8_t>>(dat); };
  nn::Engine engine(v1());
  EngineClassifier classifier(engine);

  StreamOptions o;
  o.chunkSeconds = 300;
  int reports = 0;
  o.analyze.progress = [&](std::string_view, double) { ++reports; };
  StreamRecordInfo info{"holter", "ECG1", 0, {}};
  const Result chunked = analyze_chunked(range_source(header, "holter.dat", dat, 0), info, &classifier, o);
  CHECK(reports >= 24 * 12);
  CHECK(chunked.durationSec == Approx(frames / 360.0));
  // About 110 000 beats in the 48 records (109 494 reference beats); the detector finds them to ~1 %.
  CHECK(chunked.beats.size() > 105000);
  CHECK(chunked.beats.size() < 115000);

  // The whole-record path over the same bytes (250 MB of floats: fine natively, not in a 128 MB heap).
  const Record whole = io::read_wfdb(header, opener);
  REQUIRE(whole.length() == static_cast<size_t>(frames));
  require_same_beats(whole_record(whole, 0, classifier), chunked);
}
