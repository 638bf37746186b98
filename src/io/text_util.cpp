#include "io/text_util.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace av::io::detail {

std::string_view trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' || s[b] == '\n')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n')) --e;
  return s.substr(b, e - b);
}

std::vector<std::string_view> split_whitespace(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != '\t') ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' || text[i] == '\r') {
      lines.push_back(text.substr(start, i - start));
      if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      start = i + 1;
    }
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

bool parse_int(std::string_view s, int64_t& out) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

bool parse_int(std::string_view s, int& out) {
  int64_t v = 0;
  if (!parse_int(s, v) || v < INT32_MIN || v > INT32_MAX) return false;
  out = static_cast<int>(v);
  return true;
}

namespace {

// Fast path for the common "-12.345" / "1e-3" shapes: up to 19 significant digits and a power of ten
// that is exact in double, so that the result is correctly rounded. Returns false to defer to strtod.
bool parse_simple_decimal(std::string_view s, double& out) {
  static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                      1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
  uint64_t mantissa = 0;
  int digits = 0, scale = 0;
  bool any = false;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, any = true) {
    if (mantissa == 0 && s[i] == '0') continue;  // leading zeros
    if (++digits > 19) return false;
    mantissa = mantissa * 10 + static_cast<uint64_t>(s[i] - '0');
  }
  if (i < s.size() && s[i] == '.') {
    for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, any = true) {
      if (mantissa == 0 && s[i] == '0') { --scale; continue; }
      if (++digits > 19) return false;
      mantissa = mantissa * 10 + static_cast<uint64_t>(s[i] - '0');
      --scale;
    }
  }
  if (!any) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool expNegative = false;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) expNegative = s[i++] == '-';
    int e = 0;
    bool expDigits = false;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, expDigits = true)
      if ((e = e * 10 + (s[i] - '0')) > 400) return false;
    if (!expDigits) return false;
    scale += expNegative ? -e : e;
  }
  if (i != s.size()) return false;
  if (mantissa > (uint64_t{1} << 53) || scale < -22 || scale > 22) return false;  // not exact: let strtod do it
  double v = static_cast<double>(mantissa);
  v = scale < 0 ? v / kPow10[-scale] : v * kPow10[scale];
  out = negative ? -v : v;
  return true;
}

}  // namespace

bool parse_double(std::string_view s, double& out) {
  if (s.empty() || s.size() > 64) return false;
  if (parse_simple_decimal(s, out)) return true;
  // Only plain decimal syntax: digits, sign, point and exponent.
  for (char c : s)
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.' || c == 'e' || c == 'E'))
      return false;
  char copy[65];  // strtod needs a terminated string; no allocation per number
  s.copy(copy, s.size());
  copy[s.size()] = '\0';
  char* end = nullptr;
  const double v = std::strtod(copy, &end);
  if (end != copy + s.size() || !std::isfinite(v)) return false;
  out = v;
  return true;
}

double millivolts_per_unit(std::string_view units) {
  std::string u;
  for (char c : trim(units)) u += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (u == "mv") return 1.0;
  if (u == "uv" || u == "\xc2\xb5v" || u == "\xce\xbcv" || u == "microvolt" || u == "microvolts") return 1e-3;
  if (u == "v" || u == "volt" || u == "volts") return 1e3;
  if (u == "nv") return 1e-6;
  return 0.0;
}

}  // namespace av::io::detail
