#pragma once
// Chunked analysis of long recordings (24-hour Holter and beyond). The lead is read from a SampleSource
// chunk by chunk (decoded from the file's bytes, never held whole as floats), resampled, filtered,
// detected, windowed and classified with context margins wide enough that every value equals the one the
// whole-record analyze() computes: the chunked Result has the same beats, labels and probabilities, bit for
// bit, whatever the chunk size. Memory is bounded by the chunk size (plus the result: ~40 bytes per beat).
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/record.h"
#include "core/sample_source.h"
#include "io/wfdb_range_source.h"
#include "pipeline/analyze.h"

namespace av::pipeline {

// The sources (core/sample_source.h, io/wfdb_range_source.h) under their pipeline names.
using SampleSource = av::SampleSource;
using RecordLeadSource = av::RecordLeadSource;
using WfdbRangeSource = av::io::WfdbRangeSource;

struct StreamOptions {
  AnalyzeOptions analyze;     // lead is ignored (the source is one lead); beats, batchSize, progress used
  double chunkSeconds = 300;  // length of one chunk of the 360 Hz signal
};

// The record-level facts the Result reports (the source knows only samples).
struct StreamRecordInfo {
  std::string record;
  std::string lead;
  int leadIndex = 0;
  std::vector<int64_t> referenceBeats;  // beat annotation samples at the source's rate (Reference mode)
};

// Incremental chunked analysis: step() processes one chunk, so a caller (JS) can report progress and
// stop between chunks. Errors as analyze(), plus sample_rate_out_of_range (core/limits.h).
class StreamAnalyzer {
 public:
  StreamAnalyzer(std::unique_ptr<SampleSource> source, StreamRecordInfo info, Classifier* classifier,
                 StreamOptions options);
  ~StreamAnalyzer();
  // Processes the next chunk; returns false once the whole recording is done.
  bool step();
  bool done() const;
  double progress() const;  // 0..1 of the recording processed
  // The result (call when done(); runs the remaining chunks otherwise).
  Result result();

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// Runs a StreamAnalyzer to the end.
Result analyze_chunked(std::unique_ptr<SampleSource> source, StreamRecordInfo info, Classifier* classifier,
                       const StreamOptions& options);


}  // namespace av::pipeline
