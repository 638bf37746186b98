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
  size_t start = 0;
  for (size_t i = 0; i <= line.size(); ++i) {
    if (i == line.size() || line[i] == delim) {
      out.push_back(line.substr(start, i - start));
      start = i + 1;
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
  std::string_view c = unquote(cell);
  double v = 0;
  if (detail::parse_double(c, v)) return v;
  if (delim != ',' && c.find(',') != std::string_view::npos && c.find('.') == std::string_view::npos) {
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

char detect_delimiter(const std::vector<std::string_view>& lines) {
  // The candidate found in the first line that recurs with the same count in most of the first lines;
  // ties go to the more frequent one. None found: whitespace.
  char best = ' ';
  size_t bestScore = 0, bestCount = 0;
  for (char d : {',', ';', '\t'}) {
    const size_t count = static_cast<size_t>(std::count(lines[0].begin(), lines[0].end(), d));
    if (count == 0) continue;
    size_t score = 0;
    for (size_t i = 0; i < lines.size() && i < 10; ++i)
      if (static_cast<size_t>(std::count(lines[i].begin(), lines[i].end(), d)) == count) ++score;
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

// Units from "MLII (uV)", "V5 [mV]", or a units row.
double mv_per_unit(std::string_view header, std::string_view units) {
  if (!units.empty()) {
    const double m = detail::millivolts_per_unit(unquote(units));
    if (m > 0) return m;
  }
  const std::string_view h = unquote(header);
  for (auto [open, close] : {std::pair{'(', ')'}, std::pair{'[', ']'}}) {
    const size_t a = h.rfind(open), b = h.rfind(close);
    if (a != std::string_view::npos && b != std::string_view::npos && b > a) {
      const double m = detail::millivolts_per_unit(h.substr(a + 1, b - a - 1));
      if (m > 0) return m;
    }
  }
  return 1.0;  // assumed mV
}

}  // namespace

Record read_csv(std::string_view text, const CsvOptions& options) {
  if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF) text.remove_prefix(3);  // UTF-8 BOM
  std::vector<std::string_view> lines;
  for (std::string_view l : detail::split_lines(text)) {
    const std::string_view t = detail::trim(l);
    if (!t.empty() && t.front() != '#') lines.push_back(l);
  }
  if (lines.empty()) throw Error("csv_no_numbers", "the file holds no data");

  const char delim = options.delimiter ? options.delimiter : detect_delimiter(lines);
  // Leading rows that are not numbers are header rows: names, then optionally units.
  size_t first = 0;
  while (first < lines.size() && !numeric_row(split(lines[first], delim), delim)) ++first;
  if (first == lines.size()) throw Error("csv_no_numbers", "no row of numbers found");
  const std::vector<std::string_view> names = first >= 1 ? split(lines[0], delim) : std::vector<std::string_view>{};
  const std::vector<std::string_view> units = first >= 2 ? split(lines[1], delim) : std::vector<std::string_view>{};

  const size_t ncol = split(lines[first], delim).size();
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
  if (ncol >= 2) {
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
    rate = options.sampleRate;
    if (!(rate > 0) || !std::isfinite(rate))
      throw Error("csv_no_sample_rate", "the file has no time column; give the sample rate");
  }
  limits::check_read_sample_rate(rate, kind == TimeKind::None || kind == TimeKind::Index ? "sample_rate_out_of_range"
                                                                                        : "csv_time_invalid");

  Record rec;
  rec.sampleRate = rate;
  const size_t firstLead = kind == TimeKind::None ? 0 : 1;
  for (size_t c = firstLead; c < ncol; ++c) {
    std::vector<double>& col = cols[c];
    if (std::all_of(col.begin(), col.end(), [](double v) { return std::isnan(v); })) continue;  // e.g. trailing ','
    Lead lead;
    const std::string_view name = unquote(header_at(names, c));
    lead.name = name.empty() ? "column " + std::to_string(c + 1) : std::string(name);
    const double scale = mv_per_unit(header_at(names, c), header_at(units, c));
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
  limits::check_signal_count(static_cast<int64_t>(rec.leads.size()), "csv_too_many_columns");
  return rec;
}

}  // namespace av::io
