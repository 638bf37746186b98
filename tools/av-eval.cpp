// av-eval: scores QRS detection against the reference annotations (.atr) of every WFDB record in a
// folder, beat by beat (ANSI/AAMI EC57 style matching, 150 ms window by default), and prints a
// per-record table and totals.
//
//   av-eval <dir> [--records 100,105,...] [--window-ms 150] [--lead <index|name>] [--no-flutter-suppression]
//
// --no-flutter-suppression turns off the detector's ventricular flutter/fibrillation stage (which
// reports no beats in sustained near-sinusoidal fast activity), to show its effect. --input-rate
// resamples each record to that rate before detection and scores at that rate, to check that the
// detector does not depend on the input rate. --chunk-sec detects through dsp::BeatStream (bounded
// memory, overlapping segments) instead of the whole-record call.
// Reference beats are the annotations for which is_beat_annotation() holds. The totals are printed
// twice: over everything, and with ventricular flutter episodes ('[' to ']') left out as EC57 does.
// Each record's result keeps the matched pairs so that a classification score (per-class confusion
// over matched beats) can be added beside the detection score.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/record.h"
#include "dsp/match_beats.h"
#include "dsp/beat_stream.h"
#include "dsp/qrs.h"
#include "dsp/resample.h"
#include "io/files.h"

namespace {

struct Options {
  std::string dir;
  std::vector<std::string> records;  // empty: every *.hea in dir
  double windowMs = 150.0;
  std::string lead;  // empty: first MLII, else 0
  av::dsp::QrsParams detector;
  double chunkSec = 0;   // > 0: detect through dsp::BeatStream with segments of this length
  double inputRate = 0;  // > 0: resample each record to this rate first (checks rate independence)
};

struct RecordResult {
  std::string name, lead;
  double seconds = 0, detectMs = 0;
  av::dsp::DetectionScore all, withoutFlutter;
  std::vector<int64_t> reference, detected;
  av::dsp::BeatMatch match;  // over all beats; pairs are (reference index, detection index)
};

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  size_t a = 0;
  while (a <= s.size()) {
    size_t b = s.find(',', a);
    if (b == std::string::npos) b = s.size();
    if (b > a) out.push_back(s.substr(a, b - a));
    a = b + 1;
  }
  return out;
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw av::Error("usage", "missing value after " + a);
      return argv[++i];
    };
    if (a == "--records") o.records = split_list(value());
    else if (a == "--window-ms") {
      const std::string v = value();
      try { o.windowMs = std::stod(v); } catch (...) { throw av::Error("usage", "--window-ms needs a number, got '" + v + "'"); }
      if (!(o.windowMs > 0 && o.windowMs < 10000)) throw av::Error("usage", "--window-ms must be in (0, 10000)");
    } else if (a == "--lead") o.lead = value();
    else if (a == "--no-flutter-suppression") o.detector.flutterLeakage = 0;
    else if (a == "--chunk-sec") {
      const std::string v = value();
      try { o.chunkSec = std::stod(v); } catch (...) { throw av::Error("usage", "--chunk-sec needs a number, got '" + v + "'"); }
      if (!(o.chunkSec >= 1 && o.chunkSec <= 86400)) throw av::Error("usage", "--chunk-sec must be in [1, 86400]");
    } else if (a == "--input-rate") {
      const std::string v = value();
      try { o.inputRate = std::stod(v); } catch (...) { throw av::Error("usage", "--input-rate needs a number, got '" + v + "'"); }
      if (!(o.inputRate >= 50 && o.inputRate <= 10000)) throw av::Error("usage", "--input-rate must be in [50, 10000] Hz");
    }
    else if (a == "-h" || a == "--help") {
      std::puts("usage: av-eval <wfdb dir> [--records 100,105] [--window-ms 150] [--lead <index|name>] [--no-flutter-suppression] [--input-rate Hz] [--chunk-sec S]");
      std::exit(0);
    } else if (!a.empty() && a[0] == '-') throw av::Error("usage", "unknown option " + a);
    else if (o.dir.empty()) o.dir = a;
    else throw av::Error("usage", "more than one directory given");
  }
  if (o.chunkSec > 0 && o.detector.flutterLeakage == 0)
    throw av::Error("usage", "--chunk-sec runs the shipped detector; it does not combine with --no-flutter-suppression");
  if (o.dir.empty()) throw av::Error("usage", "usage: av-eval <wfdb dir> [--records 100,105] [--window-ms 150] [--lead L] [--no-flutter-suppression] [--input-rate Hz] [--chunk-sec S]");
  if (o.records.empty()) {
    namespace fs = std::filesystem;
    if (!fs::is_directory(o.dir)) throw av::Error("io_file_not_found", "not a directory: " + o.dir);
    for (const auto& e : fs::directory_iterator(o.dir))
      if (e.path().extension() == ".hea") o.records.push_back(e.path().stem().string());
    std::sort(o.records.begin(), o.records.end());
    if (o.records.empty()) throw av::Error("io_file_not_found", "no .hea files in " + o.dir);
  }
  return o;
}

