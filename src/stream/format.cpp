#include "bisectr/stream/format.hpp"

#include <array>
#include <utility>

namespace bisectr::stream {

std::string_view to_string(Format format)
{
  switch (format) {
  case Format::SubunitV2: return "subunit2";
  case Format::SubunitV1: return "subunit1";
  case Format::JUnit: return "junit";
  }
  return "subunit2";
}

std::optional<Format> format_from_string(std::string_view name)
{
  static constexpr std::array<std::pair<std::string_view, Format>, 7> k_names = {{
    {"subunit2", Format::SubunitV2},
    {"subunit", Format::SubunitV2},
    {"v2", Format::SubunitV2},
    {"subunit1", Format::SubunitV1},
    {"v1", Format::SubunitV1},
    {"junit", Format::JUnit},
    {"xml", Format::JUnit},
  }};
  for (const auto& [key, format] : k_names) {
    if (key == name) {
      return format;
    }
  }
  return std::nullopt;
}

Format detect_format(std::istream& in)
{
  const int first = in.peek();
  if (first == std::char_traits<char>::eof()) {
    in.clear();
    return Format::SubunitV1;
  }
  if (first == 0xB3 || first == '<') {
    return first == '<' ? Format::JUnit : Format::SubunitV2;
  }
  if (first != 0xEF && first != ' ' && first != '\t' && first != '\r' && first != '\n') {
    return Format::SubunitV1;
  }
  // Rare: a BOM or blank lines before the XML. Read a little and put it back.
  constexpr std::size_t k_peek_limit = 64;
  std::string seen;
  Format format = Format::SubunitV1;
  while (seen.size() < k_peek_limit) {
    const int next = in.get();
    if (next == std::char_traits<char>::eof()) {
      break;
    }
    seen.push_back(static_cast<char>(next));
    const auto byte = static_cast<unsigned char>(next);
    if (seen.size() <= 3 && std::string_view("\xEF\xBB\xBF").starts_with(seen)) {
      continue;  // UTF-8 byte order mark
    }
    if (byte == ' ' || byte == '\t' || byte == '\r' || byte == '\n') {
      continue;
    }
    format = byte == 0xB3 ? Format::SubunitV2 : byte == '<' ? Format::JUnit : Format::SubunitV1;
    break;
  }
  in.clear();
  for (auto it = seen.rbegin(); it != seen.rend(); ++it) {
    in.putback(*it);
  }
  if (!in) {
    in.clear();
  }
  return format;
}

} // namespace bisectr::stream
