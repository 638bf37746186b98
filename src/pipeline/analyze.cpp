#include "pipeline/analyze.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cmath>
#include <nlohmann/json.hpp>
#include <span>

#include "core/error.h"
#include "core/limits.h"
#include "pipeline/stream.h"

namespace av::pipeline {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Rounds to `decimals` places; dividing by an exact power of ten prints as the short decimal.
double round_to(double value, int decimals) {
  const double scale = std::pow(10.0, decimals);
  const double r = std::round(value * scale) / scale;
  return r == 0 ? 0.0 : r;  // no "-0" in the JSON
}

void report(const AnalyzeOptions& options, std::string_view stage, double fraction) {
  if (options.progress) options.progress(stage, fraction);
}

std::vector<int64_t> reference_beats(const Record& record) {
  std::vector<int64_t> positions = beat_annotation_samples(record.annotations, static_cast<int64_t>(record.length()));
  if (positions.empty())
    throw Error("no_reference_annotations", "--beats reference needs beat annotations (an .atr beside the header)");
  return positions;
}

}  // namespace

Result analyze(const Record& record, Classifier* classifier, const AnalyzeOptions& options) {
  // A lead with a rate of its own (multi-frequency WFDB records, EDF signals at other rates) is analysed at it.
  if (const int own = record.leads.empty() ? -1 : resolve_lead(record, options.lead);
      own >= 0 && record.leads[static_cast<size_t>(own)].sampleRate > 0 &&
      record.leads[static_cast<size_t>(own)].sampleRate != record.sampleRate) {
    AnalyzeOptions atRate = options;
    atRate.lead = std::to_string(own);
    return analyze(at_lead_rate(record, own), classifier, atRate);
  }
  const auto start = Clock::now();
  if (!(record.sampleRate > 0) || !std::isfinite(record.sampleRate))
    throw Error("invalid_sample_rate", "the record's sampling rate must be a positive number");
  limits::check_analysis_sample_rate(record.sampleRate);  // the same range as the chunked analysis
  const int leadIndex = resolve_lead(record, options.lead);
  const Lead& lead = record.leads[static_cast<size_t>(leadIndex)];
  if (lead.samples.empty()) throw Error("empty_signal", "lead '" + lead.name + "' has no samples");

  Result result;
  result.record = record.name;
  result.sampleRate = record.sampleRate;
  result.lead = lead.name;
  result.leadIndex = leadIndex;
  result.durationSec = record.durationSec();
  result.beatSource = options.beats;
  result.timing.readMs = options.readMs;
  if (classifier) {
    result.hasModel = true;
    result.modelName = classifier->name();
    result.modelParameters = classifier->parameters();
  }

  // One road for detected and reference beats: the lead as a source, the chunked analysis run to the end
  // (pipeline/stream.h), whose values equal a whole-record computation whatever the chunk size.
  report(options, "detect", 0.0);
  StreamOptions so;
  so.analyze = options;
  so.analyze.progress = [&](std::string_view stage, double fraction) {
    if (stage != "done") report(options, "detect", 0.95 * fraction);
  };
  std::vector<int64_t> reference;
  if (options.beats == BeatSource::Reference) reference = reference_beats(record);
  const Result chunked = analyze_chunked(std::make_unique<RecordLeadSource>(record, leadIndex),
                                         {record.name, lead.name, leadIndex, std::move(reference)}, classifier, so);
  result.beats = chunked.beats;
  result.timing.detectMs = chunked.timing.detectMs;
  result.timing.classifyMs = chunked.timing.classifyMs;
  result.summary = chunked.summary;
  result.warnings = chunked.warnings;
  result.timing.totalMs = options.readMs + ms_since(start);
  report(options, "done", 1.0);
  return result;
}

