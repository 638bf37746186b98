// The Holter summary (HRV, pauses, hourly rows, heart-rate times) on RR sequences whose values are worked
// out by hand, and AF detection on synthetic rhythms and on MIT-BIH records against their rhythm annotations.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <string>

#include "io/files.h"
#include "nn/engine.h"
#include "nn/model.h"
#include "pipeline/analyze.h"
#include "pipeline/engine_classifier.h"
#include "pipeline/holter_stats.h"
#include "pipeline/summary.h"

using namespace av::pipeline;

namespace {

// Beats at fs = 1000 Hz from RR intervals in ms, all labelled `label`; the first beat at `first`.
std::vector<BeatLabel> from_rr(const std::vector<int64_t>& rrMs, int label = 0, int64_t first = 0) {
  std::vector<BeatLabel> out{{first, label}};
  for (int64_t rr : rrMs) out.push_back({out.back().sample + rr, label});
  return out;
}

std::string mitdb(const std::string& name) { return std::string(AV_MITDB_DIR) + "/" + name; }

using Spans = std::vector<std::pair<int64_t, int64_t>>;

// The stretches of one rhythm in the .atr (core/annotation.h).
Spans rhythm_spans(const av::Record& rec, const std::string& rhythm) {
  Spans out;
  for (const auto& r : av::rhythm_stretches(rec.annotations, static_cast<int64_t>(rec.length())))
    if (r.rhythm == rhythm) out.push_back({r.start, r.end});
  return out;
}

double overlap(const Spans& spans, int64_t a, int64_t b) {
  double t = 0;
  for (const auto& x : spans) t += static_cast<double>(std::max<int64_t>(0, std::min(x.second, b) - std::max(x.first, a)));
  return t;
}

// Annotated AF, found AF (less annotated flutter, which counts neither way) and their overlap, in samples.
struct AfDuration {
  double truth = 0, found = 0, both = 0;
};
AfDuration af_duration(const av::Record& rec, const Result& r) {
  const Spans afib = rhythm_spans(rec, "(AFIB"), afl = rhythm_spans(rec, "(AFL");
  AfDuration d;
  for (const auto& x : afib) d.truth += static_cast<double>(x.second - x.first);
  for (const auto& e : r.summary.af.episodes) {
    d.found += static_cast<double>(e.end - e.start) - overlap(afl, e.start, e.end);
    d.both += overlap(afib, e.start, e.end);
  }
  return d;
}

}  // namespace

TEST_CASE("HRV of a short NN sequence, worked out by hand", "[pipeline][holter]") {
  // NN 800 900 700 800 ms: mean 800, SDNN = sqrt(20000 / 3); successive differences 100 -200 100,
  // RMSSD = sqrt(60000 / 3); all three exceed 50 ms.
  const Hrv h = heart_rate_variability(from_rr({800, 900, 700, 800}), 1000.0);
  CHECK(h.nnCount == 4);
  CHECK(*h.sdnnMs == Approx(std::sqrt(20000.0 / 3)));
  CHECK(*h.rmssdMs == Approx(std::sqrt(60000.0 / 3)));
  CHECK(*h.pnn50Percent == Approx(100.0));
  // One 5-minute segment: SDANN needs two; the SDNN index is that segment's SDNN.
  CHECK_FALSE(h.sdannMs.has_value());
  CHECK(*h.sdnnIndexMs == Approx(*h.sdnnMs));
}

TEST_CASE("HRV leaves out intervals that touch an ectopic beat", "[pipeline][holter]") {
  // N N V N N N at RR 1000 600 1400 1000 1040 ms: NN are 1000 (N-N), 1000 and 1040 (after the V beat).
  auto b = from_rr({1000, 600, 1400, 1000, 1040});
  b[2].label = 4;
  const Hrv h = heart_rate_variability(b, 1000.0);
  CHECK(h.nnCount == 3);
  CHECK(*h.sdnnMs == Approx(std::sqrt((2 * 13.333333 * 13.333333 + 26.666667 * 26.666667) / 2)).epsilon(1e-4));
  // Only 1000 → 1040 share a beat: one difference of 40 ms, not > 50.
  CHECK(*h.rmssdMs == Approx(40.0));
  CHECK(*h.pnn50Percent == Approx(0.0));
}

