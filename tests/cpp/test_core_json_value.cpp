// JsonValue (core/json_value.h) against nlohmann's own DOM decoding of the same texts.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

#include "core/error.h"
#include "core/json_value.h"
#include "error_code.h"

namespace fs = std::filesystem;
using av::JsonValue;
using nlohmann::ordered_json;

namespace {

// The same tree: kinds, numbers, strings, element and member order; a repeated key keeps its last value in both.
void check_same(const JsonValue& v, const ordered_json& j) {
  switch (j.type()) {
    case ordered_json::value_t::null: CHECK(v.is_null()); break;
    case ordered_json::value_t::boolean: REQUIRE(v.is_boolean()); CHECK(v.boolean() == j.get<bool>()); break;
    case ordered_json::value_t::number_integer:
      REQUIRE(v.is_number_integer());
      CHECK(v.integer() == j.get<int64_t>());
      break;
    case ordered_json::value_t::number_unsigned:
      REQUIRE(v.is_number_integer());
      CHECK(v.unsigned_integer() == j.get<uint64_t>());
      CHECK(v.number() == j.get<double>());
      break;
    case ordered_json::value_t::number_float:
      REQUIRE(v.kind() == JsonValue::Kind::Real);
      CHECK(v.number() == j.get<double>());
      break;
    case ordered_json::value_t::string: REQUIRE(v.is_string()); CHECK(v.string() == j.get<std::string>()); break;
    case ordered_json::value_t::array:
      REQUIRE(v.is_array());
      REQUIRE(v.size() == j.size());
      for (size_t i = 0; i < j.size(); ++i) check_same(v[i], j[i]);
      break;
    case ordered_json::value_t::object: {
      REQUIRE(v.is_object());
      for (const auto& [key, member] : j.items()) {
        const JsonValue* m = v.find(key);
        REQUIRE(m != nullptr);
        check_same(*m, member);
      }
      // Every key of ours is one of nlohmann's (ours keeps repeats, nlohmann the last of them).
      for (const std::string& k : v.keys()) CHECK(j.contains(k));
      break;
    }
    default: FAIL("unexpected nlohmann type");
  }
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), {}};
}

ordered_json random_tree(std::mt19937& rng, int depth) {
  std::uniform_int_distribution<int> kind(0, depth > 4 ? 5 : 7);
  switch (kind(rng)) {
    case 0: return nullptr;
    case 1: return rng() % 2 == 0;
    case 2: return static_cast<int64_t>(rng()) - (int64_t{1} << 31);
    case 3: return std::ldexp(std::uniform_real_distribution<double>(-1, 1)(rng), static_cast<int>(rng() % 200) - 100);
    case 4: return uint64_t{rng()} << 32 | rng();
    case 5: {
      std::string s;
      static const char* const pieces[] = {"a", "\"", "\\", "\n", "\x01", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"};
      for (int i = rng() % 6; i > 0; --i) s += pieces[rng() % 8];
      return s;
    }
    case 6: {
      ordered_json a = ordered_json::array();
      for (int i = rng() % 5; i > 0; --i) a.push_back(random_tree(rng, depth + 1));
      return a;
    }
    default: {
      ordered_json o = ordered_json::object();
      for (int i = rng() % 5; i > 0; --i) o["k" + std::to_string(rng() % 7)] = random_tree(rng, depth + 1);
      return o;
    }
  }
}

}  // namespace

TEST_CASE("JsonValue reads the shipped model files as nlohmann's DOM does", "[core][json]") {
  int files = 0;
  for (const auto& e : fs::directory_iterator(fs::path(AV_SOURCE_DIR) / "models"))
    if (e.path().extension() == ".json") {
      const std::string text = slurp(e.path());
      INFO(e.path());
      check_same(av::parse_json(text), ordered_json::parse(text));
      ++files;
    }
  CHECK(files >= 8);
}

TEST_CASE("JsonValue: escapes, number kinds, repeated keys and random documents agree with nlohmann", "[core][json]") {
  for (const char* text : {R"({"a":1,"a":[2,{"b":null}],"c":"\u00e9\ud83d\ude00\n"})", "[18446744073709551615,-9223372036854775808,"
                           "9223372036854775807,1e308,-0.0,5e-324,0.1,1E2]", " [ ] ", "{}", "\"x\"", "true", "-12"}) {
    INFO(text);
    check_same(av::parse_json(text), ordered_json::parse(text));
  }
  std::mt19937 rng(7);
  for (int i = 0; i < 300; ++i) {
    const std::string text = random_tree(rng, 0).dump(i % 2 ? 1 : -1);
    INFO(text);
    check_same(av::parse_json(text), ordered_json::parse(text));
  }
  const JsonValue big = av::parse_json("[18446744073709551615]");
  CHECK(big.front().is_number_unsigned());
  CHECK(big.front().integer() == INT64_MAX);  // clamped, as documented
}

TEST_CASE("JsonValue: invalid text gets nlohmann's message; depth and size are bounded", "[core][json]") {
  for (const char* bad : {"", "{", "[1,]", "{\"a\" 1}", "nul", "\"\\x\"", "[1] 2", "\"\x01\"", "{\"a\":1e999}"}) {
    INFO(bad);
    std::string expected;
    try {
      (void)ordered_json::parse(bad);
    } catch (const ordered_json::exception& e) {
      expected = e.what();
    }
    REQUIRE(!expected.empty());
    try {
      (void)av::parse_json(bad);
      FAIL("no error");
    } catch (const av::Error& e) {
      CHECK(e.code() == "json_invalid");
      CHECK(std::string(e.what()) == expected);
    }
  }
  const auto nested = [](size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); };
  CHECK(av::test::error_code_of([&] { (void)av::parse_json(nested(av::kMaxJsonDepth)); }) == "(no error)");
  CHECK(av::test::error_code_of([&] { (void)av::parse_json(nested(av::kMaxJsonDepth + 1)); }) == "json_too_large");
  CHECK(av::test::error_code_of([&] { (void)av::parse_json(std::string(1 << 20, '[')); }) == "json_too_large");
  std::string many = "[";
  for (size_t i = 0; i <= av::kMaxJsonValues; ++i) many += "0,";
  many += "0]";
  CHECK(av::test::error_code_of([&] { (void)av::parse_json(many); }) == "json_too_large");
  CHECK(av::parse_json_or_null("{oops").is_null());
}
