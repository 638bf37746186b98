#include "pipeline/result_json.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <vector>

#include "core/json_text.h"

namespace av::pipeline {
namespace {

// Rounds to `decimals` places; dividing by an exact power of ten prints as the short decimal.
// decimals: 0..9 (the JSON writes at most 6). A table, not std::pow: the same exact powers of ten, without
// linking pow into the WASM build.
double round_to(double value, int decimals) {
  static constexpr double kPow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
  const double scale = kPow10[std::clamp(decimals, 0, 9)];
  const double r = std::round(value * scale) / scale;
  return r == 0 ? 0.0 : r;  // no "-0" in the JSON
}

std::optional<double> rounded(const std::optional<double>& v, int digits) {
  return v ? std::optional<double>(round_to(*v, digits)) : std::nullopt;
}

// The beats array, one object per beat; time to 3 decimals, probabilities to 6.
void write_beats(JsonText& w, const Result& r) {
  w.open('[');
  char buf[32];
  auto fixed = [&](double x, const char* format) {
    if (!std::isfinite(x)) return w.out.append("null"), void();
    const int len = std::snprintf(buf, sizeof buf, format, x);
    w.out.append(buf, static_cast<size_t>(len));
  };
  std::string& out = w.out;
  out.reserve(out.size() + r.beats.size() * (r.hasModel ? 120 : 32));
  for (size_t i = 0; i < r.beats.size(); ++i) {
    const BeatResult& b = r.beats[i];
    out.append(i ? ",{\"sample\":" : "{\"sample\":");
    out.append(std::to_string(b.sample));
    out.append(",\"time\":");
    fixed(round_to(static_cast<double>(b.sample) / r.sampleRate, 3), "%.3f");
    if (b.label >= 0) {
      out.append(",\"label\":\"").append(kClassSymbols[b.label]).push_back('"');
      if (b.modelLabel >= 0) out.append(",\"modelLabel\":\"").append(kClassSymbols[b.modelLabel]).push_back('"');
      out.append(",\"probabilities\":{");
      for (int c = 0; c < 5; ++c) {
        out.append(c ? ",\"" : "\"").append(kClassSymbols[c]).append("\":");
        fixed(round_to(b.probabilities[static_cast<size_t>(c)], 6), "%.6f");
      }
      out.push_back('}');
    }
    if (b.af) out.append(",\"rhythm\":\"AF\"");
    if (b.noisy) out.append(",\"noisy\":true");
    out.push_back('}');
  }
  w.close(']');
}

void write_summary(JsonText& w, const Result& r) {
  const Summary& s = r.summary;
  const double fs = r.sampleRate;
  auto seconds = [fs](int64_t sample) { return round_to(static_cast<double>(sample) / fs, 3); };
  auto episode = [&](const Episode& e, bool withRate, bool withCycles) {
    w.open('{').member("start", e.start).member("end", e.end).member("startTime", seconds(e.start));
    w.member("endTime", seconds(e.end)).member("beats", e.beats);
    if (withRate) w.member("rateBpm", round_to(e.rateBpm, 1));
    if (withCycles) w.member("cycles", e.cycles);
    w.close('}');
  };
  auto episodes = [&](std::string_view k, const std::vector<Episode>& list, bool withRate, bool withCycles) {
    w.key(k).open('[');
    for (const auto& e : list) episode(e, withRate, withCycles);
    w.close(']');
  };
  auto ectopy = [&](std::string_view k, const Ectopy& e) {
    w.key(k).open('{').member("isolated", e.isolated).member("couplets", e.couplets).member("triplets", e.triplets);
    w.member("runs", e.runs).member("sustainedRuns", e.sustainedRuns);
    for (const auto& [name, run] : {std::pair{"longestRun", &e.longestRun}, std::pair{"fastestRun", &e.fastestRun}}) {
      w.key(name);
      if (*run) episode(**run, true, false);
      else w.null();
    }
    w.close('}');
  };

  w.open('{').member("beatCount", s.beatCount);
  w.key("counts").open('{');
  for (int c = 0; c < 5; ++c) w.member(kClassSymbols[c], s.counts[static_cast<size_t>(c)]);
  w.close('}');
  w.key("heartRate").open('{').member("meanBpm", rounded(s.heartRate.meanBpm, 2));
  w.member("minBpm", rounded(s.heartRate.minBpm, 2)).member("maxBpm", rounded(s.heartRate.maxBpm, 2));
  w.member("minTimeSec", rounded(s.heartRate.minTimeSec, 2)).member("maxTimeSec", rounded(s.heartRate.maxTimeSec, 2));
  w.member("window", "mean of " + std::to_string(kHeartRateWindowBeats) +
                         " consecutive RR intervals, sliding by one beat; RR outside 0.2-3 s ignored");
  w.close('}');
  w.key("burden").open('{').member("V", round_to(s.burdenPercent[0], 2)).member("A", round_to(s.burdenPercent[1], 2));
  w.close('}');
  w.key("events").open('{');
  episodes("couplets", s.couplets, false, false);
  episodes("vRuns", s.vRuns, true, false);
  episodes("bigeminy", s.bigeminy, false, true);
  episodes("trigeminy", s.trigeminy, false, true);
  episodes("svRuns", s.svRuns, true, false);
  w.close('}');
  ectopy("ventricular", s.ventricular);
  ectopy("supraventricular", s.supraventricular);

  const SignalQuality& q = s.signalQuality;
  w.key("signalQuality").open('{').member("usablePercent", round_to(q.usablePercent, 2)).key("unusable").open('[');
  for (size_t k = 0; k < q.unusable.size(); ++k) {
    w.open('{').member("startSec", seconds(q.unusable[k].start)).member("endSec", seconds(q.unusable[k].end));
    w.member("reason", k < q.reasons.size() ? q.reasons[k] : std::string("noisy")).close('}');
  }
  w.close(']').member("noisyBeats", q.noisyBeats).close('}');

  w.key("ventricularFlutter").open('[');
  for (const SampleSpan& f : s.ventricularFlutter)
    w.open('{').member("startSec", seconds(f.start)).member("endSec", seconds(f.end)).close('}');
  w.close(']');

  w.key("intervals");
  if (const auto& iv = s.intervals) {
    const double ms = 1000.0 / 360.0;
    auto at = [&](int index) { return round_to(index * ms - 350, 1); };
    w.open('{').member("beats", iv->beats).member("rrMs", round_to(iv->rrMs, 1)).member("qrsMs", round_to(iv->qrsMs, 1));
    w.member("qtMs", round_to(iv->qtMs, 1)).member("qtcBazettMs", round_to(iv->qtcBazettMs, 1));
    w.member("qtcFridericiaMs", round_to(iv->qtcFridericiaMs, 1));
    w.member("method", "median of up to 200 steady N beats; Q onset and J point where the slope falls below "
                       "3 % of the QRS's largest for 10 ms; T end where the T wave's descent has slowed to 10 % "
                       "of its steepest slope; none when the T wave is under 10 % of the R wave");
    w.key("medianBeat").open('{').member("sampleRate", 360).member("startMs", -350).key("values").open('[');
    for (float v : iv->medianBeat) w.value(round_to(v, 4));
    w.close(']').member("qOnsetMs", at(iv->qOnset)).member("rPeakMs", at(iv->rPeak)).member("jPointMs", at(iv->jPoint));
    w.member("tPeakMs", at(iv->tPeak)).member("tEndMs", at(iv->tEnd)).close('}').close('}');
  } else {
    w.null();
  }

  w.key("af").open('{').member("burdenPercent", round_to(s.af.burdenPercent, 2)).key("episodes").open('[');
  for (const AfEpisode& e : s.af.episodes) {
    w.open('{').member("startSec", seconds(e.start)).member("endSec", seconds(e.end));
    w.member("meanBpm", round_to(e.rateBpm, 1)).member("beats", e.beats).close('}');
  }
  w.close(']').member("relabelledA", s.afRelabelled).close('}');

  w.key("pauses").open('[');
  for (const Pause& p : s.pauses) {
    w.open('{').member("startSec", seconds(p.start)).member("durationSec", round_to(p.durationSec, 3));
    if (p.flagged) w.member("flagged", true);
    w.close('}');
  }
  w.close(']');

  w.key("hrv").open('{').member("sdnnMs", rounded(s.hrv.sdnnMs, 1)).member("sdannMs", rounded(s.hrv.sdannMs, 1));
  w.member("sdnnIndexMs", rounded(s.hrv.sdnnIndexMs, 1)).member("rmssdMs", rounded(s.hrv.rmssdMs, 1));
  w.member("pnn50Percent", rounded(s.hrv.pnn50Percent, 2)).member("nnCount", s.hrv.nnCount).close('}');

  w.key("hourly").open('[');
  for (const HourRow& h : s.hourly) {
    w.open('{').member("startSec", h.startSec).member("beats", h.beats).member("meanBpm", rounded(h.meanBpm, 1));
    w.member("minBpm", rounded(h.minBpm, 1)).member("maxBpm", rounded(h.maxBpm, 1)).member("V", h.v).member("A", h.a);
    w.member("pauses", h.pauses).member("afSec", round_to(h.afSec, 1)).close('}');
  }
  w.close(']');
  if (s.unlabelled > 0) w.member("unlabelled", s.unlabelled);
  w.close('}');
}

}  // namespace

std::string to_json_string(const Result& r) {
  JsonText w;
  w.open('{').member("record", r.record).member("sampleRate", r.sampleRate).member("lead", r.lead);
  w.member("leadIndex", r.leadIndex).member("durationSec", round_to(r.durationSec, 2));
  w.member("beatSource", r.beatSource == BeatSource::Reference ? "reference" : "detect").key("model");
  if (r.hasModel) w.open('{').member("name", r.modelName).member("parameters", r.modelParameters).close('}');
  else w.null();
  w.key("warnings").open('[');
  for (const Warning& x : r.warnings) w.open('{').member("code", x.code).member("message", x.message).close('}');
  w.close(']').key("beats");
  write_beats(w, r);
  w.key("summary");
  write_summary(w, r);
  w.key("timing").open('{').member("readMs", round_to(r.timing.readMs, 2)).member("detectMs", round_to(r.timing.detectMs, 2));
  w.member("classifyMs", round_to(r.timing.classifyMs, 2)).member("totalMs", round_to(r.timing.totalMs, 2)).close('}');
  w.close('}');
  return std::move(w.out);
}

nlohmann::ordered_json to_json(const Result& r) { return nlohmann::ordered_json::parse(to_json_string(r)); }

}  // namespace av::pipeline
