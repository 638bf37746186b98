#include "dsp/beat_stream.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.h"
#include "dsp/resample.h"

namespace av::dsp {
namespace {
// Input samples per whole number of 360 Hz samples (fs / gcd(fs, 360) for integer rates), so that
// segment starts fall on the 360 Hz grid of the whole recording.
int64_t alignment_step(double fs) {
  if (fs == std::round(fs) && fs < 1e6) {
    const auto r = static_cast<int64_t>(fs);
    return r / std::gcd(r, static_cast<int64_t>(kModelRate));
  }
  return 1;
}
int64_t round_up(int64_t v, int64_t step) { return (v + step - 1) / step * step; }
}  // namespace

BeatStream::BeatStream(double fs, const BeatWindowSpec& spec, double chunkSec, double overlapSec)
    : fs_(fs), spec_(spec) {
  if (!(fs > 0.0) || !std::isfinite(fs)) throw Error("invalid_sample_rate", "sample rate must be finite and positive");
  if (!(chunkSec >= 1.0 && chunkSec <= 86400.0) || !(overlapSec >= 2.0 && overlapSec <= 600.0))
    throw Error("invalid_chunk", "chunk must be 1 s .. 24 h and overlap 2 .. 600 s");
  const int64_t step = alignment_step(fs);
  chunk_ = round_up(static_cast<int64_t>(std::ceil(chunkSec * fs)), step);
  overlap_ = round_up(static_cast<int64_t>(std::ceil(overlapSec * fs)), step);
}

void BeatStream::push(std::span<const float> samples, PreparedBeats& out) {
  size_t used = 0;
  while (used < samples.size()) {
    // Take only what the next segment needs, so the buffer never exceeds chunk + 2 x overlap.
    const int64_t need = coreStart_ + chunk_ + overlap_ - samplesSeen();
    const size_t take = std::min(samples.size() - used, static_cast<size_t>(std::max<int64_t>(need, 0)));
    buffer_.insert(buffer_.end(), samples.begin() + static_cast<std::ptrdiff_t>(used),
                   samples.begin() + static_cast<std::ptrdiff_t>(used + take));
    used += take;
    if (samplesSeen() >= coreStart_ + chunk_ + overlap_) run_segment(coreStart_ + chunk_, false, out);
  }
}

void BeatStream::finish(PreparedBeats& out) {
  if (samplesSeen() > coreStart_) run_segment(samplesSeen(), true, out);
}

void BeatStream::run_segment(int64_t coreEnd, bool last, PreparedBeats& out) {
  const std::span<const float> segment(buffer_.data(), buffer_.size());
  const PreparedBeats beats = prepare_beats(segment, fs_, spec_);
  const int64_t start360 = map_index(bufferStart_, fs_, kModelRate);
  const size_t len = static_cast<size_t>(spec_.length());
  for (size_t i = 0; i < beats.count(); ++i) {
    const int64_t s = beats.sample[i] + bufferStart_;
    if (s < coreStart_ || (!last && s >= coreEnd)) continue;
    out.sample.push_back(s);
    out.sample360.push_back(beats.sample360[i] + start360);
    out.windows.insert(out.windows.end(), beats.windows.begin() + static_cast<std::ptrdiff_t>(i * len),
                       beats.windows.begin() + static_cast<std::ptrdiff_t>((i + 1) * len));
  }
  coreStart_ = coreEnd;
  // Keep `overlap_` samples of context before the next core.
  const int64_t keepFrom = std::max<int64_t>(bufferStart_, coreStart_ - overlap_);
  buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(keepFrom - bufferStart_));
  bufferStart_ = keepFrom;
}

}  // namespace av::dsp
