// Differential fuzzing of core/json_value.h against nlohmann's own DOM parser: the same texts are accepted (up to
// JsonValue's depth and size bounds) with the same tree, and rejected with the same message.
#include <nlohmann/json.hpp>

#include "core/json_value.h"
#include "fuzz_common.h"

namespace {

using nlohmann::ordered_json;

bool same(const av::JsonValue& v, const ordered_json& j) {
  switch (j.type()) {
    case ordered_json::value_t::null: return v.is_null();
    case ordered_json::value_t::boolean: return v.is_boolean() && v.boolean() == j.get<bool>();
    case ordered_json::value_t::number_integer: return v.is_number_integer() && v.integer() == j.get<int64_t>();
    case ordered_json::value_t::number_unsigned: return v.is_number_integer() && v.unsigned_integer() == j.get<uint64_t>();
    case ordered_json::value_t::number_float:
      return v.kind() == av::JsonValue::Kind::Real && (v.number() == j.get<double>());
    case ordered_json::value_t::string: return v.is_string() && v.string() == j.get<std::string>();
    case ordered_json::value_t::array:
      if (!v.is_array() || v.size() != j.size()) return false;
      for (size_t i = 0; i < j.size(); ++i)
        if (!same(v[i], j[i])) return false;
      return true;
    case ordered_json::value_t::object:
      if (!v.is_object()) return false;
      for (const auto& [key, member] : j.items()) {
        const av::JsonValue* m = v.find(key);
        if (!m || !same(*m, member)) return false;
      }
      for (const std::string& k : v.keys())
        if (!j.contains(k)) return false;
      return true;
    default: return false;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  ordered_json theirs;
  std::string theirError;
  try {
    theirs = ordered_json::parse(text);
  } catch (const ordered_json::exception& e) {
    theirError = e.what();
  }
  try {
    const av::JsonValue ours = av::parse_json(text);
    if (!theirError.empty() || !same(ours, theirs)) __builtin_trap();
  } catch (const av::Error& e) {
    if (e.code() == "json_too_large") return 0;  // depth or size bound, before or instead of nlohmann's verdict
    if (e.code() != "json_invalid" || theirError != e.what()) __builtin_trap();
  }
  return 0;
}
