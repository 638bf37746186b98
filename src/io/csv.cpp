#include "io/csv.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/limits.h"
#include "io/text_util.h"

namespace av::io {
namespace {

constexpr size_t kMaxColumns = 1024;  // parsing bound; at most limits::kMaxSignals of them may be leads

std::string lower(std::string_view s) {
  std::string out;
  for (char c : s) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view unquote(std::string_view s) {
  s = detail::trim(s);
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) s = s.substr(1, s.size() - 2);
  return detail::trim(s);
}

void split_into(std::string_view line, char delim, std::vector<std::string_view>& out) {
  out.clear();
  if (delim == ' ') {
    size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
      size_t j = i;
      while (j < line.size() && line[j] != ' ' && line[j] != '\t' && line[j] != '\r') ++j;
      if (j > i) out.push_back(line.substr(i, j - i));
      i = j;
    }
    return;
  }
  if (line.find('"') == std::string_view::npos) {  // the common case: no quoting
    size_t start = 0;
    for (size_t i = 0; i <= line.size(); ++i) {
      if (i == line.size() || line[i] == delim) {
        out.push_back(line.substr(start, i - start));
        start = i + 1;
      }
    }
    return;
  }
  // RFC 4180 quoting: a field that starts with '"' (after spaces) runs to its closing quote ("" inside is a quote),
  // so that "Watch4,1" or "1,5" stays one field. The field keeps its quotes; unquote() removes them.
  size_t start = 0, i = 0;
  while (i <= line.size()) {
    size_t k = start;
    while (k < line.size() && (line[k] == ' ' || line[k] == '\t')) ++k;
    if (k < line.size() && line[k] == '"') {
      size_t q = k + 1;
      for (;;) {
        q = line.find('"', q);
        if (q == std::string_view::npos) { q = line.size(); break; }
        if (q + 1 < line.size() && line[q + 1] == '"') { q += 2; continue; }
        break;
      }
      i = q < line.size() ? q + 1 : q;
    } else {
      i = start;
    }
    while (i < line.size() && line[i] != delim) ++i;
    out.push_back(line.substr(start, i - start));
    if (i >= line.size()) break;
    start = ++i;
    if (start == line.size()) {  // a trailing delimiter ends on an empty field
      out.push_back(std::string_view{});
      break;
    }
  }
}

std::vector<std::string_view> split(std::string_view line, char delim) {
  std::vector<std::string_view> out;
  split_into(line, delim, out);
  return out;
}

bool is_missing(std::string_view cell) {
  const std::string_view c = unquote(cell);
  if (c.empty() || c == "-") return true;
  if (c.size() > 4 || !std::isalpha(static_cast<unsigned char>(c.front()))) return false;
  const std::string l = lower(c);
  return l == "nan" || l == "na" || l == "null";
}

// A number, accepting a decimal comma when the delimiter is not a comma (European exports).
std::optional<double> number(std::string_view cell, char delim) {
  const std::string_view t = detail::trim(cell);
  const bool quoted = !t.empty() && t.front() == '"';
  std::string_view c = unquote(cell);
  double v = 0;
  if (detail::parse_double(c, v)) return v;
  // A decimal comma: where the delimiter is not a comma, or inside a quoted field ("-59,808").
  if ((delim != ',' || quoted) && c.find(',') != std::string_view::npos && c.find('.') == std::string_view::npos) {
    std::string d(c);
    std::replace(d.begin(), d.end(), ',', '.');
    if (detail::parse_double(d, v)) return v;
  }
  return std::nullopt;
}

bool numeric_row(const std::vector<std::string_view>& cells, char delim) {
  bool any = false;
  for (std::string_view c : cells) {
    if (is_missing(c)) continue;
    if (!number(c, delim)) return false;
    any = true;
  }
  return any;
}

size_t count_outside_quotes(std::string_view line, char d) {
  size_t n = 0;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') quoted = !quoted;
    else if (c == d && !quoted) ++n;
  }
  return n;
}

char detect_delimiter(const std::vector<std::string_view>& lines) {
  // The candidate found in the first line that recurs with the same count in most of the first lines;
  // ties go to the more frequent one. None found: whitespace.
  char best = ' ';
  size_t bestScore = 0, bestCount = 0;
  for (char d : {',', ';', '\t'}) {
    const size_t count = count_outside_quotes(lines[0], d);
    if (count == 0) continue;
    size_t score = 0;
    for (size_t i = 0; i < lines.size() && i < 10; ++i)
      if (count_outside_quotes(lines[i], d) == count) ++score;
    if (score > bestScore || (score == bestScore && count > bestCount)) best = d, bestScore = score, bestCount = count;
  }
  return best;
}