TEST_CASE("SDANN and the SDNN index use 5-minute segments from the record start", "[pipeline][holter]") {
  // 300 intervals of 1000 ms (segment 0: interval ends at 1..300 s; the last one ends at exactly 300 s and
  // opens segment 1), then 600 intervals alternating 400/600 ms (segment 1 ends at 600 s, then segment 2).
  std::vector<int64_t> rr(300, 1000);
  for (int k = 0; k < 600; ++k) rr.push_back(k % 2 ? 600 : 400);
  const Hrv h = heart_rate_variability(from_rr(rr), 1000.0);
  // The segments straight from the definition: each interval goes to the segment of its second beat.
  std::vector<std::vector<double>> seg(3);
  int64_t t = 0;
  for (int64_t x : rr) {
    t += x;
    seg[static_cast<size_t>(t / 300000)].push_back(static_cast<double>(x));
  }
  auto mean = [](const std::vector<double>& v) { double s = 0; for (double x : v) s += x; return s / static_cast<double>(v.size()); };
  auto sd = [&](const std::vector<double>& v) {
    const double m = mean(v);
    double s = 0;
    for (double x : v) s += (x - m) * (x - m);
    return std::sqrt(s / static_cast<double>(v.size() - 1));
  };
  REQUIRE(seg[0].size() == 299);
  REQUIRE(seg[2].size() == 1);  // the interval ending at exactly 600 s
  const std::vector<double> means{mean(seg[0]), mean(seg[1]), mean(seg[2])};
  CHECK(*h.sdannMs == Approx(sd(means)));
  // The SDNN index averages the segments with at least two intervals (0 and 1).
  CHECK(*h.sdnnIndexMs == Approx((sd(seg[0]) + sd(seg[1])) / 2));
  CHECK(sd(seg[0]) == 0.0);
  CHECK(mean(seg[0]) == 1000.0);
}

TEST_CASE("pauses are RR intervals of at least the threshold; 3 s ones are flagged", "[pipeline][holter]") {
  SummaryOptions o;
  const auto p = find_pauses(from_rr({800, 1999, 2000, 800, 3500, 800}), 1000.0, o);
  REQUIRE(p.size() == 2);
  CHECK(p[0].start == 2799);
  CHECK(p[0].durationSec == Approx(2.0));
  CHECK_FALSE(p[0].flagged);
  CHECK(p[1].durationSec == Approx(3.5));
  CHECK(p[1].flagged);
  // Beats at 0, 800, 2799, 4799, 5599, 9099 and 9899 ms. An unusable stretch inside the 3.5 s pause
  // (5599-9099) takes it out; stretches before the first beat, in an interval that is no pause and after the
  // last beat do not, nor one that starts at the pause's closing beat.
  const std::vector<SampleSpan> unusable{{-500, -100}, {1000, 1500}, {6000, 6500}, {10000, 10500}};
  const auto kept = find_pauses(from_rr({800, 1999, 2000, 800, 3500, 800}), 1000.0, o, unusable);
  REQUIRE(kept.size() == 1);
  CHECK(kept[0].start == 2799);
  CHECK(find_pauses(from_rr({800, 1999, 2000, 800, 3500, 800}), 1000.0, o, {{9099, 9200}}).size() == 2);
  o.pauseSec = 3.0;
  CHECK(find_pauses(from_rr({800, 1999, 2000, 800, 3500, 800}), 1000.0, o).size() == 1);
}

