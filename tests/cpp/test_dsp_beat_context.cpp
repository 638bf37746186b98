// Context features of dsp/beat_context.h against values computed by hand on synthetic beats, and the
// context inputs of the chunked analysis: identical at every chunk size, on a real record.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "dsp/beat_context.h"
#include "io/files.h"
#include "pipeline/input_recorder.h"
#include "pipeline/stream.h"

using namespace av;
using namespace av::dsp;

namespace {

// A beat shape: a Gaussian QRS of the given amplitude (mV) and width (samples, sd) at the R peak.
std::vector<float> beat(const BeatWindowSpec& spec, double amplitude, double sd) {
  std::vector<float> w(static_cast<size_t>(spec.length()));
  for (int i = 0; i < spec.length(); ++i) {
    const double t = i - spec.before;
    w[static_cast<size_t>(i)] = static_cast<float>(amplitude * std::exp(-0.5 * t * t / (sd * sd)));
  }
  return w;
}

std::vector<ContextBeat> run(const std::vector<int64_t>& r, const std::vector<std::vector<float>>& windows,
                             const BeatWindowSpec& spec = {}) {
  BeatContextTracker t(spec);
  std::vector<ContextBeat> out;
  for (size_t i = 0; i < r.size(); ++i) {
    t.push(r[i], windows[i]);
    for (auto& b : t.ready()) out.push_back(std::move(b));
    t.ready().clear();
  }
  t.finish();
  for (auto& b : t.ready()) out.push_back(std::move(b));
  return out;
}

}  // namespace

TEST_CASE("RR context: prematurity against the local and long rhythm, defined at the edges", "[context]") {
  const BeatWindowSpec spec;
  // Ten beats 0.8 s apart (288 samples at 360 Hz), then one 0.5 s early beat, a 1.1 s pause, and one more.
  std::vector<int64_t> r;
  for (int i = 0; i < 10; ++i) r.push_back(1000 + 288 * i);
  r.push_back(r.back() + 180);
  r.push_back(r.back() + 396);
  r.push_back(r.back() + 288);
  const std::vector<std::vector<float>> w(r.size(), beat(spec, 1.0, 8));
  const auto out = run(r, w);
  REQUIRE(out.size() == r.size());
  for (size_t i = 0; i < out.size(); ++i) CHECK(out[i].r == r[i]);

  // First beat: no pre-RR, so it takes the post-RR (0.8 s); ratios are 1.
  CHECK(out[0].features[kPreRrSec] == Approx(0.8));
  CHECK(out[0].features[kLogPreLocal] == Approx(0.0).margin(1e-6));
  // The premature beat (index 10): pre 0.5 s, local mean of the previous nine 0.8 s intervals, post 1.1 s.
  const auto& p = out[10].features;
  CHECK(p[kPreRrSec] == Approx(0.5));
  CHECK(p[kPostRrSec] == Approx(1.1));
  CHECK(p[kLocalRrSec] == Approx(0.8));
  CHECK(p[kLogPreLocal] == Approx(std::log(0.5 / 0.8)));
  CHECK(p[kLogPostLocal] == Approx(std::log(1.1 / 0.8)));
  CHECK(p[kLogPostPre] == Approx(std::log(1.1 / 0.5)));
  CHECK(p[kLogPreLong] == Approx(std::log(0.5 / 0.8)));
  // The beat after the pause: its pre-RR is the pause; local = the ten intervals before it (nine of 0.8 s
  // and the 0.5 s one).
  const auto& q = out[11].features;
  CHECK(q[kPreRrSec] == Approx(1.1));
  CHECK(q[kLocalRrSec] == Approx((9 * 0.8 + 0.5) / 10));
  // Last beat: no post-RR, so it takes its pre-RR.
  CHECK(out.back().features[kPostRrSec] == Approx(out.back().features[kPreRrSec]));
  CHECK(out.back().features[kLogPostPre] == Approx(0.0).margin(1e-6));
}

