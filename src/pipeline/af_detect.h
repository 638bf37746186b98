#pragma once
// Atrial fibrillation from RR irregularity and absent P waves, robust to ventricular ectopy.
//
// For every pair of successive RR intervals whose three beats are not labelled V, the relative difference
// d = |RR2 − RR1| / mean(RR1, RR2). A beat's irregularity is a low quantile (the 30th percentile) of d over
// the nearest `windowBeats` such pairs: it is high only when most of the window is irregular, so isolated
// ectopics and pauses do not raise it, while AF, which is irregular almost beat to beat, does. An AF
// episode is a run of beats whose irregularity exceeds the threshold, lasting at least minEpisodeSec, less the
// ventricular runs, bigeminy and trigeminy inside it (pipeline/ectopy.h), which are the ventricular rhythm.
// Beats labelled A stay in the measure: for a patient it never saw, the classifier calls many AF beats A.
// Leaving them out looked good with the default model over MIT-BIH (duration Se 0.953, PPV 0.924), whose A
// labels there are in-sample, but with the DS1 model on DS2 the duration Se fell from 0.97 to 0.78.
// P waves (context models): an irregular stretch whose beats share a P wave is not AF (AfOptions::pWaveMax).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "pipeline/beat_label.h"
#include "pipeline/ectopy.h"

namespace av::pipeline {

struct AfOptions {
  size_t windowBeats = 128;
  double quantile = 0.3;
  // Chosen over the 48 MIT-BIH records with pWaveMax; `av-af-eval --loro` re-chooses both leaving each
  // record out.
  double threshold = 0.040;
  double minEpisodeSec = 30.0;
  double maxRrSec = 3.0;  // longer intervals are gaps or pauses and take no part
  // P waves: where the median P-wave correlation (BeatLabel::pWave) of the nearest windowBeats beats reaches
  // this, the rhythm is not AF, however irregular (sinus arrhythmia, frequent atrial ectopy): over MIT-BIH the
  // median is 0.04-0.26 inside AF and above 0.8 in most sinus rhythm. Above 1: off. Without P-wave values
  // (single-beat models) only the RR irregularity counts.
  double pWaveMax = 0.40;
  // Where fewer than this share of the windowBeats beats around a beat give a usable pair (frequent ectopy,
  // noise, long pauses), the few pairs left say nothing about the rhythm: the irregularity is 0 there.
  double minUsableShare = 0.3;
  // Ventricular runs (≥ 3 V), bigeminy and trigeminy inside an episode interrupt it: that time is the
  // ventricular rhythm (MIT-BIH annotates it so), and the stretches between stay AF however short.
  bool splitAtVentricularRhythm = true;
};

using AfEpisode = Episode;  // rateBpm: the mean heart rate inside the episode

// Per beat irregularity (see above); negative where fewer than 8 usable pairs exist in the whole record, 0 where
// too few of the beats around give one (AfOptions::minUsableShare).
std::vector<double> rr_irregularity(const std::vector<BeatLabel>& beats, double sampleRate, const AfOptions& options);

// Per beat median P-wave correlation over the nearest windowBeats beats that have one; NaN where none has.
std::vector<double> p_wave_presence(const std::vector<BeatLabel>& beats, const AfOptions& options);

// The irregularity with the P-wave evidence applied: 0 where the median P-wave correlation reaches pWaveMax.
std::vector<double> af_evidence(std::vector<double> irregularity, const std::vector<double>& pWavePresence,
                                const AfOptions& options);

// Both together, as the pipeline uses them: the RR irregularity, with the P-wave evidence when pWaveMax is on.
std::vector<double> af_evidence(const std::vector<BeatLabel>& beats, double sampleRate, const AfOptions& options);

// AF episodes from the irregularity of rr_irregularity() (or af_evidence()): runs above the threshold, widened,
// of at least minEpisodeSec, less the ventricular rhythms inside them (AfOptions::splitAtVentricularRhythm).
std::vector<AfEpisode> af_episodes(const std::vector<BeatLabel>& beats, const std::vector<double>& irregularity,
                                   double sampleRate, const AfOptions& options);

}  // namespace av::pipeline
