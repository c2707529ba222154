#include "bisectr/util/json_text.hpp"

#include <charconv>
#include <cmath>
#include <cstddef>

namespace bisectr::util {

namespace {

constexpr std::string_view k_replacement = "\xEF\xBF\xBD"; // U+FFFD

bool is_continuation(unsigned char byte, unsigned char low = 0x80, unsigned char high = 0xBF)
{
  return byte >= low && byte <= high;
}

// The length of the valid UTF-8 sequence at text[i] (lead byte >= 0x80), or 0 when it is not one.
std::size_t valid_sequence(std::string_view text, std::size_t i)
{
  const auto at = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
  const unsigned char lead = at(0);
  const std::size_t left = text.size() - i;
  if (lead >= 0xC2 && lead <= 0xDF) {
    return left >= 2 && is_continuation(at(1)) ? 2 : 0;
  }
  if (lead >= 0xE0 && lead <= 0xEF) {
    // E0: no overlong forms; ED: no UTF-16 surrogates.
    const unsigned char low = lead == 0xE0 ? 0xA0 : 0x80;
    const unsigned char high = lead == 0xED ? 0x9F : 0xBF;
    return left >= 3 && is_continuation(at(1), low, high) && is_continuation(at(2)) ? 3 : 0;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    // F0: no overlong forms; F4: nothing above U+10FFFF.
    const unsigned char low = lead == 0xF0 ? 0x90 : 0x80;
    const unsigned char high = lead == 0xF4 ? 0x8F : 0xBF;
    return left >= 4 && is_continuation(at(1), low, high) && is_continuation(at(2)) && is_continuation(at(3)) ? 4
                                                                                                             : 0;
  }
  return 0;
}

void append_escape(std::string& out, unsigned char byte)
{
  switch (byte) {
  case '"': out += "\\\""; return;
  case '\\': out += "\\\\"; return;
  case '\b': out += "\\b"; return;
  case '\f': out += "\\f"; return;
  case '\n': out += "\\n"; return;
  case '\r': out += "\\r"; return;
  case '\t': out += "\\t"; return;
  default: break;
  }
  static constexpr char k_hex[] = "0123456789abcdef";
  out += "\\u00";
  out += k_hex[byte >> 4];
  out += k_hex[byte & 0xF];
}

} // namespace

void append_json_string(std::string& out, std::string_view text)
{
  out.reserve(out.size() + text.size() + 2);
  out += '"';
  std::size_t plain = 0; // start of the run of bytes copied as they are
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x20 && byte != '"' && byte != '\\' && byte < 0x80) {
      ++i;
      continue;
    }
    if (byte >= 0x80) {
      if (const std::size_t length = valid_sequence(text, i); length > 0) {
        i += length;
        continue;
      }
    }
    out.append(text.substr(plain, i - plain));
    if (byte >= 0x80) {
      out += k_replacement;
    } else {
      append_escape(out, byte);
    }
    plain = ++i;
  }
  out.append(text.substr(plain));
  out += '"';
}

void append_json_number(std::string& out, double value)
{
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  // The shortest digits that read back exactly, laid out as nlohmann's dump does: plain decimal
  // when the decimal point falls within 15 digits before or 3 zeros after the first digit
  // (1700000000.0, 0.0001), otherwise with an exponent (1e-05, 1.5e+20).
  char buffer[64];
  const auto scientific = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  const std::string_view shortest(buffer, static_cast<std::size_t>(scientific.ptr - buffer));
  const std::size_t e = shortest.find('e');
  int exponent = 0;
  std::from_chars(shortest.data() + e + 1 + (shortest[e + 1] == '+' ? 1 : 0), shortest.data() + shortest.size(), exponent);
  const int point = exponent + 1;  // where the decimal point falls, counted from the first digit
  if (point > -4 && point <= 15) {
    const auto fixed = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
    const std::string_view digits(buffer, static_cast<std::size_t>(fixed.ptr - buffer));
    out += digits;
    if (digits.find('.') == std::string_view::npos) {
      out += ".0";
    }
    return;
  }
  out += shortest;
}

void append_json_number(std::string& out, std::optional<std::int64_t> value)
{
  if (!value) {
    out += "null";
    return;
  }
  char buffer[24];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, *value);
  out.append(buffer, static_cast<std::size_t>(end - buffer));
}

void append_json_key(std::string& out, int indent, std::string_view key, bool first)
{
  out += first ? "\n" : ",\n";
  out.append(static_cast<std::size_t>(indent), ' ');
  append_json_string(out, key);
  out += ": ";
}

} // namespace bisectr::util