TEST_CASE("morphology context: template correlation, difference, amplitude and width", "[context]") {
  const BeatWindowSpec spec;
  std::vector<int64_t> r;
  std::vector<std::vector<float>> w;
  for (int i = 0; i < 30; ++i) {
    r.push_back(1000 + 288 * i);
    w.push_back(beat(spec, 1.0, 8));
  }
  // Beat 20: inverted and wide (a ventricular-looking beat); beat 25: same shape, twice the amplitude.
  w[20] = beat(spec, -1.0, 20);
  w[25] = beat(spec, 2.0, 8);
  const auto out = run(r, w);
  // The first beat has no template: defined defaults, zero difference channel.
  CHECK(out[0].features[kTemplateCorrQrs] == 1.0f);
  CHECK(out[0].features[kTemplateDiffQrs] == 0.0f);
  for (float v : out[0].difference) CHECK(v == 0.0f);
  // A normal beat equals the median template: correlation 1, no difference.
  CHECK(out[10].features[kTemplateCorrQrs] == Approx(1.0));
  CHECK(out[10].features[kTemplateDiffQrs] == Approx(0.0).margin(1e-6));
  CHECK(out[10].features[kLogAmplitudeRatio] == Approx(0.0).margin(1e-6));
  // The inverted beat anti-correlates; its width ratio is positive (wider than the template).
  CHECK(out[20].features[kTemplateCorrQrs] < -0.5f);
  CHECK(out[20].features[kLogWidthRatio] > 0.5f);
  CHECK(out[20].features[kTemplateDiffQrs] > 1.0f);
  // The inverted beat does not become the template (median of the past 24): the next beat is normal again.
  CHECK(out[21].features[kTemplateCorrQrs] == Approx(1.0));
  // Twice the amplitude: log ratio ln 2, same shape (correlation 1), difference = the beat itself.
  CHECK(out[25].features[kLogAmplitudeRatio] == Approx(std::log(2.0)).epsilon(1e-4));
  CHECK(out[25].features[kTemplateCorrQrs] == Approx(1.0));
  // The difference channel at the R peak: (2 - 1) / std(template).
  const auto tmpl = beat(spec, 1.0, 8);
  double mean = 0, var = 0;
  for (float v : tmpl) mean += v;
  mean /= tmpl.size();
  for (float v : tmpl) var += (v - mean) * (v - mean);
  const double sd = std::sqrt(var / tmpl.size());
  CHECK(out[25].difference[static_cast<size_t>(spec.before)] == Approx(1.0 / sd).epsilon(1e-4));
  // QRS width of a Gaussian of sd s: its squared slope is proportional to t^2 exp(-t^2 / s^2), so |t| sqrt(2) / s
  // follows a chi distribution with 3 degrees of freedom, whose 90 % quantile is sqrt(6.251) = 2.500; the 5..95 %
  // span is 2 x 2.500 s / sqrt(2) = 3.54 s (28.3 samples for s = 8), plus up to one sample of discretization.
  CHECK(out[10].features[kQrsWidthSec] * 360.0 == Approx(28.3 + 0.5).margin(1.5));
}

