// av-af-eval: atrial fibrillation detection scored by duration against the rhythm annotations of MIT-BIH
// (`(AFIB` stretches; `(AFL` stretches count neither way).
//
//   av-af-eval <wfdb dir> [--model v1-ctx|...|path.json] [--records 201,202 | --set DS1|DS2] [--loro]
//              [--threshold x] [--p-wave-max p] [--json out.json] [--beats-csv dir]
//              [--min-usable-share s] [--no-ventricular-split]
//
// Each record goes through pipeline::analyze() as shipped (default model v1-ctx, detected beats); its AF
// episodes are compared with the annotated ones. Per record: AF minutes annotated and detected, the
// overlap, false AF minutes, duration Se and PPV; then the totals over the records.
// --loro re-chooses the irregularity threshold leaving each record out (the best duration F1 over the other
// records) and scores the left-out record with it, together with the P-wave limit (pipeline/af_detect.h,
// AfOptions::pWaveMax) from a grid that includes "off": the figures a new record would get.
// --min-usable-share sets AfOptions::minUsableShare (0: off). --no-ventricular-split keeps ventricular runs,
// bigeminy and trigeminy inside the episodes (AfOptions::splitAtVentricularRhythm off), for comparison.
// --beats-csv writes <dir>/<record>.csv, one row per beat with its label, the AF measures and the annotated
// rhythm, for looking at where the detector goes wrong.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/record.h"
#include "io/files.h"
#include "nn/backend.h"
#include "nn/engine.h"
#include "nn/model.h"
#include "pipeline/af_detect.h"
#include "pipeline/analyze.h"
#include "pipeline/engine_classifier.h"
#include "tool_common.h"

