// av-noise-stress: a noise stress test built the EC57 way, with noise made here from published descriptions.
//
//   av-noise-stress <mitdb dir> [--records 118,119,...] [--snr 24,18,12,6,0,-6] [--types em,ma,bw]
//                   [--model v1-ctx|...] [--features out.csv] [--json out.json]
//   av-noise-stress <mitdb dir> --clean [--records ...]     (default: all records in the directory)
//
// --clean adds no noise: it prints the share of each clean record's time that the signal quality flags as
// unusable, the records flagged most first, and the mean over the records.
//
// For each record, noise type and SNR: the noise goes into the record's analysed lead in 2-minute stretches
// alternating with 2-minute clean stretches, starting after the first 5 minutes (the detector's learning
// period, which is left out of all scores). SNR as EC57 defines it: S = A²/8 from the mean peak-to-peak QRS
// amplitude A of the reference beats (the largest and smallest 5 % dropped), N = the mean square of the noise
// over the noise stretches. The noisy record goes through pipeline::analyze() as shipped. Printed per noise
// type and SNR, over the records: QRS Se and +P (150 ms), label agreement with the clean record's own labels
// for the beats in the noise stretches not flagged noisy, and the share of noisy and of clean time that the
// signal quality flags as unusable.
// Noise types:
//   em  electrode motion: large, low-frequency (below ~8 Hz) and step-like: random steps that recover over
//       ~0.5 s, on band-limited noise;
//   ma  muscle artifact: broadband (above ~20 Hz), EMG-like bursts;
//   bw  baseline wander: sums of sinusoids below 0.5 Hz.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/record.h"
#include "dsp/filters.h"
#include "dsp/match_beats.h"
#include "dsp/signal_quality.h"
#include "io/files.h"
#include "nn/backend.h"
#include "nn/engine.h"
#include "nn/model.h"
#include "pipeline/analyze.h"
#include "pipeline/engine_classifier.h"
#include "tool_common.h"