Summary summarize_beats(std::vector<BeatResult>& beats, double fs, int64_t lengthSamples,
                        const SummaryOptions& options, SignalQuality quality) {
  std::vector<BeatLabel> labels(beats.size());
  size_t u = 0;
  quality.noisyBeats = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    const int64_t s = beats[i].sample;
    while (u < quality.unusable.size() && quality.unusable[u].end <= s) ++u;
    beats[i].noisy = u < quality.unusable.size() && quality.unusable[u].start <= s;
    quality.noisyBeats += beats[i].noisy;
    labels[i] = {s, beats[i].label, beats[i].noisy, beats[i].pWaveCorr};
  }
  std::vector<size_t> relabelled;
  const std::vector<AfEpisode> af = find_af(labels, fs, options, &relabelled);
  for (const AfEpisode& e : af)
    for (size_t i = e.firstBeat; i <= e.lastBeat; ++i) beats[i].af = true;
  for (size_t i : relabelled) {
    beats[i].modelLabel = beats[i].label;
    beats[i].label = labels[i].label;
  }
  Summary s = summarize(labels, fs, lengthSamples, options, af, quality);
  s.afRelabelled = relabelled.size();
  return s;
}

namespace {

nlohmann::ordered_json document(const Result& r, bool beatsToo) {
  using json = nlohmann::ordered_json;
  const double fs = r.sampleRate;
  auto seconds = [fs](int64_t sample) { return round_to(static_cast<double>(sample) / fs, 3); };
  auto episode = [&](const Episode& e, bool withRate, bool withCycles) {
    json j = {{"start", e.start}, {"end", e.end}, {"startTime", seconds(e.start)}, {"endTime", seconds(e.end)},
              {"beats", e.beats}};
    if (withRate) j["rateBpm"] = round_to(e.rateBpm, 1);
    if (withCycles) j["cycles"] = e.cycles;
    return j;
  };
  auto episodes = [&](const std::vector<Episode>& list, bool withRate, bool withCycles) {
    json a = json::array();
    for (const auto& e : list) a.push_back(episode(e, withRate, withCycles));
    return a;
  };
  auto bpm = [](const std::optional<double>& v) { return v ? json(round_to(*v, 2)) : json(nullptr); };

  json beats = json::array();
  for (const auto& b : r.beats) {
    if (!beatsToo) break;
    json j = {{"sample", b.sample}, {"time", seconds(b.sample)}};
    if (b.label >= 0) {
      j["label"] = kClassSymbols[b.label];
      if (b.modelLabel >= 0) j["modelLabel"] = kClassSymbols[b.modelLabel];
      json p = json::object();
      for (int c = 0; c < 5; ++c) p[kClassSymbols[c]] = round_to(b.probabilities[static_cast<size_t>(c)], 6);
      j["probabilities"] = std::move(p);
    }
    if (b.af) j["rhythm"] = "AF";
    if (b.noisy) j["noisy"] = true;
    beats.push_back(std::move(j));
  }

  const Summary& s = r.summary;
  auto opt = [](const std::optional<double>& v, int digits) { return v ? json(round_to(*v, digits)) : json(nullptr); };
  auto ectopy = [&](const Ectopy& e) {
    auto run = [&](const std::optional<Episode>& x) { return x ? episode(*x, true, false) : json(nullptr); };
    return json{{"isolated", e.isolated}, {"couplets", e.couplets}, {"triplets", e.triplets}, {"runs", e.runs},
                {"sustainedRuns", e.sustainedRuns}, {"longestRun", run(e.longestRun)},
                {"fastestRun", run(e.fastestRun)}};
  };
  json afEpisodes = json::array();
  for (const AfEpisode& e : s.af.episodes)
    afEpisodes.push_back({{"startSec", seconds(e.start)}, {"endSec", seconds(e.end)},
                          {"meanBpm", round_to(e.meanBpm, 1)}, {"beats", e.beats}});
  json af = {{"burdenPercent", round_to(s.af.burdenPercent, 2)}, {"episodes", std::move(afEpisodes)},
             {"relabelledA", s.afRelabelled}};
  json unusable = json::array();
  for (size_t k = 0; k < s.signalQuality.unusable.size(); ++k) {
    const SampleSpan& u = s.signalQuality.unusable[k];
    unusable.push_back({{"startSec", seconds(u.start)}, {"endSec", seconds(u.end)},
                        {"reason", k < s.signalQuality.reasons.size() ? s.signalQuality.reasons[k] : "noisy"}});
  }
  json signalQuality = {{"usablePercent", round_to(s.signalQuality.usablePercent, 2)},
                        {"unusable", std::move(unusable)}, {"noisyBeats", s.signalQuality.noisyBeats}};
  json intervals = nullptr;
  if (const auto& iv = s.intervals) {
    json beat = json::array();
    for (float v : iv->medianBeat) beat.push_back(round_to(v, 4));
    const double ms = 1000.0 / 360.0;
    intervals = {{"beats", iv->beats}, {"rrMs", round_to(iv->rrMs, 1)}, {"qrsMs", round_to(iv->qrsMs, 1)},
                 {"qtMs", round_to(iv->qtMs, 1)}, {"qtcBazettMs", round_to(iv->qtcBazettMs, 1)},
                 {"qtcFridericiaMs", round_to(iv->qtcFridericiaMs, 1)},
                 {"method", "median of up to 200 steady N beats; Q onset and J point where the slope falls below "
                            "3 % of the QRS's largest for 10 ms; T end where the T wave's descent has slowed to 10 % "
                            "of its steepest slope; none when the T wave is under 10 % of the R wave"},
                 {"medianBeat", {{"sampleRate", 360}, {"startMs", -350}, {"values", std::move(beat)},
                                 {"qOnsetMs", round_to(iv->qOnset * ms - 350, 1)}, {"rPeakMs", round_to(iv->rPeak * ms - 350, 1)},
                                 {"jPointMs", round_to(iv->jPoint * ms - 350, 1)}, {"tPeakMs", round_to(iv->tPeak * ms - 350, 1)},
                                 {"tEndMs", round_to(iv->tEnd * ms - 350, 1)}}}};
  }
  json flutter = json::array();
  for (const SampleSpan& f : s.ventricularFlutter) flutter.push_back({{"startSec", seconds(f.start)}, {"endSec", seconds(f.end)}});
  json pauses = json::array();
  for (const Pause& p : s.pauses) {
    json j = {{"startSec", seconds(p.start)}, {"durationSec", round_to(p.durationSec, 3)}};
    if (p.flagged) j["flagged"] = true;
    pauses.push_back(std::move(j));
  }
  json hourly = json::array();
  for (const HourRow& h : s.hourly)
    hourly.push_back({{"startSec", h.startSec}, {"beats", h.beats}, {"meanBpm", opt(h.meanBpm, 1)},
                      {"minBpm", opt(h.minBpm, 1)}, {"maxBpm", opt(h.maxBpm, 1)}, {"V", h.v}, {"A", h.a},
                      {"pauses", h.pauses}, {"afSec", round_to(h.afSec, 1)}});
  json counts = json::object();
  for (int c = 0; c < 5; ++c) counts[kClassSymbols[c]] = s.counts[static_cast<size_t>(c)];
  json summary = {
      {"beatCount", s.beatCount},
      {"counts", counts},
      {"heartRate",
       {{"meanBpm", bpm(s.heartRate.meanBpm)},
        {"minBpm", bpm(s.heartRate.minBpm)},
        {"maxBpm", bpm(s.heartRate.maxBpm)},
        {"minTimeSec", opt(s.heartRate.minTimeSec, 2)},
        {"maxTimeSec", opt(s.heartRate.maxTimeSec, 2)},
        {"window", "mean of " + std::to_string(kHeartRateWindowBeats) +
                       " consecutive RR intervals, sliding by one beat; RR outside 0.2-3 s ignored"}}},
      {"burden", {{"V", round_to(s.burdenPercent[0], 2)}, {"A", round_to(s.burdenPercent[1], 2)}}},
      {"events",
       {{"couplets", episodes(s.couplets, false, false)},
        {"vRuns", episodes(s.vRuns, true, false)},
        {"bigeminy", episodes(s.bigeminy, false, true)},
        {"trigeminy", episodes(s.trigeminy, false, true)},
        {"svRuns", episodes(s.svRuns, true, false)}}},
      {"ventricular", ectopy(s.ventricular)},
      {"supraventricular", ectopy(s.supraventricular)},
      {"signalQuality", signalQuality},
      {"ventricularFlutter", flutter},
      {"intervals", intervals},
      {"af", af},
      {"pauses", pauses},
      {"hrv",
       {{"sdnnMs", opt(s.hrv.sdnnMs, 1)},
        {"sdannMs", opt(s.hrv.sdannMs, 1)},
        {"sdnnIndexMs", opt(s.hrv.sdnnIndexMs, 1)},
        {"rmssdMs", opt(s.hrv.rmssdMs, 1)},
        {"pnn50Percent", opt(s.hrv.pnn50Percent, 2)},
        {"nnCount", s.hrv.nnCount}}},
      {"hourly", hourly},
  };
  if (s.unlabelled > 0) summary["unlabelled"] = s.unlabelled;

  json j;
  j["record"] = r.record;
  j["sampleRate"] = r.sampleRate;
  j["lead"] = r.lead;
  j["leadIndex"] = r.leadIndex;
  j["durationSec"] = round_to(r.durationSec, 2);
  j["beatSource"] = r.beatSource == BeatSource::Reference ? "reference" : "detect";
  j["model"] = r.hasModel ? json{{"name", r.modelName}, {"parameters", r.modelParameters}} : json(nullptr);
  json warnings = json::array();
  for (const Warning& w : r.warnings) warnings.push_back({{"code", w.code}, {"message", w.message}});
  j["warnings"] = std::move(warnings);
  j["beats"] = std::move(beats);
  j["summary"] = std::move(summary);
  j["timing"] = {{"readMs", round_to(r.timing.readMs, 2)},
                 {"detectMs", round_to(r.timing.detectMs, 2)},
                 {"classifyMs", round_to(r.timing.classifyMs, 2)},
                 {"totalMs", round_to(r.timing.totalMs, 2)}};
  return j;
}

}  // namespace

