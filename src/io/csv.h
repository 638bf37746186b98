#pragma once
// CSV / delimited text ECG input: delimiter and header detection, an optional time or sample-index
// column, one lead per remaining column.
#include <string_view>

#include "core/record.h"

namespace av::io {

struct CsvOptions {
  // Hz. Used when the file has no time column (a sample-index column carries no rate). When the file
  // has a time column, the rate comes from it and this is ignored.
  double sampleRate = 0.0;
  // ',', ';', '\t' or ' ' (runs of spaces/tabs); '\0' detects it from the first lines.
  char delimiter = '\0';
};

// Parses CSV text. Leads take their names from the header row (or "column N"); a second header row,
// when present, gives units (uV and V are converted to mV). Empty cells, "-" and "NaN" are missing
// samples and repeat the previous value. The first column is a time column when its header says so
// (time, sec, ms, ...) or, without a header, when it rises steadily; milliseconds are recognised by name
// or by a step too large for seconds. Errors: csv_no_numbers, csv_no_sample_rate, csv_ragged,
// csv_invalid_number, csv_time_invalid, csv_too_many_columns.
Record read_csv(std::string_view text, const CsvOptions& options = {});

}  // namespace av::io