namespace {

constexpr double kLearnSec = 300, kStretchSec = 120;

struct Options {
  std::string dir, model = "v1-ctx", featuresPath, jsonPath;
  bool clean = false, recordsGiven = false;
  std::vector<std::string> records = {"118", "119", "100", "213", "221", "234"};
  std::vector<double> snr = {24, 18, 12, 6, 0, -6};
  std::vector<std::string> types = {"em", "ma", "bw"};
};

// Unit-variance noise of one type, n samples at fs, from a seed.
std::vector<float> make_noise(const std::string& type, size_t n, double fs, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> g(0, 1);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<float> x(n, 0.f);
  if (type == "bw") {
    for (int k = 0; k < 4; ++k) {
      const double f = 0.05 + 0.45 * u(rng), ph = 2 * M_PI * u(rng), a = 0.5 + u(rng);
      for (size_t i = 0; i < n; ++i) x[i] += static_cast<float>(a * std::sin(2 * M_PI * f * static_cast<double>(i) / fs + ph));
    }
  } else if (type == "ma") {
    std::vector<float> w(n);
    for (auto& v : w) v = static_cast<float>(g(rng));
    const std::vector<float> low = av::dsp::moving_average(w, static_cast<int>(fs / 20) | 1);  // keep what is above ~20 Hz
    double env = 1;
    for (size_t i = 0; i < n; ++i) {
      if (i % static_cast<size_t>(fs / 4) == 0) env = 0.4 + 1.2 * u(rng);  // bursts, 0.25 s apart
      x[i] = static_cast<float>(env * (w[i] - low[i]));
    }
  } else {  // em
    std::vector<float> w(n);
    for (auto& v : w) v = static_cast<float>(g(rng));
    const std::vector<float> band = av::dsp::moving_average(w, static_cast<int>(fs / 8) | 1);  // below ~8 Hz
    double step = 0;
    const double decay = std::exp(-1.0 / (0.5 * fs)), rate = 0.7 / fs;  // ~0.7 steps per second
    for (size_t i = 0; i < n; ++i) {
      if (u(rng) < rate) step += 3.0 * g(rng);
      step *= decay;
      x[i] = static_cast<float>(band[i] * 6.0 + step);
    }
  }
  double m = 0, s = 0;
  for (float v : x) m += v;
  m /= static_cast<double>(n);
  for (float v : x) s += (v - m) * (v - m);
  const double sd = std::sqrt(s / static_cast<double>(n));
  for (auto& v : x) v = static_cast<float>((v - m) / (sd > 0 ? sd : 1));
  return x;
}

bool in_noise(double sec) { return sec >= kLearnSec && std::fmod(sec - kLearnSec, 2 * kStretchSec) < kStretchSec; }

// EC57's signal power: (mean QRS peak-to-peak)² / 8, over ±50 ms around each reference beat.
double signal_power(const std::vector<float>& x, const std::vector<int64_t>& beats, double fs) {
  const int64_t h = static_cast<int64_t>(0.05 * fs);
  std::vector<double> a;
  for (int64_t b : beats) {
    if (b - h < 0 || b + h >= static_cast<int64_t>(x.size())) continue;
    const auto [lo, hi] = std::minmax_element(x.begin() + b - h, x.begin() + b + h + 1);
    a.push_back(*hi - *lo);
  }
  std::sort(a.begin(), a.end());
  const size_t cut = a.size() / 20;
  double sum = 0;
  size_t k = 0;
  for (size_t i = cut; i + cut < a.size(); ++i, ++k) sum += a[i];
  const double mean = k ? sum / static_cast<double>(k) : 0;
  return mean * mean / 8;
}

struct Cell {
  av::dsp::DetectionScore det;
  size_t compared = 0, agreeing = 0;
  double noiseSec = 0, noiseFlagged = 0, cleanSec = 0, cleanFlagged = 0;
};

double flagged_seconds(const av::pipeline::Result& r, double fs, bool noiseStretches) {
  double t = 0;
  for (const auto& u : r.summary.signalQuality.unusable)
    for (int64_t s = u.start; s < u.end; s += static_cast<int64_t>(fs / 10)) {  // 0.1 s steps
      const double sec = static_cast<double>(s) / fs;
      if (sec >= kLearnSec && in_noise(sec) == noiseStretches) t += 0.1;
    }
  return t;
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw av::Error("usage", a + " needs a value");
      return argv[++i];
    };
    if (a == "--records") o.records = split_list(value()), o.recordsGiven = true;
    else if (a == "--clean") o.clean = true;
    else if (a == "--types") o.types = split_list(value());
    else if (a == "--model") o.model = value();
    else if (a == "--features") o.featuresPath = value();
    else if (a == "--json") o.jsonPath = value();
    else if (a == "--snr") {
      o.snr.clear();
      for (const auto& v : split_list(value())) {
        o.snr.push_back(number_option("--snr", v));
      }
    } else if (!a.empty() && a[0] == '-') throw av::Error("usage", "unknown option " + a);
    else if (o.dir.empty()) o.dir = a;
    else throw av::Error("usage", "more than one directory given");
  }
  if (o.dir.empty())
    throw av::Error("usage", "av-noise-stress <mitdb dir> [--records a,b] [--snr 24,18,...] [--types em,ma,bw] "
                             "[--model m] [--features out.csv] [--json out.json]");
  for (const auto& t : o.types)
    if (t != "em" && t != "ma" && t != "bw") throw av::Error("usage", "noise types are em, ma and bw, got '" + t + "'");
  o.model = resolve_model(o.model, argv[0]);
  if (o.clean && !o.recordsGiven) o.records = records_in(o.dir);
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options o = parse(argc, argv);
    ToolClassifier loaded(o.model);
    av::pipeline::EngineClassifier& classifier = loaded.classifier;
    if (o.clean) {
      std::vector<std::pair<double, std::string>> flagged;
      double sum = 0;
      for (const auto& name : o.records) {
        const av::pipeline::Result r = av::pipeline::analyze(av::io::read_wfdb_file(o.dir + "/" + name + ".hea"), &classifier, {});
        flagged.emplace_back(100.0 - r.summary.signalQuality.usablePercent, name);
        sum += flagged.back().first;
      }
      std::sort(flagged.rbegin(), flagged.rend());
      std::printf("Signal quality on %zu clean records: %.2f %% of the time flagged unusable on average\n", flagged.size(),
                  sum / static_cast<double>(std::max<size_t>(1, flagged.size())));
      for (const auto& [p, name] : flagged)
        if (p > 0) std::printf("  %-6s %6.2f %%\n", name.c_str(), p);
      return 0;
    }
    std::ofstream features;
    if (!o.featuresPath.empty()) {
      features.open(o.featuresPath);
      features << "record,type,snr,start_sec,noise,kurtosis,low,high,clip,range,periodicity,mid,crest,crossings,usable\n";
    }
    std::vector<std::vector<Cell>> cells(o.types.size(), std::vector<Cell>(o.snr.size()));
    uint32_t seed = 1;
    for (const auto& name : o.records) {
      const av::Record clean = av::io::read_wfdb_file(o.dir + "/" + name + ".hea");
      const int lead = av::resolve_lead(clean, "");
      const double fs = clean.sampleRate;
      const auto& x = clean.leads[static_cast<size_t>(lead)].samples;
      const std::vector<int64_t> ref = av::dsp::reference_beat_positions(clean.annotations);
      std::vector<int64_t> scored;
      for (int64_t b : ref)
        if (static_cast<double>(b) / fs >= kLearnSec) scored.push_back(b);
      const double S = signal_power(x, ref, fs);
      const av::pipeline::Result base = av::pipeline::analyze(clean, &classifier, {});
      std::vector<int64_t> baseSamples;
      for (const auto& b : base.beats) baseSamples.push_back(b.sample);
      for (size_t t = 0; t < o.types.size(); ++t) {
        const std::vector<float> noise = make_noise(o.types[t], x.size(), fs, seed++);
        double N = 0;
        size_t count = 0;
        for (size_t i = 0; i < x.size(); ++i)
          if (in_noise(static_cast<double>(i) / fs)) N += noise[i] * noise[i], ++count;
        N /= static_cast<double>(std::max<size_t>(1, count));
        for (size_t k = 0; k < o.snr.size(); ++k) {
          const double gain = std::sqrt(S / (N * std::pow(10.0, o.snr[k] / 10)));
          av::Record noisy = clean;
          auto& y = noisy.leads[static_cast<size_t>(lead)].samples;
          for (size_t i = 0; i < y.size(); ++i)
            if (in_noise(static_cast<double>(i) / fs)) y[i] += static_cast<float>(gain * noise[i]);
          const av::pipeline::Result r = av::pipeline::analyze(noisy, &classifier, {});
          Cell& c = cells[t][k];
          std::vector<int64_t> det;
          for (const auto& b : r.beats)
            if (static_cast<double>(b.sample) / fs >= kLearnSec - 0.15) det.push_back(b.sample);
          const av::dsp::BeatMatch m = av::dsp::match_beats(scored, det, static_cast<int64_t>(0.15 * fs));
          // Detections in the first 150 ms before the scored part count only when matched.
          size_t fp = 0;
          for (size_t e : m.extra) fp += static_cast<double>(det[e]) / fs >= kLearnSec;
          c.det.reference += scored.size();
          c.det.tp += m.truePositives();
          c.det.fn += m.missed.size();
          c.det.fp += fp;
          // Labels against the clean record's own, for usable beats inside the noise stretches.
          std::vector<int64_t> all;
          for (const auto& b : r.beats) all.push_back(b.sample);
          const av::dsp::BeatMatch lm = av::dsp::match_beats(baseSamples, all, static_cast<int64_t>(0.15 * fs));
          for (const auto& [bi, ni] : lm.pairs) {
            const auto& nb = r.beats[ni];
            if (nb.noisy || !in_noise(static_cast<double>(nb.sample) / fs)) continue;
            ++c.compared;
            c.agreeing += nb.label == base.beats[bi].label;
          }
          const double total = static_cast<double>(x.size()) / fs - kLearnSec;
          double noiseSec = 0;
          for (size_t s = static_cast<size_t>(kLearnSec); s < static_cast<size_t>(kLearnSec + total); ++s) noiseSec += in_noise(static_cast<double>(s) + 0.5);
          c.noiseSec += noiseSec;
          c.cleanSec += total - noiseSec;
          c.noiseFlagged += flagged_seconds(r, fs, true);
          c.cleanFlagged += flagged_seconds(r, fs, false);
          if (features.is_open()) {
            av::dsp::SignalQualityTracker q;
            q.push(y);
            q.finish();
            for (const auto& s : q.segments())
              features << name << "," << o.types[t] << "," << o.snr[k] << "," << static_cast<double>(s.start) / 360.0 << ","
                       << in_noise(static_cast<double>(s.start) / 360.0 + 2.5) << "," << s.kurtosis << "," << s.lowFraction << ","
                       << s.highFraction << "," << s.clipFraction << "," << s.rangeMv << "," << s.periodicity << ","
                       << s.midFraction << "," << s.crest << "," << s.crossings << "," << s.usable() << "\n";
          }
        }
      }
      std::fprintf(stderr, "noise-stress: record %s done\n", name.c_str());
    }
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    std::printf("Noise stress test: records");
    for (const auto& r : o.records) std::printf(" %s", r.c_str());
    std::printf("; %s; scored after the first %.0f s\n\n", classifier.name().c_str(), kLearnSec);
    std::printf("| noise | SNR dB | QRS Se %% | QRS +P %% | label agreement %% | noisy time flagged %% | clean time flagged %% |\n");
    std::printf("|---|---:|---:|---:|---:|---:|---:|\n");
    for (size_t t = 0; t < o.types.size(); ++t)
      for (size_t k = 0; k < o.snr.size(); ++k) {
        const Cell& c = cells[t][k];
        const double agree = c.compared ? 100.0 * static_cast<double>(c.agreeing) / static_cast<double>(c.compared) : NAN;
        std::printf("| %s | %.0f | %.2f | %.2f | %.2f | %.1f | %.2f |\n", o.types[t].c_str(), o.snr[k], c.det.sensitivity(),
                    c.det.positivePredictivity(), agree, 100 * c.noiseFlagged / c.noiseSec, 100 * c.cleanFlagged / c.cleanSec);
        out.push_back({{"type", o.types[t]}, {"snr", o.snr[k]}, {"se", c.det.sensitivity()},
                       {"ppv", c.det.positivePredictivity()}, {"labelAgreement", agree},
                       {"noiseFlaggedPercent", 100 * c.noiseFlagged / c.noiseSec},
                       {"cleanFlaggedPercent", 100 * c.cleanFlagged / c.cleanSec}});
      }
    if (!o.jsonPath.empty()) std::ofstream(o.jsonPath) << out.dump(1) << "\n";
    return 0;
  } catch (const av::Error& e) {
    std::fprintf(stderr, "error: %s: %s\n", e.code().c_str(), e.what());
    return 2;
  }
}