TEST_CASE("hourly rows cover the record from its start, one per 3600 s", "[pipeline][holter]") {
  // 2.5 h at exactly 1 beat per second (fs 1000), beats at 0, 1, ..., 8999 s; V every 100th beat.
  std::vector<int64_t> rr(8999, 1000);
  auto b = from_rr(rr);
  for (size_t i = 0; i < b.size(); i += 100) b[i].label = 4;
  const Summary s = summarize(b, 1000.0, 9000 * 1000);
  REQUIRE(s.hourly.size() == 3);
  CHECK(s.hourly[0].beats == 3600);
  CHECK(s.hourly[1].beats == 3600);
  CHECK(s.hourly[2].beats == 1800);
  CHECK(s.hourly[0].v == 36);
  CHECK(s.hourly[2].v == 18);
  CHECK(s.hourly[1].startSec == 3600.0);
  CHECK(*s.hourly[1].meanBpm == Approx(60.0));
  CHECK(s.hourly[0].afSec == 0.0);
}

TEST_CASE("the minimum and maximum heart rate come with the times of their windows", "[pipeline][holter]") {
  // 100 beats at 1000 ms, 20 at 500 ms, 100 at 1000 ms, 20 at 1500 ms, then 20 at 1000 ms.
  std::vector<int64_t> rr(100, 1000);
  rr.insert(rr.end(), 20, 500);
  rr.insert(rr.end(), 100, 1000);
  rr.insert(rr.end(), 20, 1500);
  rr.insert(rr.end(), 20, 1000);
  const HeartRate hr = heart_rate(from_rr(rr), 1000.0);
  CHECK(*hr.maxBpm == Approx(120.0));
  CHECK(*hr.minBpm == Approx(40.0));
  // The fast stretch runs from 100 s to 110 s, the slow one from 210 s to 240 s; the first window entirely
  // inside each is reported, at its middle.
  CHECK(*hr.maxTimeSec == Approx(102.0));
  CHECK(*hr.minTimeSec == Approx(216.0));
}

TEST_CASE("AF is found in an irregular stretch between regular ones, and A labels inside count as N", "[pipeline][af]") {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> jitter(-8, 8), chaos(450, 1150);
  std::vector<int64_t> rr;
  for (int k = 0; k < 375; ++k) rr.push_back(800 + jitter(rng));  // ~300 s sinus
  for (int k = 0; k < 375; ++k) rr.push_back(chaos(rng));         // ~300 s AF
  for (int k = 0; k < 375; ++k) rr.push_back(800 + jitter(rng));
  auto b = from_rr(rr);
  const int64_t afStart = b[375].sample, afEnd = b[750].sample;
  for (size_t i = 380; i < 740; i += 7) b[i].label = 3;  // the classifier's A calls during AF
  b[100].label = 3;                                      // a true A beat in sinus rhythm stays A
  std::vector<size_t> relabelled;
  const auto af = find_af(b, 1000.0, SummaryOptions{}, &relabelled);
  REQUIRE(af.size() == 1);
  CHECK(std::abs(af[0].start - afStart) < 15000);
  CHECK(std::abs(af[0].end - afEnd) < 15000);
  CHECK(relabelled.size() >= 45);
  CHECK(b[100].label == 3);
  for (size_t i : relabelled) CHECK(b[i].label == 0);
}

TEST_CASE("frequent ventricular ectopy and sinus arrhythmia are not AF", "[pipeline][af]") {
  // Ventricular trigeminy: N N V at 800 800 480 (premature) then 1120 (compensatory).
  std::vector<BeatLabel> b{{0, 0}};
  const int64_t pattern[3] = {800, 480, 1120};
  for (int k = 0; k < 900; ++k) b.push_back({b.back().sample + pattern[k % 3], k % 3 == 0 ? 4 : 0});
  CHECK(find_af(b, 1000.0, SummaryOptions{}).empty());
  // Respiratory sinus arrhythmia: RR swinging smoothly ±5 % with breathing (period 5 beats).
  std::vector<int64_t> rr;
  for (int k = 0; k < 900; ++k) rr.push_back(static_cast<int64_t>(900 + 45 * std::sin(k * 2 * M_PI / 5)));
  auto s = from_rr(rr);
  CHECK(find_af(s, 1000.0, SummaryOptions{}).empty());
}

