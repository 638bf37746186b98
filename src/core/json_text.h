#pragma once
// A JSON text written front to back, without building a tree: the writer places the commas. Numbers read back
// as the doubles (or floats) they were (integral ones keep a ".0"; NaN and infinities are null); strings are escaped,
// with invalid UTF-8 as U+FFFD. For the documents the core hands to JS (results, explanations, records).
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace av {

class JsonText {
 public:
  std::string out;

  JsonText& open(char bracket);   // '{' or '['
  JsonText& close(char bracket);  // '}' or ']'
  JsonText& key(std::string_view k);
  JsonText& null();
  JsonText& value(bool v);
  JsonText& value(std::string_view v);
  JsonText& value(const char* v) { return value(std::string_view(v)); }
  JsonText& value(const std::string& v) { return value(std::string_view(v)); }
  JsonText& value(double v);
  JsonText& value(float v);  // 9 significant digits: reads back as the same float, one formatting call
  template <class T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
  JsonText& value(T v) {
    separate();
    out.append(std::to_string(v));
    return *this;
  }
  JsonText& value(const std::optional<double>& v) { return v ? value(*v) : null(); }
  template <class T>
  JsonText& value(const std::vector<T>& list) {
    open('[');
    for (const T& x : list) value(x);
    return close(']');
  }
  template <class T>
  JsonText& member(std::string_view k, const T& v) {
    return key(k).value(v);
  }

 private:
  std::string first_;  // per open bracket: 1 until its first element (a string: one small instantiation)
  bool afterKey_ = false;
  void separate();
  void number(double v);
  void append_number_text(const char* text);
  void string(std::string_view s);
};

}  // namespace av
