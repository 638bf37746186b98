// av-eval: scores QRS detection against the reference annotations (.atr) of every WFDB record in a
// folder, beat by beat (ANSI/AAMI EC57 style matching, 150 ms window by default), and prints a
// per-record table and totals; with --model it also scores the classification end to end.
//
//   av-eval <dir> [--records 100,105,... | --set DS1|DS2] [--window-ms 150] [--lead <index|name>]
//                 [--no-flutter-suppression] [--input-rate Hz]
//   av-eval <dir> --model <v1-ctx|v2-ctx|v1-ctx-ds1|v2-ctx-ds1|v1|v2|v1-ds1|v2-ds1|path/NAME.json>
//                 [--beats detect|reference] [--records ... | --set DS1|DS2] [--window-ms 150]
//                 [--lead <index|name>] [--input-rate Hz] [--af-threshold x] [--af-p-wave-max p] [--af-min-usable-share s] [--af-no-ventricular-split] [--no-af-relabel] [--no-label-rules] [--json out.json]
//
// --set picks de Chazal's inter-patient record lists (DESIGN section 3): DS1 (the training half) or DS2
// (the test half). --no-flutter-suppression turns off the detector's ventricular flutter/fibrillation
// stage (which reports no beats in sustained near-sinusoidal fast activity), to show its effect.
// --input-rate resamples each record (every lead and the annotations) to that rate first and scores at that
// rate, to check that detection and classification do not depend on the input rate. Detection is scored on
// the shipped road, pipeline::analyze() (the chunked analysis), with or without a model; only
// --no-flutter-suppression calls the whole-record detector directly, with that stage off.
// Reference beats are the annotations for which is_beat_annotation() holds. The totals are printed
// twice: over everything, and with ventricular flutter episodes ('[' to ']') left out as EC57 does.
//
// Classification (--model): each record goes through the product's own pipeline, pipeline::analyze()
// with an EngineClassifier over nn::Engine (default backend), on the same lead as the detection
// scoring; a model name resolves to models/arrhythminet-NAME.json (+ .bin) under the current folder,
// else under the repository root above the executable (build/native/..). The detection columns then
// score analyze()'s own beats, and pipeline::score_classes() (pipeline/class_score.h) scores the labels
// over the matched pairs: matched reference beats of class N L R A V fill the 5x5 confusion matrix,
// unmatched ones are misses of their class, unmatched detections are false detections of their label
// (against its PPV), and detections matched to reference beats of other types (f, /, Q, ...) are left
// out. --beats reference classifies at the reference positions instead (no detection); on the DS2
// records it reproduces the metadata's metrics.interpatient, and the difference is printed.
// --json writes the scores (per record and totals) as JSON.
// --af-threshold, --af-p-wave-max and --af-min-usable-share set the AF detector's irregularity threshold,
// P-wave limit and usable-pair share (pipeline/af_detect.h); --af-no-ventricular-split keeps ventricular runs,
// bigeminy and trigeminy inside AF episodes (AfOptions::splitAtVentricularRhythm off); --no-af-relabel keeps the
// classifier's A labels inside AF episodes (by default they count as N, pipeline/summary.h); --no-label-rules
// keeps the labels a model's labelRules would change (L on a narrow template, V matching a wide one;
// models/FORMAT.md), so that both give the network's own labels.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/annotation.h"
#include "core/error.h"
#include "core/record.h"
#include "dsp/match_beats.h"
#include "dsp/qrs.h"
#include "dsp/resample.h"
#include "io/files.h"
#include "nn/backend.h"
#include "nn/engine.h"
#include "nn/model.h"
#include "pipeline/analyze.h"
#include "pipeline/class_score.h"
#include "pipeline/engine_classifier.h"
#include "tool_common.h"

