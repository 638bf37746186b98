#pragma once
// Beat preparation for long recordings in bounded memory: samples arrive in pieces of any size, and
// prepare_beats runs on overlapping segments (a core of `chunkSec` plus `overlapSec` of context on
// each side, so every filter, the detector's adaptive levels and the beat windows have settled at
// the core's edges). Each beat belongs to the core it falls in, so none is lost or repeated. Memory
// is bounded by chunkSec + 2 x overlapSec, never by the record length.
#include <cstdint>
#include <span>
#include <vector>

#include "dsp/beats.h"

namespace av::dsp {

class BeatStream {
 public:
  BeatStream(double fs, const BeatWindowSpec& spec = {}, double chunkSec = 300.0, double overlapSec = 10.0);

  // Feeds the next samples (mV, the input's rate). Appends finished beats to `out`, positions absolute
  // (counted from the first sample pushed), in increasing order.
  void push(std::span<const float> samples, PreparedBeats& out);
  // Processes what is left at the end of the recording.
  void finish(PreparedBeats& out);

  int64_t samplesSeen() const { return bufferStart_ + static_cast<int64_t>(buffer_.size()); }
  // Input samples held now; never more than maxBuffered().
  size_t buffered() const { return buffer_.size(); }
  size_t maxBuffered() const { return static_cast<size_t>(chunk_ + 2 * overlap_); }

 private:
  void run_segment(int64_t coreEnd, bool last, PreparedBeats& out);

  double fs_;
  BeatWindowSpec spec_;
  int64_t chunk_, overlap_;   // in input samples (multiples of the 360 Hz alignment step)
  std::vector<float> buffer_;  // input samples from bufferStart_ on
  int64_t bufferStart_ = 0;
  int64_t coreStart_ = 0;
};

}  // namespace av::dsp
