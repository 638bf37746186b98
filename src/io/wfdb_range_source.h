#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/sample_source.h"
#include "io/wfdb_header.h"

namespace av::io {

// One signal of a WFDB record decoded on demand from byte ranges of its signal files, so that a 24-hour
// record costs one chunk of bytes and floats in memory, never the whole file (in the browser the file
// stays a JS ArrayBuffer and only the ranges asked for are copied into the WASM heap).
class WfdbRangeSource : public SampleSource {
 public:
  // fileSize(name): the size of a signal file in bytes, or -1 when it is missing (wfdb_signal_missing).
  // readBytes(name, offset, length): those bytes of the file (the range always lies within the file).
  using FileSize = std::function<int64_t(const std::string& name)>;
  using ReadBytes = std::function<std::vector<uint8_t>(const std::string& name, int64_t offset, int64_t length)>;
  WfdbRangeSource(WfdbHeader header, FileSize fileSize, ReadBytes readBytes, int signalIndex);
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
  WfdbHeader header_;
  ReadBytes readBytes_;
  std::vector<File> files_;
  int signal_;
  int spf_;
  int64_t frames_;
};

}  // namespace av::io