namespace {

using json = nlohmann::ordered_json;
using av::pipeline::ClassScore;
using av::pipeline::kScoreClasses;

constexpr const char* kUsage =
    "usage: av-eval <wfdb dir> [--records 100,105 | --set DS1|DS2] [--window-ms 150] [--lead <index|name>]\n"
    "               [--no-flutter-suppression] [--input-rate Hz]\n"
    "       av-eval <wfdb dir> --model <v1-ctx|v2-ctx|v1-ctx-ds1|v2-ctx-ds1|v1|v2|v1-ds1|v2-ds1|path/NAME.json>\n"
    "               [--beats detect|reference] [--records 100,105 | --set DS1|DS2] [--window-ms 150]\n"
    "               [--lead <index|name>] [--input-rate Hz] [--af-threshold x] [--af-p-wave-max p] [--af-min-usable-share s] [--af-no-ventricular-split] [--no-af-relabel] [--no-label-rules] [--json out.json]";

struct Options {
  std::string dir;
  std::vector<std::string> records;  // empty: every *.hea in dir
  std::string set;                   // "DS1", "DS2" or empty
  double windowMs = 150.0;
  std::string lead;  // empty: first MLII, else 0
  av::dsp::QrsParams detector;
  double inputRate = 0;  // > 0: resample each record to this rate first (checks rate independence)
  std::string model;     // metadata .json path (resolved); empty: detection only
  av::pipeline::SummaryOptions summary;  // --af-threshold, --no-af-relabel
  bool labelRules = true;                // --no-label-rules
  bool referenceBeats = false;  // --beats reference: classify at the reference positions
  std::string jsonPath;
};

struct RecordResult {
  std::string name, lead;
  double seconds = 0, detectMs = 0, classifyMs = 0;
  av::dsp::DetectionScore all, withoutFlutter;
  std::vector<int64_t> reference, detected;  // sorted
  std::vector<int> referenceCode;            // annotation code of each reference beat
  std::vector<int> label;                    // label of each detection (with a model)
  av::dsp::BeatMatch match;  // over all beats; pairs are (reference index, detection index)
  ClassScore classes;        // with a model
  ClassScore aami;           // the same labels scored in the AAMI classes (N, SVEB, VEB, F, Q)
};

Options parse(int argc, char** argv) {
  Options o;
  bool beatsGiven = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw av::Error("usage", "missing value after " + a);
      return argv[++i];
    };
    if (a == "--records") o.records = split_list(value());
    else if (a == "--set") {
      o.set = value();
      if (o.set != "DS1" && o.set != "DS2") throw av::Error("usage", "--set must be DS1 or DS2, got '" + o.set + "'");
    } else if (a == "--window-ms") {
      o.windowMs = number_option(a, value());
      if (!(o.windowMs > 0 && o.windowMs < 10000)) throw av::Error("usage", "--window-ms must be in (0, 10000)");
    } else if (a == "--lead") o.lead = value();
    else if (a == "--no-flutter-suppression") o.detector.flutterLeakage = 0;
    else if (a == "--input-rate") {
      o.inputRate = number_option(a, value());
      if (!(o.inputRate >= 50 && o.inputRate <= 10000)) throw av::Error("usage", "--input-rate must be in [50, 10000] Hz");
    } else if (a == "--model") o.model = resolve_model(value(), argv[0]);
    else if (a == "--beats") {
      const std::string v = value();
      if (v != "detect" && v != "reference") throw av::Error("usage", "--beats must be detect or reference, got '" + v + "'");
      o.referenceBeats = v == "reference";
      beatsGiven = true;
    } else if (a == "--json") o.jsonPath = value();
    else if (a == "--no-af-relabel") o.summary.afRelabel = false;
    else if (a == "--no-label-rules") o.labelRules = false;
    else if (a == "--af-no-ventricular-split") o.summary.af.splitAtVentricularRhythm = false;
    else if (a == "--af-p-wave-max") o.summary.af.pWaveMax = number_option(a, value());
    else if (a == "--af-min-usable-share") o.summary.af.minUsableShare = number_option(a, value());
    else if (a == "--af-threshold") o.summary.af.threshold = number_option(a, value());
    else if (a == "-h" || a == "--help") {
      std::puts(kUsage);
      std::exit(0);
    } else if (!a.empty() && a[0] == '-') throw av::Error("usage", "unknown option " + a);
    else if (o.dir.empty()) o.dir = a;
    else throw av::Error("usage", "more than one directory given");
  }
  if (o.model.empty() && beatsGiven) throw av::Error("usage", "--beats needs --model");
  if (!o.model.empty() && o.detector.flutterLeakage == 0)
    throw av::Error("usage", "--model runs the product's pipeline as shipped; it does not combine with "
                             "--no-flutter-suppression");
  if (o.dir.empty()) throw av::Error("usage", kUsage);
  if (!o.set.empty()) {
    if (!o.records.empty()) throw av::Error("usage", "give --records or --set, not both");
    o.records = o.set == "DS1" ? kDS1 : kDS2;
  }
  if (o.records.empty()) o.records = records_in(o.dir);
  return o;
}

