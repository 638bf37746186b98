#pragma once
// Small text helpers shared by the readers (internal to src/io). Numbers are parsed strictly: the whole
// field must be consumed, and non-finite values are rejected, so that garbage never becomes a number.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace av::io::detail {

std::string_view trim(std::string_view s);
// Splits on runs of spaces and tabs.
std::vector<std::string_view> split_whitespace(std::string_view s);
// Splits text into lines, accepting LF, CRLF and lone CR line ends.
std::vector<std::string_view> split_lines(std::string_view text);

bool parse_int(std::string_view s, int64_t& out);
bool parse_int(std::string_view s, int& out);
// Decimal floating point (no hex, no inf/nan); uses strtod so that it also builds with Emscripten's libc++.
bool parse_double(std::string_view s, double& out);

// Multiplier that turns a value in `units` into mV, or 0 when the units are not a voltage.
double millivolts_per_unit(std::string_view units);

}  // namespace av::io::detail
