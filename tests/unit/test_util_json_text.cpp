#include "bisectr/util/json_text.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

using bisectr::util::append_json_number;
using bisectr::util::append_json_string;

namespace {

std::string as_json(std::string_view text)
{
  std::string out;
  append_json_string(out, text);
  return out;
}

std::string number(double value)
{
  std::string out;
  append_json_number(out, value);
  return out;
}

// What a JSON reader gets back from the literal.
std::string read_back(const std::string& literal)
{
  return nlohmann::json::parse(literal).get<std::string>();
}

} // namespace

TEST_CASE("util::append_json_string: escapes what JSON requires and copies the rest")
{
  CHECK(as_json("") == "\"\"");
  CHECK(as_json("plain text") == "\"plain text\"");
  CHECK(as_json("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(as_json("line\nnext\ttab\r\b\f") == "\"line\\nnext\\ttab\\r\\b\\f\"");
  CHECK(as_json(std::string("nul\0x\x1f", 6)) == "\"nul\\u0000x\\u001f\"");
  CHECK(as_json("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x90\x8D") == "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x90\x8D\"");
  // Appends: what was there stays.
  std::string out = "[";
  append_json_string(out, "x");
  CHECK(out == "[\"x\"");
}

TEST_CASE("util::append_json_string: every byte that is not valid UTF-8 becomes U+FFFD")
{
  const std::string fffd = "\xEF\xBF\xBD";
  CHECK(read_back(as_json("a\xFF" "b")) == "a" + fffd + "b");
  CHECK(read_back(as_json("\xC3")) == fffd);                          // truncated at the end
  CHECK(read_back(as_json("\xC3(")) == fffd + "(");                   // continuation missing
  CHECK(read_back(as_json("\xC0\xAF")) == fffd + fffd);               // overlong '/'
  CHECK(read_back(as_json("\xE0\x80\xAF")) == fffd + fffd + fffd);    // overlong, 3 bytes
  CHECK(read_back(as_json("\xED\xA0\x80")) == fffd + fffd + fffd);    // a UTF-16 surrogate
  CHECK(read_back(as_json("\xF4\x90\x80\x80")) == fffd + fffd + fffd + fffd); // above U+10FFFF
  CHECK(read_back(as_json("\x80")) == fffd);                          // a lone continuation
}

TEST_CASE("util::append_json_string: random bytes always give JSON that reads back as the valid input")
{
  // Against nlohmann's reader: for valid UTF-8 the literal reads back byte for byte; for any
  // bytes at all it parses (invalid input would throw there).
  std::mt19937 random(20261129);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(0, 40);
  for (int i = 0; i < 2000; ++i) {
    std::string text;
    const int n = length(random);
    for (int k = 0; k < n; ++k) {
      // Mostly ASCII, so that valid multi-byte sequences and escapes mix with plain runs.
      const int b = byte(random);
      text += static_cast<char>(b < 160 ? b % 128 : b);
    }
    const std::string literal = as_json(text);
    CAPTURE(literal);
    std::string back;
    REQUIRE_NOTHROW(back = read_back(literal));
    bool valid = true;
    try {
      (void)nlohmann::json(text).dump(); // throws on invalid UTF-8
    } catch (const nlohmann::json::type_error&) {
      valid = false;
    }
    if (valid) {
      CHECK(back == text);
    } else {
      CHECK(back.find("\xEF\xBF\xBD") != std::string::npos);
    }
  }
}

// The scan looks at eight bytes at a time: every byte that needs attention must be found at
// every offset within a word, and next to others, not only where short strings put it.
TEST_CASE("util::append_json_string: a byte needing an escape is found at every offset")
{
  const std::vector<std::pair<std::string, std::string>> specials = {
      {"\"", "\\\""}, {"\\", "\\\\"}, {"\n", "\\n"}, {std::string(1, '\0'), "\\u0000"},
      {"\x1f", "\\u001f"}, {"\x7f", "\x7f"}, {" ", " "}, {"\xC3\xA9", "\xC3\xA9"},
      {"\xFF", "\xEF\xBF\xBD"}, {"\x20\x21", "\x20\x21"}, {"\"\n", "\\\"\\n"}};
  for (const auto& [raw, escaped] : specials) {
    for (std::size_t before = 0; before < 20; ++before) {
      for (const std::size_t after : {0U, 1U, 7U, 8U, 9U, 17U}) {
        const std::string text = std::string(before, 'a') + raw + std::string(after, 'b');
        const std::string expected = "\"" + std::string(before, 'a') + escaped + std::string(after, 'b') + "\"";
        CAPTURE(before);
        CAPTURE(after);
        CHECK(as_json(text) == expected);
      }
    }
  }
}

TEST_CASE("util::append_json_number")
{
  CHECK(number(2.0) == "2.0");
  CHECK(number(0.0) == "0.0");
  CHECK(number(1.5) == "1.5");
  CHECK(number(-0.25) == "-0.25");
  CHECK(number(1700000000.123) == "1700000000.123");
  CHECK(nlohmann::json::parse(number(1e-7)).get<double>() == 1e-7);
  CHECK(nlohmann::json::parse(number(0.1)).get<double>() == 0.1); // shortest form that reads back exactly
  CHECK(nlohmann::json::parse(number(2.0)).is_number_float());
  CHECK(number(1700000000.0) == "1700000000.0");
  CHECK(number(0.0001) == "0.0001");
  CHECK(number(1e-5) == "1e-05");
  CHECK(number(1.5e20) == "1.5e+20");
  CHECK(number(std::numeric_limits<double>::quiet_NaN()) == "null");
  CHECK(number(std::numeric_limits<double>::infinity()) == "null");
  std::string out;
  append_json_number(out, std::optional<std::int64_t>{-42});
  out += ',';
  append_json_number(out, std::optional<std::int64_t>{});
  CHECK(out == "-42,null");
}

// The plain layout is built from the shortest scientific digits: it must be what the standard
// library's own shortest fixed form gives, over the whole range where it is used.
TEST_CASE("util::append_json_number: plain numbers match std::to_chars in fixed form")
{
  std::mt19937_64 random(20261201);
  std::uniform_real_distribution<double> mantissa(1.0, 10.0);
  std::uniform_int_distribution<int> exponent(-4, 14);
  std::uniform_int_distribution<int> digits(0, 17);
  for (int i = 0; i < 20000; ++i) {
    double value = mantissa(random) * std::pow(10.0, exponent(random));
    if (i % 3 == 0) {
      // Fewer digits, so that trailing zeros and whole numbers are common.
      const double scale = std::pow(10.0, digits(random) - 8);
      value = std::round(value * scale) / scale;
    }
    if (i % 2 == 0) {
      value = -value;
    }
    if (value == 0.0 || std::fabs(value) < 1e-4 || std::fabs(value) >= 1e15) {
      continue;
    }
    char buffer[64];
    const auto fixed = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
    std::string expected(buffer, fixed.ptr);
    if (expected.find('.') == std::string::npos) {
      expected += ".0";
    }
    CAPTURE(value);
    CHECK(number(value) == expected);
  }
}

// nlohmann's Grisu2 digits are not always the shortest (8.821392638038141 where 8.82139263803814
// reads back the same), so the digits may differ; the layout and the value read back may not.
TEST_CASE("util::append_json_number lays numbers out as nlohmann's dump does")
{
  std::mt19937_64 random(20261130);
  std::uniform_real_distribution<double> mantissa(1.0, 10.0);
  std::uniform_int_distribution<int> exponent(-30, 30);
  std::vector<double> values = {0.0, -0.0, 1.0, 0.1, 1e15, 1e16, 123456789012345.0, 1234567890123456.0, 0.001, 0.0001,
                                0.00001, 1.7e9, 1700000000.5, std::numeric_limits<double>::max(),
                                std::numeric_limits<double>::min(), std::numeric_limits<double>::denorm_min()};
  for (int i = 0; i < 5000; ++i) {
    const double value = mantissa(random) * std::pow(10.0, exponent(random));
    values.push_back(i % 2 == 0 ? value : -value);
    values.push_back(std::round(value));
  }
  for (const double value : values) {
    const std::string ours = number(value);
    const std::string theirs = nlohmann::json(value).dump();
    INFO(ours << " vs " << theirs);
    CHECK(nlohmann::json::parse(ours).get<double>() == value);
    CHECK((ours.find('e') == std::string::npos) == (theirs.find('e') == std::string::npos));
    CHECK(ours.size() <= theirs.size());
    if (ours.find('e') == std::string::npos) {
      CHECK(ours.find('.') != std::string::npos);
    }
  }
}