// Positions sorted ascending with their companion values kept alongside (stable for equal positions).
template <typename T>
void sort_with(std::vector<int64_t>& positions, std::vector<T>& values) {
  std::vector<size_t> order(positions.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return positions[a] < positions[b]; });
  std::vector<int64_t> p(order.size());
  std::vector<T> v(order.size());
  for (size_t i = 0; i < order.size(); ++i) p[i] = positions[order[i]], v[i] = values[order[i]];
  positions = std::move(p);
  values = std::move(v);
}

RecordResult evaluate(const Options& o, const std::string& name, av::pipeline::Classifier* classifier) {
  const av::Record rec = av::io::read_wfdb_file(o.dir + "/" + name + ".hea");
  RecordResult r;
  r.name = name;
  const int lead = av::resolve_lead(rec, o.lead);
  r.lead = rec.leads[static_cast<size_t>(lead)].name;
  r.seconds = rec.durationSec();
  const double fs = o.inputRate > 0 ? o.inputRate : rec.sampleRate;
  // --input-rate: the whole record (every lead, the annotations) as if recorded at that rate.
  av::Record resampled;
  if (o.inputRate > 0) {
    resampled = rec;
    resampled.sampleRate = o.inputRate;
    for (auto& l : resampled.leads) l.samples = av::dsp::resample(l.samples, rec.sampleRate, o.inputRate);
    for (auto& a : resampled.annotations) a.sample = av::dsp::map_index(a.sample, rec.sampleRate, o.inputRate);
  }
  const av::Record& input = o.inputRate > 0 ? resampled : rec;
  if (o.detector.flutterLeakage > 0) {
    // The shipped road: pipeline::analyze() on the same lead, its own detection (or the reference positions),
    // and the labels when there is a model.
    av::pipeline::AnalyzeOptions ao;
    ao.lead = o.lead;
    ao.beats = o.referenceBeats ? av::pipeline::BeatSource::Reference : av::pipeline::BeatSource::Detect;
    ao.summary = o.summary;
    ao.labelRules = o.labelRules;
    const av::pipeline::Result result = av::pipeline::analyze(input, classifier, ao);
    for (const auto& b : result.beats) r.detected.push_back(b.sample), r.label.push_back(b.label);
    sort_with(r.detected, r.label);
    r.detectMs = result.timing.detectMs;
    r.classifyMs = result.timing.classifyMs;
  } else {
    // Diagnostic: the whole-record detector with its flutter stage off.
    const auto t0 = std::chrono::steady_clock::now();
    r.detected = av::dsp::detect_qrs(input.leads[static_cast<size_t>(lead)].samples, fs, o.detector);
    r.detectMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  }
  for (const av::Annotation& a : rec.annotations)
    if (av::is_beat_annotation(a.code)) {
      r.reference.push_back(av::dsp::map_index(a.sample, rec.sampleRate, fs));
      r.referenceCode.push_back(a.code);
    }
  sort_with(r.reference, r.referenceCode);
  const auto window = static_cast<int64_t>(std::lround(o.windowMs * 1e-3 * fs));
  r.match = av::dsp::match_beats(r.reference, r.detected, window);
  r.all = av::dsp::score(r.match, r.reference.size(), r.detected.size());
  auto flutter = av::dsp::flutter_intervals(rec.annotations, static_cast<int64_t>(rec.length()));
  for (auto& iv : flutter) iv = {av::dsp::map_index(iv.first, rec.sampleRate, fs), av::dsp::map_index(iv.second, rec.sampleRate, fs)};
  const auto ref2 = av::dsp::exclude_intervals(r.reference, flutter);
  const auto det2 = av::dsp::exclude_intervals(r.detected, flutter);
  r.withoutFlutter = av::dsp::score(av::dsp::match_beats(ref2, det2, window), ref2.size(), det2.size());
  if (classifier) {
    std::vector<int> refClass(r.referenceCode.size());
    for (size_t i = 0; i < refClass.size(); ++i) refClass[i] = av::class_index_for_code(r.referenceCode[i]);
    r.classes = av::pipeline::score_classes(r.match, refClass, r.label);
    std::vector<int> aamiRef(r.referenceCode.size()), aamiLabel(r.label.size());
    for (size_t i = 0; i < aamiRef.size(); ++i) aamiRef[i] = av::aami_class_for_code(r.referenceCode[i]);
    for (size_t i = 0; i < aamiLabel.size(); ++i) aamiLabel[i] = av::aami_class_for_label(r.label[i]);
    r.aami = av::pipeline::score_classes(r.match, aamiRef, aamiLabel);
  }
  return r;
}

