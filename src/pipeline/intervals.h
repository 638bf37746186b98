#pragma once
// Intervals of the median beat (RR, QRS width, QT, QTc by Bazett and Fridericia), measured in C++ on the
// record's own beats:
//   beats     up to kMedianBeats beats labelled N, usable, in steady rhythm (the RR before and after within
//             15 % of each other, 0.4-2 s), the first ones in the record, so any chunking picks the same;
//   median    their windows (-0.35 s to +0.75 s around the R peak, 360 Hz, re-read from the source), each
//             with its PR baseline subtracted, 40 Hz low-passed, medianed sample by sample;
//   Q onset   before the R peak, the last point where the slope is below 3 % of the QRS's largest slope
//             for 10 ms; J point likewise after it;
//   T end     after the steepest point of the T wave's descent, the first point where the slope has fallen
//             to 10 % of that steepest slope (the T wave is back at its level; the tangent method ends
//             15-40 ms earlier on these beats, where a reader sees the T wave still going);
//   QT        T end - Q onset (none when the T wave is under 10 % of the R wave: too flat to place its end);
//             QTc = QT / RR^(1/2) (Bazett) and QT / RR^(1/3) (Fridericia), RR the median RR.
#include <cstdint>
#include <optional>
#include <vector>

#include "pipeline/stream.h"

namespace av::pipeline {

inline constexpr size_t kMedianBeats = 200;
inline constexpr size_t kMinMedianBeats = 8;

// beats: the result's beats (input-rate samples, labels, noisy flags); empty when too few qualify or the T
// wave cannot be measured.
std::optional<BeatIntervals> measure_intervals(SampleSource& source, const std::vector<BeatResult>& beats);

// The measurement alone, on a median beat at 360 Hz that starts 0.35 s before its R peak.
std::optional<BeatIntervals> measure_median_beat(std::vector<float> medianBeat, double rrSec);

}  // namespace av::pipeline