enum class TimeKind { None, Seconds, Milliseconds, Index };

TimeKind time_kind_from_name(std::string_view header, std::string_view units) {
  const std::string h = lower(unquote(header)), u = lower(unquote(units));
  auto has = [&](const char* w) { return h.find(w) != std::string::npos; };
  if (h == "#" || h == "n" || has("sample") || has("index")) return TimeKind::Index;
  if (h == "ms" || has("msec") || has("millisec") || has("(ms)") || has("[ms]") || has("_ms") || has(" ms") ||
      u == "ms" || u == "msec")
    return TimeKind::Milliseconds;
  if (h == "t" || has("time") || has("sec") || h == "s" || has("(s)") || has("[s]")) return TimeKind::Seconds;
  return TimeKind::None;
}

bool explicit_seconds(std::string_view header, std::string_view units) {
  const std::string h = lower(unquote(header)), u = lower(unquote(units));
  return h.find("sec") != std::string::npos || h.find("(s)") != std::string::npos ||
         h.find("[s]") != std::string::npos || u == "s" || u == "sec" || u == "seconds";
}

// Units from a units row, or from the header as in "MLII (uV)", "V5 [mV]", "ECG_uV"; 0 when neither names a voltage.
// *bare receives the header without its unit suffix ("MLII (uV)" -> "MLII").
double mv_per_unit(std::string_view header, std::string_view units, std::string_view* bare = nullptr) {
  const std::string_view h = unquote(header);
  if (bare) *bare = h;
  double fromHeader = 0.0;
  for (auto [open, close] : {std::pair{'(', ')'}, std::pair{'[', ']'}}) {
    const size_t a = h.rfind(open), b = h.rfind(close);
    if (a != std::string_view::npos && b != std::string_view::npos && b > a && detail::trim(h.substr(b + 1)).empty()) {
      const double m = detail::millivolts_per_unit(h.substr(a + 1, b - a - 1));
      if (m > 0) {
        fromHeader = m;
        if (bare && a > 0) *bare = detail::trim(h.substr(0, a));
        break;
      }
    }
  }
  if (!units.empty()) {
    const double m = detail::millivolts_per_unit(unquote(units));
    if (m > 0) return m;
  }
  return fromHeader;
}

// Text of a field: outer quotes removed, "" inside read as one quote.
std::string field_text(std::string_view cell) {
  const std::string_view t = detail::trim(cell);
  if (t.size() >= 2 && t.front() == '"' && t.back() == '"') {
    std::string out;
    for (size_t i = 1; i + 1 < t.size(); ++i) {
      out += t[i];
      if (t[i] == '"' && i + 2 < t.size() && t[i + 1] == '"') ++i;
    }
    return std::string(detail::trim(out));
  }
  return std::string(unquote(t));
}

// A metadata key, normalised: lower case, '_' and '-' as spaces, no trailing ':' or '='.
std::string metadata_key(std::string_view key) {
  std::string k;
  for (char c : detail::trim(key)) {
    const char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    k += (l == '_' || l == '-') ? ' ' : l;
  }
  while (!k.empty() && (k.back() == ':' || k.back() == '=' || k.back() == ' ')) k.pop_back();
  return k;
}

enum class MetaKind { Other, Rate, Unit, Lead };

// What a key names; known tells whether it is one of the keys exports write before their samples (Apple Watch:
// Name, Date of Birth, Recorded Date, Classification, Symptoms, Software Version, Device, Sample Rate, Lead, Unit).
MetaKind metadata_kind(const std::string& k, bool* known = nullptr) {
  static const char* const kRate[] = {"sample rate", "sampling rate", "sampling frequency", "sample frequency",
                                      "samplerate", "samplingrate", "fs", "sample rate (hz)", "sampling rate (hz)",
                                      "sampling frequency (hz)"};
  static const char* const kUnit[] = {"unit", "units", "signal unit", "signal units", "ecg unit", "ecg units"};
  static const char* const kLead[] = {"lead", "leads", "lead name"};
  // Not "time", "date" or "id": those name columns too.
  static const char* const kOther[] = {"name", "date of birth", "recorded date", "recording date", "classification",
                                       "symptoms", "software version", "device", "patient id", "patient name"};
  if (known) *known = true;
  for (const char* r : kRate) if (k == r) return MetaKind::Rate;
  for (const char* u : kUnit) if (k == u) return MetaKind::Unit;
  for (const char* l : kLead) if (k == l) return MetaKind::Lead;
  for (const char* o : kOther) if (k == o) return MetaKind::Other;
  if (known) *known = false;
  return MetaKind::Other;
}