double pct(double v) { return 100.0 * v; }

// "%8.2f" or a right-aligned "-" for an undefined ratio.
std::string fixed(double v, int width = 8) {
  char buf[32];
  if (std::isnan(v)) std::snprintf(buf, sizeof buf, "%*s", width, "-");
  else std::snprintf(buf, sizeof buf, "%*.2f", width, v);
  return buf;
}

void print_row(const char* name, const char* lead, const av::dsp::DetectionScore& s, const ClassScore* c) {
  std::printf("%-8s %-5s %7zu %7zu %7zu %5zu %5zu %8.2f %8.2f", name, lead, s.reference, s.detected, s.tp, s.fn, s.fp,
              s.sensitivity(), s.positivePredictivity());
  if (c) {
    size_t beats = 0;
    for (int k = 0; k < kScoreClasses; ++k) beats += c->reference(k);
    std::printf("  %7zu %7zu %s", beats, c->matched(), fixed(pct(c->accuracy())).c_str());
  }
  std::printf("\n");
}

void print_classes(const ClassScore& s, const char* const* symbols = av::kClassSymbols, const char* title = "") {
  std::printf("\n%sConfusion matrix (rows: reference class, columns: predicted label; matched beats)\n", title);
  std::printf("%-10s", "ref\\pred");
  for (int c = 0; c < kScoreClasses; ++c) std::printf(" %7s", symbols[c]);
  std::printf(" %7s\n", "missed");
  for (int r = 0; r < kScoreClasses; ++r) {
    std::printf("%-10s", symbols[r]);
    for (int c = 0; c < kScoreClasses; ++c) std::printf(" %7zu", s.confusion[r][c]);
    std::printf(" %7zu\n", s.missed[r]);
  }
  std::printf("%-10s", "false det");
  for (int c = 0; c < kScoreClasses; ++c) std::printf(" %7zu", s.falseDetections[c]);
  std::printf("\n\n");
  std::printf("%-5s %7s %7s %7s %8s %8s %8s\n", "class", "ref", "pred", "TP", "Se %", "PPV %", "F1 %");
  for (int c = 0; c < kScoreClasses; ++c)
    std::printf("%-5s %7zu %7zu %7zu %s %s %s\n", symbols[c], s.reference(c), s.predicted(c),
                s.truePositives(c), fixed(pct(s.sensitivity(c))).c_str(),
                fixed(pct(s.positivePredictivity(c))).c_str(), fixed(pct(s.f1(c))).c_str());
  std::printf("accuracy %s %% over %zu matched beats, macro-F1 %s %%\n", fixed(pct(s.accuracy()), 0).c_str(),
              s.matched(), fixed(pct(s.macroF1()), 0).c_str());
}

// The metadata's inter-patient (DS2, reference positions) metrics, when this run evaluated exactly their records.
std::optional<json> metadata_test_metrics(const std::string& modelPath, const std::vector<std::string>& records) {
  std::ifstream f(modelPath);
  const json meta = json::parse(f, nullptr, false);
  if (meta.is_discarded()) return std::nullopt;
  const auto mp = json::json_pointer("/metrics/interpatient");
  const json* m = meta.contains(mp) ? &meta[mp] : nullptr;
  const auto tr = json::json_pointer("/training/split/testRecords");
  if (!m || !m->contains("confusionMatrix") || !meta.contains(tr)) return std::nullopt;
  // A paper model's file may carry its inter-patient twin's metrics, marked with that model's name.
  if (m->contains("model") && (*m)["model"] != meta.value("name", json())) return std::nullopt;
  std::vector<std::string> test;
  for (const auto& v : meta[tr]) test.push_back(v.is_number() ? std::to_string(v.get<int>()) : v.get<std::string>());
  std::vector<std::string> ours = records;
  std::sort(test.begin(), test.end());
  std::sort(ours.begin(), ours.end());
  if (test != ours) return std::nullopt;
  return *m;
}

