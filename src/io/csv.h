#pragma once
// CSV / delimited text ECG input: delimiter and header detection, an optional time or sample-index
// column, one lead per remaining column.
#include <string_view>

#include "core/record.h"

namespace av::io {

struct CsvOptions {
  // Hz. Used when the file has no time column (a sample-index column carries no rate) and no metadata line
  // giving the rate. When the file has either, the rate comes from the file and this is ignored.
  double sampleRate = 0.0;
  // ',', ';', '\t' or ' ' (runs of spaces/tabs); '\0' detects it from the first lines.
  char delimiter = '\0';
};

// Parses CSV text. Leads take their names from the header row (or "column N"); a second header row,
// when present, gives units (uV and V are converted to mV), and so does a unit in the header itself
// ("ECG (uV)", "ECG [mV]"; the name is then "ECG"). Fields may be quoted (RFC 4180: "Watch4,1" is one
// field); a quoted number may use a decimal comma, and so may any number when the delimiter is not a comma.
// Empty cells, "-" and "NaN" are missing samples and repeat the previous value. The first column is a
// time column when its header says so (time, sec, ms, ...) or, without a header, when it rises steadily;
// milliseconds are recognised by name or by a step too large for seconds.
// Exports that open with metadata lines and then give one column (the Apple Watch ECG export: "Name,...",
// "Recorded Date,...", "Classification,...", "Device,...", "Sample Rate,512 hertz", "Lead,Lead I",
// "Unit,µV", then the samples) are read too: every such line is kept in Record::metadata in file order;
// "Sample Rate" / "Sampling Frequency" (512, "512 Hz", "512 hertz", "512,5 Hz", "1 kHz") gives the rate,
// "Unit" / "Units" the units of columns whose header names none, and "Lead" the name of a single unnamed lead.
// "# key: value" comment lines count as metadata too. Errors: csv_no_numbers, csv_no_sample_rate, csv_ragged,
// csv_invalid_number, csv_time_invalid, csv_too_many_columns, csv_metadata_invalid (a rate line that is no rate).
Record read_csv(std::string_view text, const CsvOptions& options = {});

}  // namespace av::io