namespace {

using Span = std::pair<int64_t, int64_t>;

struct Options {
  std::string dir, model = "v1-ctx", jsonPath, beatsCsvDir;
  std::vector<std::string> records;
  bool loro = false;
  double threshold = av::pipeline::AfOptions{}.threshold;
  double pWaveMax = av::pipeline::AfOptions{}.pWaveMax;
  double minUsableShare = av::pipeline::AfOptions{}.minUsableShare;
};

// AfOptions::splitAtVentricularRhythm for every setting scored (--no-ventricular-split: off).
bool gSplitAtVentricularRhythm = true;

struct Setting {
  double threshold = 0, pWaveMax = 2;
};

struct RecordData {
  std::string name;
  double fs = 0;
  std::vector<av::pipeline::BeatLabel> beats;
  std::vector<double> irregularity, pWave;
  std::vector<Span> afib, afl;
  std::vector<std::pair<std::string, Span>> rhythms;  // every annotated rhythm stretch
};

struct Score {
  double truth = 0, detected = 0, overlap = 0;  // samples/fs = seconds
  double se() const { return truth > 0 ? overlap / truth : NAN; }
  double ppv() const { return detected > 0 ? overlap / detected : NAN; }
  double f1() const { return truth + detected > 0 ? 2 * overlap / (truth + detected) : 0; }
  void add(const Score& o) { truth += o.truth, detected += o.detected, overlap += o.overlap; }
};

double overlap(const std::vector<Span>& a, const std::vector<Span>& b) {
  double t = 0;
  for (const Span& x : a)
    for (const Span& y : b) t += static_cast<double>(std::max<int64_t>(0, std::min(x.second, y.second) - std::max(x.first, y.first)));
  return t;
}

// The annotated rhythm stretches; (AFIB and (AFL kept apart for the scores.
void rhythm_spans(const av::Record& rec, RecordData& d) {
  for (const auto& r : av::rhythm_stretches(rec.annotations, static_cast<int64_t>(rec.length()))) {
    if (r.rhythm == "(AFIB") d.afib.push_back({r.start, r.end});
    if (r.rhythm == "(AFL") d.afl.push_back({r.start, r.end});
    d.rhythms.push_back({r.rhythm, {r.start, r.end}});
  }
}

av::pipeline::AfOptions af_options(const Setting& setting) {
  av::pipeline::AfOptions ao;
  ao.threshold = setting.threshold;
  ao.pWaveMax = setting.pWaveMax;
  ao.splitAtVentricularRhythm = gSplitAtVentricularRhythm;
  return ao;
}

std::vector<Span> found_af(const RecordData& d, const Setting& setting) {
  const av::pipeline::AfOptions ao = af_options(setting);
  std::vector<Span> found;
  for (const auto& e : av::pipeline::af_episodes(d.beats, av::pipeline::af_evidence(d.irregularity, d.pWave, ao), d.fs, ao))
    found.push_back({e.start, e.end});
  return found;
}

Score score(const RecordData& d, const Setting& setting) {
  const std::vector<Span> found = found_af(d, setting);
  Score s;
  for (const Span& x : d.afib) s.truth += static_cast<double>(x.second - x.first) / d.fs;
  for (const Span& x : found) s.detected += static_cast<double>(x.second - x.first) / d.fs;
  s.detected -= overlap(found, d.afl) / d.fs;
  s.overlap = overlap(found, d.afib) / d.fs;
  return s;
}

std::vector<double> threshold_grid() {
  std::vector<double> g;
  for (int k = 0; k <= 36; ++k) g.push_back(0.02 + 0.0025 * k);
  return g;
}

std::vector<double> p_wave_grid() { return {2.0, 0.3, 0.4, 0.5, 0.6, 0.7}; }

// The setting of the best duration F1 over the records (all but leaveOut). Where several thresholds tie (a
// plateau, as when the P-wave limit does the work), the middle of the plateau, not its edge.
Setting best_setting(const std::vector<RecordData>& data, const std::string& leaveOut) {
  std::vector<std::pair<Setting, double>> scored;
  double bestF = -1;
  for (double p : p_wave_grid())
    for (double t : threshold_grid()) {
      Score total;
      for (const auto& d : data)
        if (d.name != leaveOut) total.add(score(d, {t, p}));
      scored.push_back({{t, p}, total.f1()});
      bestF = std::max(bestF, total.f1());
    }
  std::vector<Setting> ties;
  for (const auto& [s, f] : scored)
    if (f >= bestF - 1e-12 && (ties.empty() || s.pWaveMax == ties.front().pWaveMax)) ties.push_back(s);
  return ties[ties.size() / 2];
}

void write_beats_csv(const RecordData& d, const Options& o) {
  const char* kLabels = "NLRAV";
  std::ofstream f(o.beatsCsvDir + "/" + d.name + ".csv");
  if (!f) throw av::Error("io", "cannot write " + o.beatsCsvDir + "/" + d.name + ".csv");
  const std::vector<double> evidence = av::pipeline::af_evidence(d.irregularity, d.pWave, af_options({o.threshold, o.pWaveMax}));
  f << "sample,timeSec,label,noisy,pWave,irregularity,pWavePresence,evidence,rhythm\n";
  size_t r = 0;
  for (size_t i = 0; i < d.beats.size(); ++i) {
    const auto& b = d.beats[i];
    while (r + 1 < d.rhythms.size() && d.rhythms[r].second.second <= b.sample) ++r;
    const bool in = r < d.rhythms.size() && b.sample >= d.rhythms[r].second.first && b.sample < d.rhythms[r].second.second;
    f << b.sample << ',' << static_cast<double>(b.sample) / d.fs << ',' << (b.label >= 0 && b.label < 5 ? kLabels[b.label] : '?')
      << ',' << (b.noisy ? 1 : 0) << ',' << b.pWave << ',' << d.irregularity[i] << ',' << d.pWave[i] << ','
      << evidence[i] << ',' << (in ? d.rhythms[r].first : "") << '\n';
  }
}

Options parse(int argc, char** argv) {
  Options o;
  std::string set;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw av::Error("usage", a + " needs a value");
      return argv[++i];
    };
    if (a == "--model") o.model = value();
    else if (a == "--records") o.records = split_list(value());
    else if (a == "--set") set = value();
    else if (a == "--loro") o.loro = true;
    else if (a == "--no-ventricular-split") gSplitAtVentricularRhythm = false;
    else if (a == "--json") o.jsonPath = value();
    else if (a == "--beats-csv") o.beatsCsvDir = value();
    else if (a == "--min-usable-share") o.minUsableShare = number_option(a, value());
    else if (a == "--p-wave-max") o.pWaveMax = number_option(a, value());
    else if (a == "--threshold") o.threshold = number_option(a, value());
    else if (!a.empty() && a[0] == '-') throw av::Error("usage", "unknown option " + a);
    else if (o.dir.empty()) o.dir = a;
    else throw av::Error("usage", "more than one directory given");
  }
  if (o.dir.empty())
    throw av::Error("usage", "av-af-eval <wfdb dir> [--model m] [--records a,b | --set DS1|DS2] [--loro] "
                             "[--threshold x] [--p-wave-max p] [--json out.json] [--beats-csv dir] [--min-usable-share s] "
                             "[--no-ventricular-split]");
  if (!set.empty()) {
    if (set != "DS1" && set != "DS2") throw av::Error("usage", "--set must be DS1 or DS2, got '" + set + "'");
    o.records = set == "DS1" ? kDS1 : kDS2;
  }
  if (o.records.empty()) o.records = records_in(o.dir);
  o.model = resolve_model(o.model, argv[0]);
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options o = parse(argc, argv);
    ToolClassifier loaded(o.model);
    av::pipeline::EngineClassifier& classifier = loaded.classifier;
    std::printf("AF by duration, %s, detected beats through pipeline::analyze(), threshold %.4f, P-wave limit %s\n",
                classifier.name().c_str(), o.threshold, o.pWaveMax > 1 ? "off" : std::to_string(o.pWaveMax).c_str());
    std::vector<RecordData> data;
    for (const auto& name : o.records) {
      const av::Record rec = av::io::read_wfdb_file(o.dir + "/" + name + ".hea");
      const av::pipeline::Result r = av::pipeline::analyze(rec, &classifier, {});
      RecordData d;
      d.name = name;
      d.fs = rec.sampleRate;
      for (const auto& b : r.beats)
        d.beats.push_back({b.sample, b.modelLabel >= 0 ? b.modelLabel : b.label, b.noisy, b.pWaveCorr});
      av::pipeline::AfOptions measure;
      measure.minUsableShare = o.minUsableShare;
      d.irregularity = av::pipeline::rr_irregularity(d.beats, d.fs, measure);
      d.pWave = av::pipeline::p_wave_presence(d.beats, {});
      rhythm_spans(rec, d);
      if (!o.beatsCsvDir.empty()) write_beats_csv(d, o);
      data.push_back(std::move(d));
    }
    nlohmann::ordered_json out = {{"model", classifier.name()}, {"threshold", o.threshold},
                                  {"pWaveMax", o.pWaveMax > 1 ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(o.pWaveMax)}};
    // The P-wave measure inside and outside the annotated AF (median over beats of each record's presence).
    std::printf("\nmedian P-wave correlation (window median), in (AFIB / elsewhere:\n");
    for (const auto& d : data) {
      std::vector<double> in, outside;
      for (size_t i = 0; i < d.beats.size(); ++i) {
        if (!std::isfinite(d.pWave[i])) continue;
        bool af = false;
        for (const Span& x : d.afib) af = af || (d.beats[i].sample >= x.first && d.beats[i].sample < x.second);
        (af ? in : outside).push_back(d.pWave[i]);
      }
      auto med = [](std::vector<double> v) {
        if (v.empty()) return static_cast<double>(NAN);
        std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
        return v[v.size() / 2];
      };
      std::printf("  %-6s %6.3f / %6.3f\n", d.name.c_str(), med(in), med(outside));
    }
    auto table = [&](const char* title, auto settingFor) {
      std::printf("\n%s\n%-6s %9s %9s %9s %9s %7s %7s %9s %7s\n", title, "record", "AF min", "found", "overlap",
                  "false", "Se", "PPV", "threshold", "P max");
      Score total;
      double falseInNonAf = 0;
      std::map<std::string, double> falseByRhythm;  // detected AF minutes by the annotated rhythm they lie in
      nlohmann::ordered_json rows = nlohmann::ordered_json::array();
      for (const auto& d : data) {
        const Setting t = settingFor(d);
        const Score s = score(d, t);
        total.add(s);
        if (s.truth == 0) falseInNonAf += s.detected;
        const std::vector<Span> found = found_af(d, t);
        for (const auto& [rhythm, span] : d.rhythms)
          if (rhythm != "(AFIB" && rhythm != "(AFL") falseByRhythm[rhythm] += overlap(found, {span}) / d.fs / 60;
        if (s.truth > 0 || s.detected > 0)
          std::printf("%-6s %9.2f %9.2f %9.2f %9.2f %7.3f %7.3f %9.4f %7.2f\n", d.name.c_str(), s.truth / 60,
                      s.detected / 60, s.overlap / 60, std::max(0.0, s.detected - s.overlap) / 60, s.se(), s.ppv(), t.threshold,
                      t.pWaveMax > 1 ? NAN : t.pWaveMax);
        rows.push_back({{"record", d.name}, {"afMin", s.truth / 60}, {"detectedMin", s.detected / 60},
                        {"overlapMin", s.overlap / 60}, {"threshold", t.threshold},
                        {"pWaveMax", t.pWaveMax > 1 ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(t.pWaveMax)}});
      }
      std::printf("%-6s %9.2f %9.2f %9.2f %9.2f %7.3f %7.3f\nfalse AF in records without annotated AF: %.2f min\n",
                  "total", total.truth / 60, total.detected / 60, total.overlap / 60,
                  (total.detected - total.overlap) / 60, total.se(), total.ppv(), falseInNonAf / 60);
      std::printf("false AF minutes by annotated rhythm:");
      for (const auto& [rhythm, minutes] : falseByRhythm)
        if (minutes > 0.005) std::printf(" %s %.2f", rhythm.c_str(), minutes);
      std::printf("\n");
      return nlohmann::ordered_json{{"records", rows}, {"se", total.se()}, {"ppv", total.ppv()},
                                    {"falseAfMinNonAf", falseInNonAf / 60}};
    };
    out["shipped"] = table("Shipped settings", [&](const RecordData&) { return Setting{o.threshold, o.pWaveMax}; });
    if (o.loro) {
      const Setting all = best_setting(data, "");
      std::printf("\nbest over all %zu records: threshold %.4f, P-wave limit %.2f (above 1: off)\n", data.size(),
                  all.threshold, all.pWaveMax);
      out["loro"] = table("Leave-one-record-out settings", [&](const RecordData& d) { return best_setting(data, d.name); });
    }
    if (!o.jsonPath.empty()) std::ofstream(o.jsonPath) << out.dump(1) << "\n";
    return 0;
  } catch (const av::Error& e) {
    std::fprintf(stderr, "error: %s: %s\n", e.code().c_str(), e.what());
    return 2;
  }
}