void print_metadata_difference(const json& m, const ClassScore& s) {
  std::printf("\nAgainst the model metadata's metrics.interpatient (%s, %s beats):\n",
              m.value("evaluatedOn", std::string("?")).c_str(), m.contains("beats") ? m["beats"].dump().c_str() : "?");
  std::printf("confusion difference (this run - metadata), rows reference, columns predicted:\n");
  size_t differing = 0;
  for (int r = 0; r < kScoreClasses; ++r) {
    std::printf("%-10s", av::kClassSymbols[r]);
    for (int c = 0; c < kScoreClasses; ++c) {
      const long d = static_cast<long>(s.confusion[r][c]) - m["confusionMatrix"][r][c].get<long>();
      differing += static_cast<size_t>(std::labs(d));
      std::printf(" %+7ld", d);
    }
    std::printf("\n");
  }
  std::printf("%-5s %10s %10s %10s %10s\n", "class", "Se", "Se meta", "PPV", "PPV meta");
  for (int c = 0; c < kScoreClasses; ++c) {
    const json& pc = m["perClass"][av::kClassSymbols[c]];
    std::printf("%-5s %10.4f %10.4f %10.4f %10.4f\n", av::kClassSymbols[c], s.sensitivity(c),
                pc.value("recall", NAN), s.positivePredictivity(c), pc.value("precision", NAN));
  }
  std::printf("accuracy %.4f (metadata %.4f), macro-F1 %.4f (metadata %.4f); sum of |differences| %zu\n",
              s.accuracy(), m.value("accuracy", NAN), s.macroF1(), m.value("macroF1", NAN), differing);
}

