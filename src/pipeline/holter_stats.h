#pragma once
// The Holter parts of the summary that depend on RR intervals: heart rate with its times, pauses, HRV and
// the hourly rows. summarize() puts them together.
#include <vector>

#include "pipeline/summary.h"

namespace av::pipeline {

HeartRate heart_rate(const std::vector<BeatLabel>& beats, double sampleRate);
// RR ≥ options.pauseSec between two beats of usable signal, with no unusable stretch in between.
std::vector<Pause> find_pauses(const std::vector<BeatLabel>& beats, double sampleRate, const SummaryOptions& options,
                               const std::vector<SampleSpan>& unusable = {});
// NN intervals join consecutive beats both labelled N, L or R, neither noisy.
Hrv heart_rate_variability(const std::vector<BeatLabel>& beats, double sampleRate);
// One row per kHourSec from the record start up to lengthSamples (or the last beat).
std::vector<HourRow> hourly_rows(const std::vector<BeatLabel>& beats, double sampleRate, int64_t lengthSamples,
                                 const std::vector<Pause>& pauses, const std::vector<AfEpisode>& af);

}  // namespace av::pipeline
