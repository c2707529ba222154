#include "bisectr/report/html_escape.hpp"

#include <ostream>
#include <sstream>

namespace bisectr::report {

namespace {

constexpr std::string_view k_replacement = "\xEF\xBF\xBD";

// Length of the valid UTF-8 sequence starting at text[i], or 0 when it is not one; overlong
// forms and surrogates are rejected so that a browser cannot read them as markup.
std::size_t utf8_length(std::string_view text, std::size_t i)
{
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = 0;
  unsigned char min_second = 0x80;
  unsigned char max_second = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    min_second = lead == 0xE0 ? 0xA0 : 0x80;
    max_second = lead == 0xED ? 0x9F : 0xBF;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    min_second = lead == 0xF0 ? 0x90 : 0x80;
    max_second = lead == 0xF4 ? 0x8F : 0xBF;
  } else {
    return 0;
  }
  if (i + length > text.size() || byte(i + 1) < min_second || byte(i + 1) > max_second) {
    return 0;
  }
  for (std::size_t k = i + 2; k < i + length; ++k) {
    if (byte(k) < 0x80 || byte(k) > 0xBF) {
      return 0;
    }
  }
  return length;
}

void write_ascii(std::ostream& out, char c)
{
  switch (c) {
  case '&': out << "&amp;"; break;
  case '<': out << "&lt;"; break;
  case '>': out << "&gt;"; break;
  case '"': out << "&quot;"; break;
  case '\'': out << "&#39;"; break;
  case '\t':
  case '\n': out << c; break;
  case '\r': break;
  default:
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      out << k_replacement;
    } else {
      out << c;
    }
  }
}

} // namespace

void write_html_escaped(std::ostream& out, std::string_view text)
{
  std::size_t i = 0;
  while (i < text.size()) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      write_ascii(out, text[i]);
      ++i;
      continue;
    }
    const std::size_t length = utf8_length(text, i);
    if (length == 0) {
      out << k_replacement;
      ++i;
    } else {
      out << text.substr(i, length);
      i += length;
    }
  }
}

std::string html_escape(std::string_view text)
{
  std::ostringstream out;
  write_html_escaped(out, text);
  return out.str();
}

} // namespace bisectr::report