json detection_json(const av::dsp::DetectionScore& s) {
  return {{"reference", s.reference}, {"detected", s.detected}, {"tp", s.tp}, {"fn", s.fn}, {"fp", s.fp},
          {"se", s.sensitivity() / 100.0}, {"ppv", s.positivePredictivity() / 100.0}};
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const auto wallStart = std::chrono::steady_clock::now();
    const Options o = parse(argc, argv);
    std::unique_ptr<ToolClassifier> loaded;  // with --model
    av::pipeline::EngineClassifier* classifier = nullptr;
    if (!o.model.empty()) {
      loaded = std::make_unique<ToolClassifier>(o.model);
      classifier = &loaded->classifier;
    }
    if (classifier) {
      std::printf("Classification with %s (%s), beats %s through pipeline::analyze(), %.0f ms matching window%s\n",
                  classifier->name().c_str(), o.model.c_str(),
                  o.referenceBeats ? "at the reference positions" : "detected", o.windowMs,
                  o.set.empty() ? "" : (", records " + o.set).c_str());
    } else {
      std::printf("QRS detection vs reference beats, %.0f ms window, flutter suppression %s", o.windowMs,
                  o.detector.flutterLeakage > 0 ? "on" : "off");
      if (o.inputRate > 0) std::printf(", records resampled to %g Hz first", o.inputRate);
      if (!o.set.empty()) std::printf(", records %s", o.set.c_str());
      std::printf("\n");
    }
    std::printf("%-8s %-5s %7s %7s %7s %5s %5s %8s %8s", "record", "lead", "ref", "det", "TP", "FN", "FP", "Se %", "+P %");
    if (classifier) std::printf("  %7s %7s %8s", "beats", "matched", "acc %");
    std::printf("\n");
    av::dsp::DetectionScore total, totalWithoutFlutter;
    ClassScore classTotal, aamiTotal;
    std::map<std::string, size_t> excludedBySymbol;  // reference symbol of detections left out of the class score
    double seconds = 0, detectMs = 0, classifyMs = 0;
    json records = json::array();
    for (const std::string& name : o.records) {
      const RecordResult r = evaluate(o, name, classifier);
      print_row(r.name.c_str(), r.lead.c_str(), r.all, classifier ? &r.classes : nullptr);
      total += r.all;
      totalWithoutFlutter += r.withoutFlutter;
      seconds += r.seconds;
      detectMs += r.detectMs;
      classifyMs += r.classifyMs;
      if (classifier) {
        classTotal += r.classes;
        aamiTotal += r.aami;
        for (const auto& [ri, di] : r.match.pairs)
          if (av::class_index_for_code(r.referenceCode[ri]) < 0)
            ++excludedBySymbol[std::string(av::annotation_symbol(r.referenceCode[ri]))];
      }
      json jr = {{"record", r.name}, {"lead", r.lead}, {"detection", detection_json(r.all)}};
      if (classifier) jr["classes"] = av::pipeline::to_json(r.classes);
      records.push_back(std::move(jr));
    }
    print_row("total", "", total, classifier ? &classTotal : nullptr);
    print_row("total*", "", totalWithoutFlutter, nullptr);
    std::printf("* without ventricular flutter episodes ('[' to ']' annotations), as ANSI/AAMI EC57 scores\n");
    if (classifier) {
      std::printf("beats: reference beats of class N/L/R/A/V; matched: those with a detection; acc: over the matched\n");
      print_classes(classTotal);
      std::string symbols;
      for (const auto& [sym, n] : excludedBySymbol) symbols += (symbols.empty() ? "" : ", ") + sym + " " + std::to_string(n);
      std::printf("left out of the class scores: %zu detections matched to reference beats of other types (%s)\n",
                  classTotal.excludedTotal(), symbols.empty() ? "none" : symbols.c_str());
      std::printf("Se = TP / reference beats of the class (misses included); PPV = TP / detections labelled the class "
                  "(false detections included); macro-F1 over classes with reference beats\n");
      print_classes(aamiTotal, av::kAamiSymbols,
                    "AAMI classes (N = N L R e j, S = SVEB: A a J S, V = VEB: V E, F, Q = / f Q; labels N L R -> N, "
                    "A -> S, V -> V)\n");
    }
    const double wallSec = std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
    std::printf("%zu records, %.1f h of signal, detection %.0f ms", o.records.size(), seconds / 3600.0, detectMs);
    if (classifier) std::printf(", classification %.0f ms (backend %s)", classifyMs,
                                av::nn::backend_name(loaded->engine.backend()));
    std::printf(", wall %.1f s\n", wallSec);
    std::optional<json> meta;
    if (classifier && o.referenceBeats) {
      meta = metadata_test_metrics(o.model, o.records);
      if (meta) print_metadata_difference(*meta, classTotal);
    }
    if (!o.jsonPath.empty()) {
      json j = {{"dir", o.dir},
                {"records", o.records},
                {"set", o.set.empty() ? json(nullptr) : json(o.set)},
                {"windowMs", o.windowMs},
                {"model", classifier ? json{{"name", classifier->name()}, {"file", o.model}} : json(nullptr)},
                {"beatSource", classifier ? json(o.referenceBeats ? "reference" : "detect") : json(nullptr)},
                {"perRecord", std::move(records)},
                {"total", {{"detection", detection_json(total)}, {"detectionWithoutFlutter", detection_json(totalWithoutFlutter)}}}};
      if (classifier) {
        j["total"]["classes"] = av::pipeline::to_json(classTotal);
        j["total"]["aami"] = av::pipeline::to_json(aamiTotal, av::kAamiSymbols);
        j["total"]["excludedByReferenceSymbol"] = excludedBySymbol;
        if (meta) j["metadataInterpatient"] = *meta;
      }
      j["timing"] = {{"detectMs", detectMs}, {"classifyMs", classifyMs}, {"wallSec", wallSec}};
      std::ofstream out(o.jsonPath);
      out << j.dump(2) << "\n";
      if (!out) throw av::Error("write_failed", "cannot write " + o.jsonPath);
    }
    return 0;
  } catch (const av::Error& e) {
    std::fprintf(stderr, "error: %s: %s\n", e.code().c_str(), e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: internal: %s\n", e.what());
    return 2;
  }
}