// "512 hertz", "512 Hz", "512,5 Hz", "1 kHz", "250 samples/s", "250 sps", "360": Hz, or false.
bool parse_rate(std::string_view text, double& hz) {
  std::string_view t = detail::trim(text);
  size_t n = 0;
  while (n < t.size() && (std::isdigit(static_cast<unsigned char>(t[n])) || t[n] == '.' || t[n] == ',' || t[n] == '+'))
    ++n;
  std::string num(t.substr(0, n));
  if (num.find('.') == std::string::npos) std::replace(num.begin(), num.end(), ',', '.');
  double v = 0;
  if (!detail::parse_double(num, v)) return false;
  const std::string unit = metadata_key(t.substr(n));
  double k = 0;
  if (unit.empty() || unit == "hz" || unit == "hertz" || unit == "sps" || unit == "/s" || unit == "1/s" ||
      unit == "samples/s" || unit == "samples/sec" || unit == "samples/second" || unit == "samples per second" ||
      unit == "per second" || unit == "s^ 1" || unit == "s 1")
    k = 1.0;
  else if (unit == "khz" || unit == "kilohertz")
    k = 1000.0;
  if (k == 0 || !(v > 0)) return false;
  hz = v * k;
  return true;
}

// One metadata line: "key,value[,more]" (the value keeps its delimiters, quotes removed), or "key: value" /
// "key = value". Returns false for a line without a key.
bool metadata_entry(std::string_view line, char delim, std::pair<std::string, std::string>& out) {
  std::string_view t = detail::trim(line);
  size_t cut = std::string_view::npos;
  if (delim != ' ') {
    std::vector<std::string_view> cells;
    split_into(t, delim, cells);
    if (cells.size() >= 2) cut = static_cast<size_t>(cells[0].size());
  }
  if (cut == std::string_view::npos) {
    const size_t colon = t.find_first_of(":=");
    if (colon != std::string_view::npos && colon > 0) cut = colon;
  }
  if (cut == std::string_view::npos) {
    out = {field_text(t), std::string()};
  } else {
    out = {field_text(t.substr(0, cut)), field_text(t.substr(cut + 1))};
  }
  if (out.first.size() > 200) out.first.resize(200);
  if (out.second.size() > 1000) out.second.resize(1000);
  return !out.first.empty();
}

}  // namespace

