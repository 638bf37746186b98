#pragma once
// One lead of a recording, readable in any range: what the chunked analysis reads (pipeline/stream.h).
#include <cstdint>
#include <vector>

#include "core/record.h"

namespace av {

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

}  // namespace av