TEST_CASE("an irregular stretch whose beats share a P wave is not AF; one without P waves is", "[pipeline][af]") {
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> jitter(-8, 8), chaos(450, 1150);
  std::vector<int64_t> rr;
  for (int k = 0; k < 300; ++k) rr.push_back(800 + jitter(rng));
  for (int k = 0; k < 300; ++k) rr.push_back(chaos(rng));
  for (int k = 0; k < 300; ++k) rr.push_back(800 + jitter(rng));
  auto b = from_rr(rr);
  // Irregular, but the P waves stay (e.g. frequent atrial ectopy with sinus P waves): no AF.
  for (auto& x : b) x.pWave = 0.9f;
  CHECK(find_af(b, 1000.0, SummaryOptions{}).empty());
  // The P waves vanish in the irregular stretch: AF there.
  for (size_t i = 300; i <= 600; ++i) b[i].pWave = 0.1f;
  const auto af = find_af(b, 1000.0, SummaryOptions{});
  REQUIRE(af.size() == 1);
  CHECK(std::abs(af[0].start - b[300].sample) < 15000);
  CHECK(std::abs(af[0].end - b[600].sample) < 15000);
  // With the limit off, the P waves do not count.
  for (auto& x : b) x.pWave = 0.9f;
  SummaryOptions off;
  off.af.pWaveMax = 2.0;
  CHECK(find_af(b, 1000.0, off).size() == 1);
}

TEST_CASE("AF on MIT-BIH records matches their (AFIB rhythm annotations by duration", "[pipeline][af][mitdb]") {
  // Annotated AF: the (AFIB stretches of the .atr, from each rhythm change to the next; (AFL stretches
  // count neither way.
  for (const std::string name : {"203", "221"}) {
    const av::Record rec = av::io::read_wfdb_file(mitdb(name + ".hea"));
    // Reference beats without a model (unlabelled): AF then depends on the RR intervals alone.
    AnalyzeOptions o;
    o.beats = BeatSource::Reference;
    const AfDuration d = af_duration(rec, analyze(rec, nullptr, o));
    INFO(name << ": annotated " << d.truth / 360 / 60 << " min, found " << d.found / 360 / 60 << " min");
    REQUIRE(d.truth > 0);
    CHECK(d.both / d.truth >= 0.90);
    CHECK(d.both / d.found >= 0.90);
  }
}

TEST_CASE("P waves keep 201's irregular non-AF stretches out of AF, with the default model", "[pipeline][af][mitdb]") {
  // Record 201 has 10.1 min of annotated AF and supraventricular stretches (SVTA, atrial bigeminy, nodal
  // rhythm) that are irregular too. RR irregularity alone calls several minutes of them AF; with the P-wave
  // measure of the context model they stay out, and the annotated AF is still found.
  const av::Record rec = av::io::read_wfdb_file(mitdb("201.hea"));
  const av::nn::Model model = av::nn::Model::load_file(std::string(AV_SOURCE_DIR) + "/models/arrhythminet-v1-ctx.json");
  av::nn::Engine engine(model, av::nn::default_backend());
  EngineClassifier classifier(engine);
  const AfDuration with = af_duration(rec, analyze(rec, &classifier, {}));
  AnalyzeOptions rrOnly;
  rrOnly.summary.af.pWaveMax = 2.0;
  const AfDuration without = af_duration(rec, analyze(rec, &classifier, rrOnly));
  const double minute = 360.0 * 60;
  INFO("false AF with P waves " << (with.found - with.both) / minute << " min, without " << (without.found - without.both) / minute);
  REQUIRE(with.truth / minute == Approx(10.1).margin(0.05));
  CHECK(with.both / with.truth >= 0.90);
  CHECK((with.found - with.both) / minute < 1.0);
  CHECK((without.found - without.both) / minute > 2.0);
}

