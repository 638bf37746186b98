#include "core/sample_source.h"

#include <algorithm>

namespace av {

RecordLeadSource::RecordLeadSource(const Record& record, int leadIndex)
    : samples_(record.leads.at(static_cast<size_t>(leadIndex)).samples), fs_(lead_sample_rate(record, leadIndex)) {}

int64_t RecordLeadSource::length() const { return static_cast<int64_t>(samples_.size()); }

void RecordLeadSource::read(int64_t first, int64_t count, float* out) {
  std::copy_n(samples_.begin() + first, count, out);
}

}  // namespace av
