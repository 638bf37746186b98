#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "dsp/beats.h"
#include "dsp/match_beats.h"
#include "dsp/qrs.h"
#include "dsp/resample.h"

using namespace av::dsp;

namespace {
// A synthetic ECG at `fs`: P, QRS and T as Gaussians, irregular RR, baseline wander and noise.
struct Synthetic {
  std::vector<float> x;
  std::vector<int64_t> r;  // true R peaks (input rate)
};
Synthetic synthetic_ecg(double fs, double seconds, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> rr(0.6, 1.1);
  std::normal_distribution<double> noise(0.0, 0.01);
  Synthetic s;
  s.x.resize(static_cast<size_t>(seconds * fs));
  std::vector<double> beats;
  for (double t = 0.5; t < seconds - 0.5; t += rr(rng)) beats.push_back(t);
  for (size_t i = 0; i < s.x.size(); ++i) {
    const double t = i / fs;
    double v = 0.4 * std::sin(2 * M_PI * 0.15 * t) + noise(rng);
    for (double b : beats) {
      if (std::fabs(t - b) > 0.6) continue;
      auto g = [&](double c, double w, double a) { return a * std::exp(-0.5 * (t - c) * (t - c) / (w * w)); };
      v += g(b - 0.16, 0.02, 0.12) + g(b - 0.025, 0.008, -0.15) + g(b, 0.01, 1.3) + g(b + 0.03, 0.01, -0.3) +
           g(b + 0.28, 0.05, 0.35);
    }
    s.x[i] = static_cast<float>(v);
  }
  for (double b : beats) s.r.push_back(static_cast<int64_t>(std::lround(b * fs)));
  return s;
}
}  // namespace

TEST_CASE("detect_qrs finds every synthetic beat at the input's own rate", "[dsp][qrs]") {
  for (double fs : {360.0, 250.0, 128.0, 500.0}) {
    const Synthetic s = synthetic_ecg(fs, 60.0, 7);
    const auto peaks = detect_qrs(s.x, fs);
    INFO("fs=" << fs);
    const BeatMatch m = match_beats(s.r, peaks, static_cast<int64_t>(std::lround(0.15 * fs)));
    CHECK(m.missed.empty());
    CHECK(m.extra.empty());
    for (auto [ri, di] : m.pairs) CHECK(std::llabs(peaks[di] - s.r[ri]) <= std::max(1.0, fs / 360.0) + 1);
  }
}

TEST_CASE("a flat or empty signal has no beats", "[dsp][qrs]") {
  CHECK(detect_qrs(std::vector<float>(3600, 0.25f), 360.0).empty());
  CHECK(detect_qrs(std::vector<float>{}, 360.0).empty());
  CHECK(detect_qrs(std::vector<float>(5, 1.0f), 360.0).empty());
}

TEST_CASE("reference positions a few samples off refine to the same R peak and window", "[dsp][beats]") {
  const double fs = 250.0;
  const Synthetic s = synthetic_ecg(fs, 30.0, 11);
  BeatWindowSpec spec;
  const PreparedBeats exact = prepare_beats(s.x, fs, spec, &s.r);
  REQUIRE(exact.count() == s.r.size());
  for (int shift : {-6, -3, 2, 5}) {
    std::vector<int64_t> moved;
    for (int64_t r : s.r) moved.push_back(r + shift);
    const PreparedBeats off = prepare_beats(s.x, fs, spec, &moved);
    REQUIRE(off.count() == exact.count());
    CHECK(off.sample360 == exact.sample360);
    CHECK(off.windows == exact.windows);
  }
  // Detections go through the same rule, so they land on the same samples as the references.
  const PreparedBeats detected = prepare_beats(s.x, fs, spec);
  CHECK(detected.sample360 == exact.sample360);
  CHECK(detected.sample == exact.sample);
  for (size_t i = 0; i < exact.count(); ++i) CHECK(std::llabs(exact.sample[i] - s.r[i]) <= 1);
}

TEST_CASE("beat windows are z-scored, centred on the R peak and edge padded", "[dsp][beats]") {
  BeatWindowSpec spec;
  REQUIRE(spec.length() == 256);
  std::vector<float> sig(1000);
  for (size_t i = 0; i < sig.size(); ++i) sig[i] = static_cast<float>(std::sin(i * 0.05) + (i == 500 ? 3.0 : 0.0));
  std::vector<float> w(256);
  extract_window(sig, 500, spec, w.data());
  double mean = 0, var = 0;
  for (float v : w) mean += v;
  mean /= 256;
  for (float v : w) var += (v - mean) * (v - mean);
  CHECK(mean == Approx(0.0).margin(1e-5));
  CHECK(std::sqrt(var / 256) == Approx(1.0).epsilon(1e-4));
  CHECK(std::max_element(w.begin(), w.end()) - w.begin() == spec.before);
  // A beat at sample 0: the 90 samples before it repeat the first sample.
  extract_window(sig, 0, spec, w.data());
  for (int i = 0; i < spec.before; ++i) CHECK(w[i] == w[spec.before]);
  // A beat at the end: the samples after it repeat the last sample.
  extract_window(sig, 999, spec, w.data());
  for (int i = spec.before; i < 256; ++i) CHECK(w[i] == w[spec.before]);
  // A flat window divides by the floor: all zeros, no NaN.
  std::vector<float> flat(400, 0.7f);
  extract_window(flat, 200, spec, w.data());
  for (float v : w) CHECK(v == 0.0f);
  // stdFloor applies: a tiny wiggle is scaled by 1/0.01, not blown up to unit variance.
  std::vector<float> tiny(400, 0.0f);
  tiny[200] = 0.001f;
  extract_window(tiny, 200, spec, w.data());
  CHECK(w[spec.before] == Approx((0.001 - 0.001 / 256) / 0.01).epsilon(1e-3));
}

