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
#include "io/wfdb_header.h"
#include "io/wfdb_signal.h"
#include "pipeline/analyze.h"

namespace av::pipeline {

// One lead of a recording, readable in any range.
class SampleSource {
 public:
  virtual ~SampleSource() = default;
  virtual int64_t length() const = 0;      // samples
  virtual double sample_rate() const = 0;  // Hz
  // Writes samples [first, first + count) (0 <= first, first + count <= length()) to out.
  virtual void read(int64_t first, int64_t count, float* out) = 0;
};

// A lead already in memory (the Record outlives the source).
class RecordLeadSource : public SampleSource {
 public:
  RecordLeadSource(const Record& record, int leadIndex);
  int64_t length() const override;
  double sample_rate() const override { return fs_; }
  void read(int64_t first, int64_t count, float* out) override;

 private:
  const std::vector<float>& samples_;
  double fs_;
};

// One signal of a WFDB record decoded on demand from byte ranges of its signal files, so that a 24-hour
// record costs one chunk of bytes and floats in memory, never the whole file (in the browser the file
// stays a JS ArrayBuffer and only the ranges asked for are copied into the WASM heap).
class WfdbRangeSource : public SampleSource {
 public:
  // fileSize(name): the size of a signal file in bytes, or -1 when it is missing (wfdb_signal_missing).
  // readBytes(name, offset, length): those bytes of the file (the range always lies within the file).
  using FileSize = std::function<int64_t(const std::string& name)>;
  using ReadBytes = std::function<std::vector<uint8_t>(const std::string& name, int64_t offset, int64_t length)>;
  WfdbRangeSource(io::WfdbHeader header, FileSize fileSize, ReadBytes readBytes, int signalIndex);
  int64_t length() const override { return frames_ * spf_; }
  double sample_rate() const override { return header_.samplingFrequency * spf_; }
  void read(int64_t first, int64_t count, float* out) override;

 private:
  struct File {
    std::string name;
    int format = 0;
    int64_t offset = 0, size = 0;  // byte offset of the samples, file size
    int frameSize = 0, maxSkew = 0;
  };
  io::WfdbHeader header_;
  ReadBytes readBytes_;
  std::vector<File> files_;
  int signal_;
  int spf_;
  int64_t frames_;
};

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
