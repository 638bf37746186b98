#pragma once
// Record-level summary built from labelled beats: class counts, heart rate, ectopic burden, rhythm events,
// AF, pauses, HRV and hourly rows (the Holter summary). The definitions are in the README.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/af_detect.h"
#include "pipeline/beat_label.h"
#include "pipeline/ectopy.h"

namespace av::pipeline {

struct HeartRate {
  std::optional<double> meanBpm, minBpm, maxBpm;  // empty when fewer than two beats
  std::optional<double> minTimeSec, maxTimeSec;   // middle of the window with the lowest / highest rate
};

struct Pause {
  size_t beat = 0;       // the beat that opens the pause
  int64_t start = 0;     // its sample
  double durationSec = 0;
  bool flagged = false;  // ≥ SummaryOptions::flaggedPauseSec
};

struct Hrv {
  std::optional<double> sdnnMs, sdannMs, sdnnIndexMs, rmssdMs, pnn50Percent;
  size_t nnCount = 0;
};

struct HourRow {
  double startSec = 0;
  size_t beats = 0;
  std::optional<double> meanBpm, minBpm, maxBpm;
  size_t v = 0, a = 0, pauses = 0;
  double afSec = 0;
};

// Ventricular (V) or supraventricular (A) ectopy: isolated beats, couplets, runs of ≥ 3 (triplets are the runs
// of exactly 3; sustained runs last ≥ 30 s), the longest and the fastest run.
struct Ectopy {
  size_t isolated = 0, couplets = 0, triplets = 0, runs = 0, sustainedRuns = 0;
  std::optional<Episode> longestRun, fastestRun;
};

// A stretch of samples [start, end) at the input's rate.
struct SampleSpan {
  int64_t start = 0, end = 0;
};

struct SignalQuality {
  std::vector<SampleSpan> unusable;  // merged, in order
  std::vector<std::string> reasons;  // per stretch: flat, clipped or noisy (the first segment's)
  double usablePercent = 100;
  size_t noisyBeats = 0;             // beats inside the unusable stretches
};

struct Af {
  double burdenPercent = 0;  // time in AF episodes, % of the record
  std::vector<AfEpisode> episodes;
};

// Intervals of the median beat (pipeline/intervals.h).
struct BeatIntervals {
  size_t beats = 0;  // beats in the median
  double rrMs = 0, qrsMs = 0, qtMs = 0, qtcBazettMs = 0, qtcFridericiaMs = 0;
  // The median beat at 360 Hz from -0.35 s, and the measured points (indices into it).
  std::vector<float> medianBeat;
  int qOnset = 0, rPeak = 0, jPoint = 0, tPeak = 0, tEnd = 0;
};

struct Summary {
  size_t beatCount = 0;
  size_t unlabelled = 0;
  std::array<size_t, 5> counts{};
  HeartRate heartRate;
  std::array<double, 2> burdenPercent{};  // {V, A}: % of labelled beats
  std::vector<Episode> couplets, vRuns, bigeminy, trigeminy, svRuns;
  Ectopy ventricular, supraventricular;
  Af af;
  std::vector<Pause> pauses;
  Hrv hrv;
  std::vector<HourRow> hourly;
  size_t afRelabelled = 0;  // beats the classifier called A inside AF, counted as N
  SignalQuality signalQuality;
  // Ventricular flutter/fibrillation found by the detector (its beats are not counted); set by the stream.
  std::vector<SampleSpan> ventricularFlutter;
  std::optional<BeatIntervals> intervals;  // set by the stream
};

struct SummaryOptions {
  double pauseSec = 2.0;         // an RR at least this long is a pause
  double flaggedPauseSec = 3.0;  // pauses at least this long are flagged
  AfOptions af;
  // Inside AF a beat called A is counted as N: a premature atrial beat has no meaning without a sinus
  // rhythm, and MIT-BIH labels the conducted beats of AF N.
  bool afRelabel = true;
};

// Heart-rate windows for min/max: mean rate over this many consecutive RR intervals, sliding one beat at a time.
inline constexpr size_t kHeartRateWindowBeats = 8;
// A run of ectopic beats at least this long is sustained.
inline constexpr double kSustainedRunSec = 30.0;
// HRV segments for SDANN and the SDNN index, counted from the record start.
inline constexpr double kHrvSegmentSec = 300.0;
inline constexpr double kHourSec = 3600.0;

// AF episodes of the beats; with options.afRelabel, beats labelled A inside them become N (their indices are
// appended to `relabelled` when given).
std::vector<AfEpisode> find_af(std::vector<BeatLabel>& beats, double sampleRate, const SummaryOptions& options,
                               std::vector<size_t>* relabelled = nullptr);

// Summarises beats in sample order; sampleRate > 0 (Hz at the input's rate); lengthSamples is the record's
// length (0: up to the last beat). `af` are the episodes of find_af() on the same beats; `quality` the
// unusable stretches (beats flagged noisy take no part in counts, burden, events, HRV and pauses).
Summary summarize(const std::vector<BeatLabel>& beats, double sampleRate, int64_t lengthSamples = 0,
                  const SummaryOptions& options = {}, const std::vector<AfEpisode>& af = {},
                  const SignalQuality& quality = {});

}  // namespace av::pipeline
