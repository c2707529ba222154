#include "bisectr/util/json_text.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>
#include <ostream>
#include <cmath>
#include <cstddef>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

constexpr std::uint64_t k_ones = 0x0101010101010101ULL;
constexpr std::uint64_t k_highs = 0x8080808080808080ULL;

// The high bit of each byte of `word` that is zero (exact for the lowest such byte; a byte above
// a zero one may be flagged falsely, which the caller never looks at).
constexpr std::uint64_t zero_bytes(std::uint64_t word)
{
  return (word - k_ones) & ~word & k_highs;
}

// The high bit of each byte that a JSON string cannot hold as it is: a control character, '"',
// '\\', or a byte of 0x80 and above (which may start a UTF-8 sequence to be checked). Exact for
// the lowest flagged byte.
constexpr std::uint64_t special_bytes(std::uint64_t word)
{
  const std::uint64_t control = (word - k_ones * 0x20) & ~word & k_highs;
  return control | zero_bytes(word ^ (k_ones * '"')) | zero_bytes(word ^ (k_ones * '\\')) | (word & k_highs);
}

bool is_plain_ascii(unsigned char byte)
{
  return byte >= 0x20 && byte != '"' && byte != '\\' && byte < 0x80;
}

// The index of the first byte from `i` on that is not plain ASCII, or text.size(). Tracebacks
// are mostly plain: this looks at sixteen bytes at a time with SSE2 (every x86-64 has it), or
// eight elsewhere (byte at a time, it was a fifth of `last --json`).
std::size_t plain_ascii_end(std::string_view text, std::size_t i)
{
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);
  while (text.size() - i >= 16) {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i));
    // Signed bytes: 0x80 and above are negative, so "less than a space" also takes them.
    const __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(block, quote), _mm_cmpeq_epi8(block, backslash)),
                                         _mm_cmplt_epi8(block, space));
    if (const auto mask = static_cast<unsigned>(_mm_movemask_epi8(special)); mask != 0) {
      return i + static_cast<std::size_t>(std::countr_zero(mask));
    }
    i += 16;
  }
#endif
  if constexpr (std::endian::native == std::endian::little) {
    while (text.size() - i >= sizeof(std::uint64_t)) {
      std::uint64_t word;
      std::memcpy(&word, text.data() + i, sizeof word);
      if (const std::uint64_t special = special_bytes(word); special != 0) {
        return i + static_cast<std::size_t>(std::countr_zero(special)) / 8;
      }
      i += sizeof word;
    }
  }
  while (i < text.size() && is_plain_ascii(static_cast<unsigned char>(text[i]))) {
    ++i;
  }
  return i;
}

// Writes the escape of `byte` (below 0x20, '"' or '\\') at `to`; returns the end.
char* write_escape(char* to, unsigned char byte)
{
  char short_form = 0;
  switch (byte) {
  case '"': short_form = '"'; break;
  case '\\': short_form = '\\'; break;
  case '\b': short_form = 'b'; break;
  case '\f': short_form = 'f'; break;
  case '\n': short_form = 'n'; break;
  case '\r': short_form = 'r'; break;
  case '\t': short_form = 't'; break;
  default: break;
  }
  *to++ = '\\';
  if (short_form != 0) {
    *to++ = short_form;
    return to;
  }
  static constexpr char k_hex[] = "0123456789abcdef";
  std::memcpy(to, "u00", 3);
  to[3] = k_hex[byte >> 4];
  to[4] = k_hex[byte & 0xF];
  return to + 5;
}

// memcpy, but also for an empty view, whose data() may be null.
void copy_bytes(std::string& out, std::size_t at, const char* from, std::size_t count)
{
  if (count != 0) {
    std::memcpy(out.data() + at, from, count);
  }
}

/// The most bytes one input byte becomes: \u00XX.
constexpr std::size_t k_widest_escape = 6;

} // namespace

void append_json_string(std::string& out, std::string_view text)
{
  // Written through a pointer into room made up front: the text's bytes, the quotes and a few
  // escapes' worth. Half a million escapes (10,000 tracebacks) were each an append with its own
  // capacity check. An escape that finds too little room left makes more.
  std::size_t at = out.size();
  const auto make_room = [&](std::size_t bytes) {
    if (out.size() - at < bytes) {
      out.resize(at + std::max(bytes, out.size() - at + bytes / 4 + 64));
    }
  };
  out.resize(at + text.size() + 2 + 8 * k_widest_escape);
  out[at++] = '"';
  std::size_t plain = 0; // start of the run of bytes copied as they are
  std::size_t i = 0;
  while (i < text.size()) {
    i = plain_ascii_end(text, i);
    if (i == text.size()) {
      break;
    }
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x80) {
      if (const std::size_t length = valid_sequence(text, i); length > 0) {
        i += length;
        continue;
      }
    }
    // The run, this byte's escape, then the rest of the text and the closing quote must fit.
    make_room((i - plain) + k_widest_escape + (text.size() - i - 1) + 1);
    copy_bytes(out, at, text.data() + plain, i - plain);
    at += i - plain;
    if (byte >= 0x80) {
      copy_bytes(out, at, k_replacement.data(), k_replacement.size());
      at += k_replacement.size();
    } else {
      at = static_cast<std::size_t>(write_escape(out.data() + at, byte) - out.data());
    }
    plain = ++i;
  }
  make_room(text.size() - plain + 1);
  copy_bytes(out, at, text.data() + plain, text.size() - plain);
  at += text.size() - plain;
  out[at++] = '"';
  out.resize(at);
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
    // The same shortest digits laid out plainly (a second to_chars in fixed form costs as much
    // again, and these are two per result in `last --json`).
    std::string_view mantissa = shortest.substr(0, e);
    if (mantissa.front() == '-') {
      out += '-';
      mantissa.remove_prefix(1);
    }
    char digits[32];
    std::size_t count = 0;
    for (const char c : mantissa) {
      if (c != '.') {
        digits[count++] = c;
      }
    }
    const std::string_view all(digits, count);
    if (point <= 0) {
      out += "0.";
      out.append(static_cast<std::size_t>(-point), '0');
      out += all;
    } else if (static_cast<std::size_t>(point) >= count) {
      out += all;
      out.append(static_cast<std::size_t>(point) - count, '0');
      out += ".0";
    } else {
      out += all.substr(0, static_cast<std::size_t>(point));
      out += '.';
      out += all.substr(static_cast<std::size_t>(point));
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

void write_when_large(std::ostream& out, std::string& text)
{
  constexpr std::size_t k_flush_bytes = std::size_t{1} << 20;
  if (text.size() >= k_flush_bytes) {
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    text.clear();
  }
}

} // namespace bisectr::util