TEST_CASE("prepare_beats maps positions between rates and keeps every reference", "[dsp][beats]") {
  const double fs = 500.0;
  const Synthetic s = synthetic_ecg(fs, 20.0, 3);
  std::vector<int64_t> refs = s.r;
  refs.insert(refs.begin(), 2);                             // near the start: still gets a padded window
  refs.push_back(static_cast<int64_t>(s.x.size()) - 1);     // the last sample
  refs.push_back(static_cast<int64_t>(s.x.size()) + 100);   // outside the signal: dropped
  const PreparedBeats b = prepare_beats(s.x, fs, BeatWindowSpec{}, &refs);
  CHECK(b.count() == refs.size() - 1);
  CHECK(b.windows.size() == b.count() * 256);
  for (size_t i = 0; i < b.count(); ++i) {
    CHECK(b.sample[i] >= 0);
    CHECK(b.sample[i] < static_cast<int64_t>(s.x.size()));
    CHECK(std::llabs(b.sample[i] - map_index(b.sample360[i], 360.0, fs)) <= 1);
  }
}

TEST_CASE("match_beats pairs nearest beats within the window", "[dsp][match]") {
  const std::vector<int64_t> ref = {100, 400, 700, 1000};
  const std::vector<int64_t> det = {95, 150, 380, 430, 700, 1300};
  const BeatMatch m = match_beats(ref, det, 54);
  using P = std::pair<size_t, size_t>;
  CHECK(m.pairs == std::vector<P>{P{0, 0}, P{1, 2}, P{2, 4}});
  CHECK(m.missed == std::vector<size_t>{3});
  CHECK(m.extra == std::vector<size_t>{1, 3, 5});
  const DetectionScore sc = score(m, ref.size(), det.size());
  CHECK(sc.tp == 3);
  CHECK(sc.fp == 3);
  CHECK(sc.sensitivity() == Approx(75.0));
  CHECK(sc.positivePredictivity() == Approx(50.0));
  // The nearest pair wins even when an earlier reference could also take the detection.
  const std::vector<int64_t> r2 = {100, 200}, d2 = {160};
  const BeatMatch m2 = match_beats(r2, d2, 70);
  CHECK(m2.pairs == std::vector<P>{P{1, 0}});
  CHECK(m2.missed == std::vector<size_t>{0});
  // A detection exactly `window` away still matches; one sample further does not.
  CHECK(match_beats(std::vector<int64_t>{100}, std::vector<int64_t>{154}, 54).pairs.size() == 1);
  CHECK(match_beats(std::vector<int64_t>{100}, std::vector<int64_t>{155}, 54).pairs.empty());
}

TEST_CASE("exclude_intervals drops positions inside half-open intervals", "[dsp][match]") {
  const std::vector<int64_t> pos = {10, 20, 30, 40, 50};
  const std::vector<std::pair<int64_t, int64_t>> iv = {{20, 31}, {50, 60}};
  CHECK(exclude_intervals(pos, iv) == std::vector<int64_t>{10, 40});
}

TEST_CASE("detect_flutter flags a fast sinusoid and leaves a fast spiky rhythm alone", "[dsp][qrs]") {
  const double fs = 360.0;
  // 4 Hz sinusoid for 12 s, "beats" every quarter second: ventricular flutter.
  std::vector<float> sinus(static_cast<size_t>(12 * fs));
  for (size_t i = 0; i < sinus.size(); ++i) sinus[i] = static_cast<float>(std::sin(2 * M_PI * 4.0 * i / fs));
  std::vector<int64_t> beats;
  for (int64_t b = 22; b < static_cast<int64_t>(sinus.size()); b += 90) beats.push_back(b);
  const auto vf = detect_flutter(sinus, fs, beats, 0.45, 0.5);
  REQUIRE(vf.size() == 1);
  CHECK(vf[0].first == 0);
  CHECK(vf[0].second == static_cast<int64_t>(sinus.size()));
  // The same positions as narrow QRS complexes on a flat baseline: not flutter.
  std::vector<float> spikes(sinus.size(), 0.0f);
  for (int64_t b : beats)
    for (int k = -10; k <= 10; ++k)
      if (b + k >= 0 && b + k < static_cast<int64_t>(spikes.size()))
        spikes[static_cast<size_t>(b + k)] = static_cast<float>(std::exp(-0.5 * k * k / 9.0));
  CHECK(detect_flutter(spikes, fs, beats, 0.45, 0.5).empty());
  // The sinusoid at a slow detected rate is not flagged either (only fast rhythms can be flutter).
  std::vector<int64_t> slow;
  for (int64_t b = 22; b < static_cast<int64_t>(sinus.size()); b += 360) slow.push_back(b);
  CHECK(detect_flutter(sinus, fs, slow, 0.45, 0.5).empty());
  // And detect_qrs reports no beats inside it.
  CHECK(detect_qrs(sinus, fs).size() <= 2);
}