TEST_CASE("the pauses of record 232 are its reference RR intervals of 2 s or more", "[pipeline][holter][mitdb]") {
  const av::Record rec = av::io::read_wfdb_file(mitdb("232.hea"));
  const auto beats = av::beat_annotation_samples(rec.annotations, static_cast<int64_t>(rec.length()));
  size_t expected = 0, flagged = 0;
  for (size_t i = 1; i < beats.size(); ++i) {
    const double sec = static_cast<double>(beats[i] - beats[i - 1]) / rec.sampleRate;
    expected += sec >= 2.0;
    flagged += sec >= 3.0;
  }
  AnalyzeOptions o;
  o.beats = BeatSource::Reference;
  const Result r = analyze(rec, nullptr, o);
  size_t gotFlagged = 0;
  for (const auto& p : r.summary.pauses) gotFlagged += p.flagged;
  CHECK(expected > 100);
  CHECK(r.summary.pauses.size() == expected);
  CHECK(gotFlagged == flagged);
}

TEST_CASE("an irregular stretch made mostly of ectopic beats is not AF: too few usable RR pairs", "[pipeline][af]") {
  // Chaotic RR throughout, but in every 10 beats only 3 successive ones are not V: one usable pair in 10,
  // a share of 0.1 against AfOptions::minUsableShare 0.3.
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> chaos(450, 1150);
  std::vector<BeatLabel> b{{0, 0}};
  for (int k = 1; k < 900; ++k) b.push_back({b.back().sample + chaos(rng), k % 10 < 3 ? 0 : 4});
  CHECK(find_af(b, 1000.0, SummaryOptions{}).empty());
  SummaryOptions ungated;
  ungated.af.minUsableShare = 0;  // the pairs left are irregular, so without the gate they make AF
  CHECK(!find_af(b, 1000.0, ungated).empty());
}

TEST_CASE("an irregular run inside the previous episode's widened end joins it", "[pipeline][af]") {
  // 215 beats; irregular at 100..200 and again at 206..210. The first episode is widened by
  // (0.5 − 0.3) · 128 ≈ 26 beats to the record's last beat, so the second run lies inside it.
  std::vector<BeatLabel> b;
  for (int k = 0; k < 215; ++k) b.push_back({static_cast<int64_t>(k) * 800, 0});
  std::vector<double> irregularity(b.size(), 0.0);
  for (size_t k = 100; k <= 200; ++k) irregularity[k] = 0.2;
  for (size_t k = 206; k <= 210; ++k) irregularity[k] = 0.2;
  const auto af = af_episodes(b, irregularity, 1000.0, AfOptions{});
  REQUIRE(af.size() == 1);
  CHECK(af[0].firstBeat == 74);
  CHECK(af[0].lastBeat == 214);
}

TEST_CASE("the ventricular rhythms are the summary's V runs, bigeminy and trigeminy, and nothing else", "[pipeline][af]") {
  // N=0, V=4. Beats 3-5: a V run; 9: an isolated V; 12-13: a couplet; 15-21: bigeminy (V at 16, 18, 20 and
  // 22 is N: three cycles from the opening N at 15); 25-31: trigeminy (V at 28, 31; 25 makes three cycles).
  std::vector<int> labels(40, 0);
  for (int i : {3, 4, 5, 9, 12, 13, 16, 18, 20, 25, 28, 31}) labels[static_cast<size_t>(i)] = 4;
  std::vector<BeatLabel> b;
  for (size_t i = 0; i < labels.size(); ++i) b.push_back({static_cast<int64_t>(i) * 800, labels[i]});
  const std::vector<uint8_t> in = in_ventricular_rhythm(b);
  std::vector<size_t> marked;
  for (size_t i = 0; i < in.size(); ++i)
    if (in[i]) marked.push_back(i);
  // Trigeminy: V at 25, 28, 31 (three cycles), opened by the two N beats before 25.
  const std::vector<size_t> expected{3, 4, 5, 15, 16, 17, 18, 19, 20, 23, 24, 25, 26, 27, 28, 29, 30, 31};
  CHECK(marked == expected);
  // A noisy beat breaks the run as in the summary: 3-5 with 4 noisy is no run.
  b[4].noisy = true;
  CHECK_FALSE(in_ventricular_rhythm(b)[3]);
}