TEST_CASE("templateMinPreLocal: in bigeminy only the non-premature beats make the template", "[context]") {
  const BeatWindowSpec spec;
  // Ventricular bigeminy: normal beats (narrow, upright) each followed by an inverted wide beat 0.5 s later
  // and a 1.1 s pause; the local mean RR is 0.8 s, so the V beats' pre/local is 0.625 and the N beats' 1.375.
  std::vector<int64_t> r;
  std::vector<std::vector<float>> w;
  for (int i = 0; i < 40; ++i) {
    const bool v = i % 2 == 1;
    r.push_back(i == 0 ? 1000 : r.back() + (v ? 180 : 396));
    w.push_back(v ? beat(spec, -1.0, 20) : beat(spec, 1.0, 8));
  }
  const auto all = run(r, w);
  BeatWindowSpec cs;
  cs.templateMinPreLocal = 0.85f;
  const auto normal = run(r, w, cs);
  // Every beat joins by default: the median of 12 N and 12 V windows is their average, so a normal beat no longer
  // equals its template.
  CHECK(all[38].features[kTemplateDiffQrs] > 0.2f);
  // Non-premature beats only: the template is the normal beat, which matches it exactly; the V beat is measured
  // against the normal beat (its correlation is that of the two shapes).
  CHECK(normal[38].features[kTemplateDiffQrs] == Approx(0.0).margin(1e-6));
  CHECK(normal[38].features[kTemplateCorrQrs] == Approx(1.0));
  for (float d : normal[38].difference) CHECK(d == Approx(0.0).margin(1e-5));
  const auto n = beat(spec, 1.0, 8), v = beat(spec, -1.0, 20);
  const int q0 = spec.before - 36, q1 = spec.before + 54;  // the QRS region, -100 .. +150 ms
  double mn = 0, mv = 0, snv = 0, snn = 0, svv = 0;
  for (int i = q0; i < q1; ++i) mn += n[i], mv += v[i];
  mn /= q1 - q0;
  mv /= q1 - q0;
  for (int i = q0; i < q1; ++i) snv += (n[i] - mn) * (v[i] - mv), snn += (n[i] - mn) * (n[i] - mn), svv += (v[i] - mv) * (v[i] - mv);
  CHECK(normal[39].features[kTemplateCorrQrs] == Approx(snv / std::sqrt(snn * svv)).epsilon(1e-4));
  // The RR features do not depend on the template.
  for (size_t i = 0; i < all.size(); ++i)
    for (int f : {kPreRrSec, kPostRrSec, kLocalRrSec, kLogPreLocal, kLogPostPre, kLogPreLong})
      CHECK(normal[i].features[f] == all[i].features[f]);
}

TEST_CASE("template QRS width: first to last steep difference, bridging dips shorter than 11 ms", "[context]") {
  const BeatWindowSpec spec;  // R at index 90, 360 Hz
  const auto width_samples = [&](const std::vector<float>& w) { return template_qrs_width(w.data(), spec, 360.0) * 360.0; };
  // A triangle from 80 up to 90 and down to 100 (slope 1 per sample): differences 80..99 are steep.
  std::vector<float> w(static_cast<size_t>(spec.length()), 0.0f);
  for (int i = 80; i <= 100; ++i) w[static_cast<size_t>(i)] = static_cast<float>(10 - std::abs(i - 90));
  CHECK(width_samples(w) == Approx(19.0));
  // A slow wave before it (a P wave), at 15 % of the peak slope, is not QRS.
  for (int i = 30; i <= 60; ++i) w[static_cast<size_t>(i)] = 0.15f * static_cast<float>(std::min(i - 30, 60 - i));
  CHECK(width_samples(w) == Approx(19.0));
  // A flat top of 3 samples (an R notch) is bridged: up 80..90, flat to 93, down to 103.
  std::vector<float> notch(static_cast<size_t>(spec.length()), 0.0f);
  for (int i = 80; i <= 103; ++i) notch[static_cast<size_t>(i)] = static_cast<float>(i <= 90 ? i - 80 : i <= 93 ? 10 : 103 - i);
  CHECK(width_samples(notch) == Approx(22.0));
  // A flat of 5 samples ends the QRS at the first steep run (the walk starts at the first steepest difference, 80).
  std::vector<float> gap(static_cast<size_t>(spec.length()), 0.0f);
  for (int i = 80; i <= 105; ++i) gap[static_cast<size_t>(i)] = static_cast<float>(i <= 90 ? i - 80 : i <= 95 ? 10 : 105 - i);
  CHECK(width_samples(gap) == Approx(9.0));
  // The tracker reports its template's width: none for the first beat, then that of the (identical) past beats.
  std::vector<int64_t> r;
  std::vector<std::vector<float>> windows;
  for (int i = 0; i < 5; ++i) r.push_back(1000 + 288 * i), windows.push_back(w);
  const auto out = run(r, windows);
  CHECK(std::isnan(out[0].templateQrsWidthSec));
  for (size_t i = 1; i < out.size(); ++i) CHECK(out[i].templateQrsWidthSec * 360.0f == Approx(19.0));
}