RecordResult evaluate(const Options& o, const std::string& name) {
  const av::Record rec = av::io::read_wfdb_file(o.dir + "/" + name + ".hea");
  RecordResult r;
  r.name = name;
  const int lead = av::resolve_lead(rec, o.lead);
  r.lead = rec.leads[static_cast<size_t>(lead)].name;
  r.seconds = rec.durationSec();
  const std::vector<float>& original = rec.leads[static_cast<size_t>(lead)].samples;
  const double fs = o.inputRate > 0 ? o.inputRate : rec.sampleRate;
  const std::vector<float> resampled = o.inputRate > 0 ? av::dsp::resample(original, rec.sampleRate, fs) : std::vector<float>{};
  const auto t0 = std::chrono::steady_clock::now();
  const std::span<const float> signal(o.inputRate > 0 ? resampled : original);
  if (o.chunkSec > 0) {
    // The bounded-memory path: the record fed in 1 s pieces through overlapping segments.
    av::dsp::BeatStream stream(fs, {}, o.chunkSec);
    av::dsp::PreparedBeats beats;
    const size_t piece = static_cast<size_t>(std::max(1.0, fs));
    for (size_t at = 0; at < signal.size(); at += piece)
      stream.push(signal.subspan(at, std::min(piece, signal.size() - at)), beats);
    stream.finish(beats);
    r.detected = std::move(beats.sample);
  } else {
    r.detected = av::dsp::detect_qrs(signal, fs, o.detector);
  }
  r.detectMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  r.reference = av::dsp::reference_beat_positions(rec.annotations);
  for (int64_t& p : r.reference) p = av::dsp::map_index(p, rec.sampleRate, fs);
  std::sort(r.reference.begin(), r.reference.end());
  const auto window = static_cast<int64_t>(std::lround(o.windowMs * 1e-3 * fs));
  r.match = av::dsp::match_beats(r.reference, r.detected, window);
  r.all = av::dsp::score(r.match, r.reference.size(), r.detected.size());
  auto flutter = av::dsp::flutter_intervals(rec.annotations, static_cast<int64_t>(rec.length()));
  for (auto& iv : flutter) iv = {av::dsp::map_index(iv.first, rec.sampleRate, fs), av::dsp::map_index(iv.second, rec.sampleRate, fs)};
  const auto ref2 = av::dsp::exclude_intervals(r.reference, flutter);
  const auto det2 = av::dsp::exclude_intervals(r.detected, flutter);
  r.withoutFlutter = av::dsp::score(av::dsp::match_beats(ref2, det2, window), ref2.size(), det2.size());
  return r;
}

void print_row(const char* name, const char* lead, const av::dsp::DetectionScore& s) {
  std::printf("%-8s %-5s %7zu %7zu %7zu %5zu %5zu %8.2f %8.2f\n", name, lead, s.reference, s.detected, s.tp, s.fn, s.fp,
              s.sensitivity(), s.positivePredictivity());
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options o = parse(argc, argv);
    std::printf("QRS detection vs reference beats, %.0f ms window, flutter suppression %s", o.windowMs,
                o.detector.flutterLeakage > 0 ? "on" : "off");
    if (o.inputRate > 0) std::printf(", records resampled to %g Hz first", o.inputRate);
    if (o.chunkSec > 0) std::printf(", streamed in %g s segments", o.chunkSec);
    std::printf("\n");
    std::printf("%-8s %-5s %7s %7s %7s %5s %5s %8s %8s\n", "record", "lead", "ref", "det", "TP", "FN", "FP", "Se %", "+P %");
    av::dsp::DetectionScore total, totalWithoutFlutter;
    double seconds = 0, ms = 0;
    for (const std::string& name : o.records) {
      const RecordResult r = evaluate(o, name);
      print_row(r.name.c_str(), r.lead.c_str(), r.all);
      total += r.all;
      totalWithoutFlutter += r.withoutFlutter;
      seconds += r.seconds;
      ms += r.detectMs;
    }
    print_row("total", "", total);
    print_row("total*", "", totalWithoutFlutter);
    std::printf("* without ventricular flutter episodes ('[' to ']' annotations), as ANSI/AAMI EC57 scores\n");
    std::printf("%zu records, %.1f h of signal, detection %.0f ms\n", o.records.size(), seconds / 3600.0, ms);
    return 0;
  } catch (const av::Error& e) {
    std::fprintf(stderr, "error: %s: %s\n", e.code().c_str(), e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: internal: %s\n", e.what());
    return 2;
  }
}