TEST_CASE("a ventricular run and a bigeminy inside AF interrupt the episode at their beats", "[pipeline][af]") {
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> chaos(450, 1150);
  std::vector<BeatLabel> b{{0, 0}};
  for (int k = 1; k < 600; ++k) b.push_back({b.back().sample + chaos(rng), 0});
  for (size_t i = 200; i < 205; ++i) b[i].label = 4;      // a run of five V beats: 200-204
  for (size_t i = 401; i <= 407; i += 2) b[i].label = 4;  // bigeminy: V at 401-407, opened by the N at 400
  const auto af = find_af(b, 1000.0, SummaryOptions{});
  REQUIRE(af.size() == 3);
  CHECK(af[0].firstBeat == 0);
  CHECK(af[0].lastBeat == 199);
  CHECK(af[1].firstBeat == 205);
  CHECK(af[1].lastBeat == 399);
  CHECK(af[2].firstBeat == 408);
  CHECK(af[2].lastBeat == 599);
  CHECK(af[1].beats == 195);
  CHECK(af[1].rateBpm == Approx(60000.0 * 194 / static_cast<double>(b[399].sample - b[205].sample)));
  SummaryOptions whole;
  whole.af.splitAtVentricularRhythm = false;
  const auto one = find_af(b, 1000.0, whole);
  REQUIRE(one.size() == 1);
  CHECK(one[0].firstBeat == 0);
  CHECK(one[0].lastBeat == 599);
}

TEST_CASE("AF in 203, 210 and 221 leaves out their annotated ventricular tachycardia, bigeminy and trigeminy", "[pipeline][af][mitdb]") {
  // The annotators' beats and classes: the V runs and patterns inside AF are theirs. Their (VT, (B and (T
  // stretches inside AF then lie outside the episodes, while the annotated AF is still found.
  for (const std::string name : {"203", "210", "221"}) {
    const av::Record rec = av::io::read_wfdb_file(mitdb(name + ".hea"));
    std::vector<BeatLabel> beats;
    for (const auto& a : rec.annotations)
      if (av::is_beat_annotation(a.code)) beats.push_back({a.sample, av::class_index_for_code(a.code)});
    Spans ventricular;
    for (const char* r : {"(VT", "(B", "(T"})
      for (const auto& x : rhythm_spans(rec, r)) ventricular.push_back(x);
    const Spans afib = rhythm_spans(rec, "(AFIB");
    double truth = 0;
    for (const auto& x : afib) truth += static_cast<double>(x.second - x.first);
    SummaryOptions whole;
    whole.af.splitAtVentricularRhythm = false;
    double inside[2] = {0, 0}, found = 0;
    for (int k = 0; k < 2; ++k) {
      std::vector<BeatLabel> b = beats;
      for (const auto& e : find_af(b, rec.sampleRate, k == 0 ? SummaryOptions{} : whole)) {
        inside[k] += overlap(ventricular, e.start, e.end) / rec.sampleRate;
        if (k == 0) found += overlap(afib, e.start, e.end);
      }
    }
    INFO(name << ": ventricular rhythm inside AF " << inside[0] << " s with the split, " << inside[1]
              << " s without; AF Se " << found / truth);
    CHECK(inside[1] > 10);
    CHECK(inside[0] < 0.25 * inside[1]);
    CHECK(found / truth >= 0.95);
  }
}
