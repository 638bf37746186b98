#pragma once
// A parsed JSON document, read-only: what the core reads (model files, options and annotation lists from JS).
// nlohmann/json's SAX parser does the lexing and reports the errors; the tree is this small type, so that the
// WASM build links one parser instantiation and none of nlohmann's DOM (24 KB of code less).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace av {

// At most this many values in one document, and this deep: a hostile text gets an error, not unbounded memory.
inline constexpr size_t kMaxJsonValues = size_t{1} << 21;  // a 48-hour annotation list holds under 1 000 000
inline constexpr size_t kMaxJsonDepth = 64;

class JsonValue {
 public:
  enum class Kind : unsigned char { Null, Boolean, Integer, Unsigned, Real, String, Array, Object };

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::Null; }
  bool is_boolean() const { return kind_ == Kind::Boolean; }
  bool is_number() const { return kind_ == Kind::Integer || kind_ == Kind::Unsigned || kind_ == Kind::Real; }
  bool is_number_integer() const { return kind_ == Kind::Integer || kind_ == Kind::Unsigned; }
  bool is_number_unsigned() const { return kind_ == Kind::Unsigned; }
  bool is_string() const { return kind_ == Kind::String; }
  bool is_array() const { return kind_ == Kind::Array; }
  bool is_object() const { return kind_ == Kind::Object; }

  // Scalars; a value of another kind reads as false, 0 or "".
  bool boolean() const { return kind_ == Kind::Boolean && integer_ != 0; }
  double number() const;
  int64_t integer() const;  // integers only (0 otherwise); unsigned ones above INT64_MAX read as INT64_MAX
  // Non-negative integers (0 otherwise).
  uint64_t unsigned_integer() const {
    return kind_ == Kind::Unsigned || (kind_ == Kind::Integer && integer_ >= 0) ? static_cast<uint64_t>(integer_) : 0;
  }
  const std::string& string() const { return text_; }

  // Arrays: the elements; objects: the member values (in document order, keys() beside them).
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  const JsonValue* begin() const { return items_.data(); }
  const JsonValue* end() const { return items_.data() + items_.size(); }
  const JsonValue& operator[](size_t i) const { return items_[i]; }
  const JsonValue& front() const { return items_.front(); }

  // Objects: the member of that key (the last one when a key repeats), or null when there is none.
  const JsonValue* find(std::string_view key) const;
  bool contains(std::string_view key) const { return find(key) != nullptr; }
  const JsonValue& operator[](std::string_view key) const;
  const JsonValue& operator[](const char* key) const { return (*this)[std::string_view(key)]; }
  const std::vector<std::string>& keys() const { return keys_; }

 private:
  friend class JsonBuilder;
  Kind kind_ = Kind::Null;
  int64_t integer_ = 0;  // Boolean, Integer and Unsigned (the bits of a uint64_t)
  double real_ = 0.0;
  std::string text_;
  std::vector<JsonValue> items_;
  std::vector<std::string> keys_;
};

// Parses one JSON text (RFC 8259, no comments); throws av::Error("json_invalid") that names the position and the
// problem, or "json_too_large" past kMaxJsonValues or kMaxJsonDepth.
JsonValue parse_json(std::string_view text);
// The same, or a null value when the text is not JSON (for options, where the caller's defaults then apply).
JsonValue parse_json_or_null(std::string_view text);

}  // namespace av