TEST_CASE("P-wave correlation: high when every beat has the same P wave, low with fibrillatory waves", "[context][af]") {
  const BeatWindowSpec spec;
  // A P wave of 0.15 mV (sd 12 samples) 160 ms (58 samples) before the R peak on every beat; then 40 beats
  // whose P region holds fibrillatory waves instead (a 6 Hz sine of random phase and amplitude).
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> phase(0, 2 * M_PI), amp(0.05, 0.12);
  std::vector<int64_t> r;
  std::vector<std::vector<float>> w;
  for (int i = 0; i < 80; ++i) {
    r.push_back(1000 + 300 * i);
    std::vector<float> x = beat(spec, 1.0, 8);
    const double ph = phase(rng), a = amp(rng);
    for (int k = 0; k < spec.before - 20; ++k) {
      const double t = k - (spec.before - 58);
      x[static_cast<size_t>(k)] += static_cast<float>(i < 40 ? 0.15 * std::exp(-0.5 * t * t / 144.0)
                                                            : a * std::sin(2 * M_PI * 6.0 * k / 360.0 + ph));
    }
    w.push_back(x);
  }
  const auto out = run(r, w);
  // Undefined until 8 beats are remembered.
  for (int i = 0; i < 8; ++i) CHECK(std::isnan(out[static_cast<size_t>(i)].pWaveCorr));
  for (int i = 8; i < 40; ++i) CHECK(out[static_cast<size_t>(i)].pWaveCorr > 0.99f);
  // Once the template (median of the previous 24) holds only fibrillatory beats, their P regions no longer
  // match it: the mean correlation over the last 16 beats is far from 1.
  double mean = 0;
  for (int i = 64; i < 80; ++i) mean += out[static_cast<size_t>(i)].pWaveCorr / 16.0;
  CHECK(mean < 0.5);
}

TEST_CASE("context inputs of the chunked analysis are the same at every chunk size", "[context][stream]") {
  const std::string path = std::string(AV_SOURCE_DIR) + "/examples/data/208.hea";
  const Record rec = io::read_wfdb_file(path);
  const int lead = default_lead_index(rec);
  for (auto beats : {pipeline::BeatSource::Detect, pipeline::BeatSource::Reference}) {
    pipeline::InputRecorder whole(2);
    pipeline::StreamOptions o;
    o.analyze.beats = beats;
    o.chunkSeconds = 1e9;
    const pipeline::StreamRecordInfo info{rec.name, rec.leads[0].name, lead,
                                          beat_annotation_samples(rec.annotations, static_cast<int64_t>(rec.length()))};
    const pipeline::Result wholeResult =
        pipeline::analyze_chunked(std::make_unique<pipeline::RecordLeadSource>(rec, lead), info, &whole, o);
    REQUIRE(whole.context.size() > 2500 * kContextFeatureCount);
    for (double chunk : {3.7, 60.0}) {
      INFO("chunk " << chunk << " s");
      pipeline::InputRecorder part(2);
      o.chunkSeconds = chunk;
      const pipeline::Result partResult =
          pipeline::analyze_chunked(std::make_unique<pipeline::RecordLeadSource>(rec, lead), info, &part, o);
      REQUIRE(part.context == whole.context);
      REQUIRE(part.windows == whole.windows);
      // The P-wave measure of the rhythm analysis (NaN for the first beats) and the template width of the L rule too.
      REQUIRE(partResult.beats.size() == wholeResult.beats.size());
      size_t finite = 0, widths = 0;
      for (size_t i = 0; i < partResult.beats.size(); ++i) {
        const float a = partResult.beats[i].pWaveCorr, b = wholeResult.beats[i].pWaveCorr;
        REQUIRE((a == b || (std::isnan(a) && std::isnan(b))));
        finite += std::isfinite(a);
        const float wa = partResult.beats[i].templateQrsWidthSec, wb = wholeResult.beats[i].templateQrsWidthSec;
        REQUIRE((wa == wb || (std::isnan(wa) && std::isnan(wb))));
        widths += std::isfinite(wa);
      }
      CHECK(finite + 8 >= partResult.beats.size());
      CHECK(widths + 1 == partResult.beats.size());  // every beat after the first has a template
    }
  }
}