nlohmann::ordered_json to_json(const Result& r) { return document(r, true); }

std::string to_json_string(const Result& r) {
  // Everything but the beats through nlohmann, then the beats array written straight into its place
  // (the first "beats":[] of the text is the key: string values have their quotes escaped).
  const std::string rest = document(r, false).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  const std::string key = "\"beats\":[]";
  const size_t at = rest.find(key);
  std::string out;
  out.reserve(rest.size() + r.beats.size() * (r.hasModel ? 120 : 32));
  out.append(rest, 0, at + key.size() - 1);
  char buf[64];
  auto number = [&](double x, const char* format) {
    if (!std::isfinite(x)) return out.append("null"), void();
    int len = std::snprintf(buf, sizeof buf, format, x);
    out.append(buf, static_cast<size_t>(len));
  };
  for (size_t i = 0; i < r.beats.size(); ++i) {
    const BeatResult& b = r.beats[i];
    out.append(i ? ",{\"sample\":" : "{\"sample\":");
    out.append(std::to_string(b.sample));
    out.append(",\"time\":");
    number(round_to(static_cast<double>(b.sample) / r.sampleRate, 3), "%.3f");
    if (b.label >= 0) {
      out.append(",\"label\":\"").append(kClassSymbols[b.label]).push_back('"');
      if (b.modelLabel >= 0) out.append(",\"modelLabel\":\"").append(kClassSymbols[b.modelLabel]).push_back('"');
      out.append(",\"probabilities\":{");
      for (int c = 0; c < 5; ++c) {
        out.append(c ? ",\"" : "\"").append(kClassSymbols[c]).append("\":");
        number(round_to(b.probabilities[static_cast<size_t>(c)], 6), "%.6f");
      }
      out.push_back('}');
    }
    if (b.af) out.append(",\"rhythm\":\"AF\"");
    if (b.noisy) out.append(",\"noisy\":true");
    out.push_back('}');
  }
  out.append(rest, at + key.size() - 1, std::string::npos);
  return out;
}

}  // namespace av::pipeline
