#include "pipeline/analyze.h"

#include <algorithm>
#include <cstdio>
#include <cmath>
#include <span>

#include "core/error.h"
#include "core/limits.h"
#include "core/stopwatch.h"
#include "pipeline/stream.h"

namespace av::pipeline {
namespace {

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
  const Stopwatch start;
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
  result.timing.totalMs = options.readMs + start.elapsed_ms();
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
    if (beats[i].modelLabel < 0) beats[i].modelLabel = beats[i].label;
    beats[i].label = labels[i].label;
  }
  Summary s = summarize(labels, fs, lengthSamples, options, af, quality);
  s.afRelabelled = relabelled.size();
  return s;
}

}  // namespace av::pipeline