Record read_csv(std::string_view text, const CsvOptions& options) {
  if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF) text.remove_prefix(3);  // UTF-8 BOM
  std::vector<std::string_view> lines, comments;
  for (std::string_view l : detail::split_lines(text)) {
    const std::string_view t = detail::trim(l);
    if (t.empty()) continue;
    if (t.front() == '#') {
      if (comments.size() < 256) comments.push_back(t.substr(1));
      continue;
    }
    lines.push_back(l);
  }
  if (lines.empty()) throw Error("csv_no_numbers", "the file holds no data");

  char delim = options.delimiter ? options.delimiter : detect_delimiter(lines);
  if (!options.delimiter && delim == ' ') {
    // No delimiter in the first line, which may be a metadata line ("Sample Rate: 512 Hz"): look at the data.
    for (size_t i = 0; i < lines.size() && i < 1000; ++i) {
      const std::string_view t = detail::trim(lines[i]);
      const unsigned char c0 = static_cast<unsigned char>(t.front() == '"' && t.size() > 1 ? t[1] : t.front());
      if (std::isdigit(c0) || c0 == '-' || c0 == '+' || c0 == '.') {
        delim = detect_delimiter(std::vector<std::string_view>(lines.begin() + static_cast<std::ptrdiff_t>(i), lines.end()));
        break;
      }
    }
  }
  // Leading rows that are not numbers: metadata lines ("Sample Rate,512 hertz"), then header rows (names, then
  // optionally units).
  size_t first = 0;
  while (first < lines.size() && !numeric_row(split(lines[first], delim), delim)) ++first;
  if (first == lines.size()) throw Error("csv_no_numbers", "no row of numbers found");

  const size_t ncol = split(lines[first], delim).size();
  // Header rows: up to two rows just above the numbers with as many fields as they have, and not a metadata line
  // of a known key. Everything above them is metadata.
  size_t headerStart = first;
  const bool wholeLine = ncol == 1 && delim == ' ';  // one column: a header "ECG [mV]" is one name, spaces and all
  auto header_row = [&](size_t r) {
    return wholeLine ? std::vector<std::string_view>{detail::trim(lines[r])} : split(lines[r], delim);
  };
  while (headerStart > 0 && first - headerStart < 2) {
    const std::vector<std::string_view> row = header_row(headerStart - 1);
    if (wholeLine && row[0].find_first_of(":=") != std::string_view::npos) break;
    bool known = false;
    std::pair<std::string, std::string> kv;
    if (metadata_entry(lines[headerStart - 1], delim, kv)) metadata_kind(metadata_key(kv.first), &known);
    if (row.size() != ncol || (known && ncol <= 2)) break;
    --headerStart;
  }
  Record rec;
  double metaRate = 0.0, metaScale = 0.0;
  std::string metaUnits, metaLead;
  auto take_metadata = [&](std::string_view line, size_t lineNo) {
    std::pair<std::string, std::string> kv;
    if (!metadata_entry(line, delim, kv)) return;
    const MetaKind kind = metadata_kind(metadata_key(kv.first));
    const std::string where = lineNo ? "line " + std::to_string(lineNo) : std::string("comment");
    if (kind == MetaKind::Rate && !kv.second.empty()) {
      if (!parse_rate(kv.second, metaRate))
        throw Error("csv_metadata_invalid", "'" + kv.first + "' is not a sampling rate: '" + kv.second.substr(0, 40) + "'",
                    where);
    } else if (kind == MetaKind::Unit && !kv.second.empty()) {
      metaUnits = kv.second;
      metaScale = detail::millivolts_per_unit(kv.second);
    } else if (kind == MetaKind::Lead && !kv.second.empty()) {
      metaLead = kv.second;
    }
    if (rec.metadata.size() < 256) rec.metadata.push_back(std::move(kv));
  };
  for (std::string_view c : comments) {
    // Comment lines count as metadata only in the "key: value" / "key = value" shape.
    const std::string_view t = detail::trim(c);
    const size_t colon = t.find_first_of(":=");
    if (colon != std::string_view::npos && colon > 0 && colon < 60) take_metadata(t, 0);
  }
  for (size_t r = 0; r < headerStart; ++r) take_metadata(lines[r], r + 1);
  const std::vector<std::string_view> names =
      first - headerStart >= 1 ? header_row(headerStart) : std::vector<std::string_view>{};
  const std::vector<std::string_view> units =
      first - headerStart >= 2 ? header_row(headerStart + 1) : std::vector<std::string_view>{};

  if (ncol > kMaxColumns) throw Error("csv_too_many_columns", std::to_string(ncol) + " columns");
  limits::check_record_samples(static_cast<int64_t>(ncol) * static_cast<int64_t>(lines.size() - first));
  auto header_at = [&](const std::vector<std::string_view>& row, size_t c) {
    return row.size() == ncol ? row[c] : std::string_view{};
  };

  // Parse every cell, column-major; missing cells are NaN for now.
  std::vector<std::vector<double>> cols(ncol);
  const size_t nrows = lines.size() - first;
  std::vector<std::string_view> cells;
  for (size_t r = first; r < lines.size(); ++r) {
    split_into(lines[r], delim, cells);
    if (cells.size() != ncol)
      throw Error("csv_ragged", "expected " + std::to_string(ncol) + " fields, found " + std::to_string(cells.size()),
                  "row " + std::to_string(r + 1));
    for (size_t c = 0; c < ncol; ++c) {
      if (is_missing(cells[c])) {
        cols[c].push_back(NAN);
        continue;
      }
      const std::optional<double> v = number(cells[c], delim);
      if (!v)
        throw Error("csv_invalid_number", "'" + std::string(unquote(cells[c])).substr(0, 40) + "' is not a number",
                    "row " + std::to_string(r + 1) + ", column " + std::to_string(c + 1));
      cols[c].push_back(*v);
    }
  }

  // Is the first column time (or a sample index)?
  TimeKind kind = TimeKind::None;
  size_t filledColumns = 0;  // a trailing delimiter on every row ("-18.5,") makes an empty column, not a lead
  for (const std::vector<double>& col : cols)
    if (!std::all_of(col.begin(), col.end(), [](double v) { return std::isnan(v); })) ++filledColumns;
  if (ncol >= 2 && filledColumns >= 2) {
    if (!names.empty()) {
      kind = time_kind_from_name(header_at(names, 0), header_at(units, 0));
    } else {
      // No header: a first column that rises steadily is time; integer steps of exactly 1 are an index.
      const std::vector<double>& t = cols[0];
      bool rising = nrows >= 2;
      bool unitSteps = true;
      for (size_t i = 1; i < nrows && rising; ++i) {
        if (!(t[i] > t[i - 1])) rising = false;
        if (t[i] - t[i - 1] != 1.0 || t[i] != std::floor(t[i])) unitSteps = false;
      }
      if (rising) kind = unitSteps ? TimeKind::Index : TimeKind::Seconds;
    }
  }

  double rate = 0.0;
  if (kind == TimeKind::Seconds || kind == TimeKind::Milliseconds) {
    const std::vector<double>& t = cols[0];
    for (size_t i = 0; i < nrows; ++i)
      if (std::isnan(t[i]) || (i > 0 && t[i] < t[i - 1]))
        throw Error("csv_time_invalid", "the time column must be present and non-decreasing in every row",
                    "row " + std::to_string(first + i + 1));
    const double span = nrows >= 2 ? t[nrows - 1] - t[0] : 0.0;
    if (!(span > 0)) throw Error("csv_time_invalid", "the time column does not advance");
    double step = span / static_cast<double>(nrows - 1);
    // A time column not explicitly in seconds whose step is too long for seconds (below 20 Hz) is in ms.
    if (kind == TimeKind::Seconds && !explicit_seconds(header_at(names, 0), header_at(units, 0)) && step > 0.05)
      kind = TimeKind::Milliseconds;
    if (kind == TimeKind::Milliseconds) step /= 1000.0;
    rate = 1.0 / step;
  } else {
    // The file's own statement ("Sample Rate,512 hertz") wins over the caller's default.
    rate = metaRate > 0 ? metaRate : options.sampleRate;
    if (!(rate > 0) || !std::isfinite(rate))
      throw Error("csv_no_sample_rate", "the file has no time column and no 'Sample Rate' line; give the sample rate");
  }
  limits::check_read_sample_rate(rate, kind == TimeKind::None || kind == TimeKind::Index ? "sample_rate_out_of_range"
                                                                                        : "csv_time_invalid");

  rec.sampleRate = rate;
  const size_t firstLead = kind == TimeKind::None ? 0 : 1;
  for (size_t c = firstLead; c < ncol; ++c) {
    std::vector<double>& col = cols[c];
    if (std::all_of(col.begin(), col.end(), [](double v) { return std::isnan(v); })) continue;  // e.g. trailing ','
    Lead lead;
    std::string_view name;
    double scale = mv_per_unit(header_at(names, c), header_at(units, c), &name);
    lead.name = name.empty() ? "column " + std::to_string(c + 1) : std::string(name);
    if (scale == 0 && metaScale > 0) scale = metaScale;          // "Unit,µV" for the whole file
    if (scale == 0 && !unquote(header_at(units, c)).empty()) lead.units = std::string(unquote(header_at(units, c)));
    else if (scale == 0 && !metaUnits.empty()) lead.units = metaUnits;  // not a voltage: kept as written
    if (scale == 0) scale = 1.0;                                  // assumed mV
    lead.samples.resize(nrows);
    float last = 0.0f;
    for (size_t i = 0; i < nrows; ++i) {
      if (!std::isnan(col[i])) last = static_cast<float>(col[i] * scale);
      lead.samples[i] = last;
    }
    rec.leads.push_back(std::move(lead));
    std::vector<double>().swap(col);
  }
  if (rec.leads.empty()) throw Error("csv_no_numbers", "no column holds samples");
  if (rec.leads.size() == 1 && names.empty() && !metaLead.empty()) rec.leads[0].name = metaLead;  // "Lead,Lead I"
  limits::check_signal_count(static_cast<int64_t>(rec.leads.size()), "csv_too_many_columns");
  return rec;
}

}  // namespace av::io
