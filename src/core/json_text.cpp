#include "core/json_text.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace av {
namespace {

// Length of the valid UTF-8 sequence at s[i] (2-4 bytes), or 0 when the bytes there are not one.
size_t utf8_length(std::string_view s, size_t i) {
  const auto at = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = at(i);
  size_t n = 0;
  unsigned lo = 0x80, hi = 0xBF;  // allowed range of the second byte (no overlongs, surrogates or > U+10FFFF)
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c >= 0xE0 && c <= 0xEF) n = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
  else if (c >= 0xF0 && c <= 0xF4) n = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
  else return 0;
  if (i + n > s.size() || at(i + 1) < lo || at(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k)
    if (at(i + k) < 0x80 || at(i + k) > 0xBF) return 0;
  return n;
}

}  // namespace

JsonText& JsonText::open(char bracket) {
  separate();
  out.push_back(bracket);
  first_.push_back(1);
  return *this;
}

JsonText& JsonText::close(char bracket) {
  out.push_back(bracket);
  first_.pop_back();
  return *this;
}

JsonText& JsonText::key(std::string_view k) {
  separate();
  string(k);
  out.push_back(':');
  afterKey_ = true;
  return *this;
}

JsonText& JsonText::null() {
  separate();
  out.append("null");
  return *this;
}

JsonText& JsonText::value(bool v) {
  separate();
  out.append(v ? "true" : "false");
  return *this;
}

JsonText& JsonText::value(std::string_view v) {
  separate();
  string(v);
  return *this;
}

JsonText& JsonText::value(double v) {
  separate();
  number(v);
  return *this;
}

void JsonText::separate() {
  if (afterKey_) {
    afterKey_ = false;
    return;
  }
  if (first_.empty()) return;
  if (!first_.back()) out.push_back(',');
  first_.back() = 0;
}

// The shortest of %.15g-%.17g that reads back as the same double.
void JsonText::number(double v) {
  if (!std::isfinite(v)) return out.append("null"), void();
  char buf[40];
  for (int precision = 15; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  append_number_text(buf);
}

JsonText& JsonText::value(float v) {
  separate();
  if (!std::isfinite(v)) return out.append("null"), *this;
  char buf[24];
  std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(v));
  append_number_text(buf);
  return *this;
}

void JsonText::append_number_text(const char* text) {
  const std::string_view t(text);
  out.append(t);
  if (t.find_first_of(".eE") == std::string_view::npos) out.append(".0");
}

// Quotes and backslashes escaped, control characters as \uXXXX (or \b \f \n \r \t), invalid UTF-8 as U+FFFD.
void JsonText::string(std::string_view s) {
  out.push_back('"');
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const size_t n = utf8_length(s, i);
      if (n) out.append(s.substr(i, n)), i += n;
      else out.append("\xEF\xBF\xBD"), ++i;
      continue;
    }
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      default:
        if (c < 0x20) {
          char esc[8];
          std::snprintf(esc, sizeof esc, "\\u%04x", c);
          out.append(esc);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out.push_back('"');
}

}  // namespace av
