#include "core/json_value.h"

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/error.h"

namespace av {

double JsonValue::number() const {
  switch (kind_) {
    case Kind::Integer: return static_cast<double>(integer_);
    case Kind::Unsigned: return static_cast<double>(static_cast<uint64_t>(integer_));
    case Kind::Real: return real_;
    default: return 0.0;
  }
}

int64_t JsonValue::integer() const {
  if (kind_ == Kind::Integer) return integer_;
  if (kind_ == Kind::Unsigned)
    return static_cast<uint64_t>(integer_) > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())
               ? std::numeric_limits<int64_t>::max()
               : integer_;
  return 0;
}

const JsonValue* JsonValue::find(std::string_view key) const {
  if (kind_ != Kind::Object) return nullptr;
  for (size_t i = keys_.size(); i-- > 0;)
    if (keys_[i] == key) return &items_[i];
  return nullptr;
}

const JsonValue& JsonValue::operator[](std::string_view key) const {
  static const JsonValue null;
  const JsonValue* v = find(key);
  return v ? *v : null;
}

// nlohmann's SAX events -> a JsonValue tree. The open containers are a stack of pointers: only the innermost one
// grows, so the pointers into its parents stay valid.
class JsonBuilder {
 public:
  using Json = nlohmann::ordered_json;

  JsonValue root;
  std::string error, errorCode = "json_invalid";

  bool null() { return leaf(JsonValue::Kind::Null) != nullptr; }
  bool boolean(bool b) {
    JsonValue* v = leaf(JsonValue::Kind::Boolean);
    if (v) v->integer_ = b;
    return v != nullptr;
  }
  bool number_integer(Json::number_integer_t x) {
    JsonValue* v = leaf(JsonValue::Kind::Integer);
    if (v) v->integer_ = x;
    return v != nullptr;
  }
  bool number_unsigned(Json::number_unsigned_t x) {
    JsonValue* v = leaf(x > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) ? JsonValue::Kind::Unsigned
                                                                                   : JsonValue::Kind::Integer);
    if (v) v->integer_ = static_cast<int64_t>(x);
    return v != nullptr;
  }
  bool number_float(Json::number_float_t x, const std::string&) {
    JsonValue* v = leaf(JsonValue::Kind::Real);
    if (v) v->real_ = x;
    return v != nullptr;
  }
  bool string(std::string& s) {
    JsonValue* v = leaf(JsonValue::Kind::String);
    if (v) v->text_ = std::move(s);
    return v != nullptr;
  }
  bool binary(Json::binary_t&) { return false; }  // JSON text has none
  bool start_object(size_t) { return open(JsonValue::Kind::Object); }
  bool start_array(size_t) { return open(JsonValue::Kind::Array); }
  bool key(std::string& k) {
    JsonValue* o = open_.back();
    o->keys_.push_back(std::move(k));
    o->items_.emplace_back();
    return true;
  }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool parse_error(size_t, const std::string&, const nlohmann::detail::exception& ex) {
    error = ex.what();
    return false;
  }

 private:
  std::vector<JsonValue*> open_;
  size_t values_ = 0;

  JsonValue* slot() {
    if (++values_ > kMaxJsonValues) return too_large("more than 2097152 values");
    if (open_.empty()) return &root;
    JsonValue* top = open_.back();
    if (top->kind_ == JsonValue::Kind::Array) return &top->items_.emplace_back();
    return &top->items_.back();  // the member that key() added
  }
  JsonValue* leaf(JsonValue::Kind kind) {
    JsonValue* v = slot();
    if (v) v->kind_ = kind;
    return v;
  }
  bool open(JsonValue::Kind kind) {
    if (open_.size() >= kMaxJsonDepth) return too_large("nested deeper than 64 levels") != nullptr;
    JsonValue* v = leaf(kind);
    if (!v) return false;
    open_.push_back(v);
    return true;
  }
  bool close() {
    open_.pop_back();
    return true;
  }
  JsonValue* too_large(const char* what) {
    errorCode = "json_too_large";
    error = std::string("the JSON text holds ") + what;
    return nullptr;
  }
};

JsonValue parse_json(std::string_view text) {
  JsonBuilder b;
  if (!JsonBuilder::Json::sax_parse(text.begin(), text.end(), &b) || !b.error.empty())
    throw Error(b.errorCode, b.error.empty() ? "invalid JSON" : b.error);
  return std::move(b.root);
}

JsonValue parse_json_or_null(std::string_view text) {
  try {
    return parse_json(text);
  } catch (const Error&) {
    return JsonValue();
  }
}

}  // namespace av
