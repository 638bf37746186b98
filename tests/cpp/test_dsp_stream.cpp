#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

#include "core/error.h"
#include "core/record.h"
#include "dsp/beat_stream.h"
#include "dsp/beats.h"
#include "dsp/match_beats.h"
#include "io/files.h"

using namespace av;

namespace {
dsp::PreparedBeats stream_in_pieces(std::span<const float> x, double fs, double chunkSec, unsigned seed,
                                    size_t* maxHeld = nullptr) {
  dsp::BeatStream stream(fs, {}, chunkSec, 10.0);
  dsp::PreparedBeats out;
  std::mt19937 rng(seed);
  std::uniform_int_distribution<size_t> piece(1, 20000);
  for (size_t at = 0; at < x.size();) {
    const size_t n = std::min(piece(rng), x.size() - at);
    stream.push(x.subspan(at, n), out);
    at += n;
    if (maxHeld) {
      *maxHeld = std::max(*maxHeld, stream.buffered());
      REQUIRE(stream.buffered() <= stream.maxBuffered());
    }
  }
  stream.finish(out);
  return out;
}
}  // namespace

TEST_CASE("streamed beat preparation matches the whole-record version on record 208", "[dsp][stream][mitdb]") {
  const Record rec = io::read_wfdb_file(std::string(AV_MITDB_DIR) + "/208.hea");
  const std::span<const float> x(rec.leads[static_cast<size_t>(default_lead_index(rec))].samples);
  const dsp::PreparedBeats whole = dsp::prepare_beats(x, rec.sampleRate, {});
  size_t maxHeld = 0;
  const dsp::PreparedBeats streamed = stream_in_pieces(x, rec.sampleRate, 60.0, 1, &maxHeld);
  CHECK(maxHeld <= static_cast<size_t>(80 * rec.sampleRate));  // 60 s core + 2 x 10 s, not 30 min

  REQUIRE(std::is_sorted(streamed.sample.begin(), streamed.sample.end()));
  REQUIRE(streamed.windows.size() == streamed.count() * 256);
  // Same R peaks (exactly) for all but a handful of beats near segment edges.
  const dsp::BeatMatch m = dsp::match_beats(whole.sample, streamed.sample, 0);
  INFO(whole.count() << " whole, " << streamed.count() << " streamed, " << m.pairs.size() << " identical");
  CHECK(m.pairs.size() >= whole.count() - 3);
  CHECK(m.extra.size() <= 3);
  // And the same windows, up to float rounding of the running sums.
  double maxDiff = 0;
  for (auto [wi, si] : m.pairs) {
    CHECK(whole.sample360[wi] == streamed.sample360[si]);
    for (size_t k = 0; k < 256; ++k)
      maxDiff = std::max(maxDiff, std::fabs(static_cast<double>(whole.windows[wi * 256 + k]) - streamed.windows[si * 256 + k]));
  }
  CHECK(maxDiff < 1e-3);
}

TEST_CASE("how samples are split into pushes does not change the stream's output", "[dsp][stream]") {
  const double fs = 250.0;
  std::vector<float> x(static_cast<size_t>(200 * fs));
  for (size_t i = 0; i < x.size(); ++i) {
    const double t = i / fs, phase = std::fmod(t, 0.8);
    x[i] = static_cast<float>(1.2 * std::exp(-0.5 * std::pow((phase - 0.3) / 0.012, 2)) + 0.2 * std::sin(0.7 * t));
  }
  const dsp::PreparedBeats a = stream_in_pieces(x, fs, 30.0, 5);
  const dsp::PreparedBeats b = stream_in_pieces(x, fs, 30.0, 9);
  dsp::BeatStream one(fs, {}, 30.0, 10.0);
  dsp::PreparedBeats c;
  one.push(x, c);
  one.finish(c);
  CHECK(a.sample == b.sample);
  CHECK(a.sample == c.sample);
  CHECK(a.windows == c.windows);
  CHECK(a.count() == 250);  // one beat every 0.8 s for 200 s
  CHECK_THROWS_AS(dsp::BeatStream(0.0), av::Error);
  CHECK_THROWS_AS(dsp::BeatStream(360.0, {}, 0.1), av::Error);
}
