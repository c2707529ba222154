#include "bisectr/config/duration.hpp"

#include <cctype>
#include <cstdint>
#include <limits>

namespace bisectr::config {

namespace {

// Milliseconds per unit; 0 for an unknown unit.
std::int64_t unit_ms(std::string_view unit)
{
  if (unit == "ms") {
    return 1;
  }
  if (unit == "s") {
    return 1000;
  }
  if (unit == "m" || unit == "min") {
    return 60'000;
  }
  if (unit == "h") {
    return 3'600'000;
  }
  return 0;
}

bool is_digit(char c)
{
  return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

} // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text)
{
  if (text.empty()) {
    return std::nullopt;
  }
  std::int64_t total = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (!is_digit(text[pos])) {
      return std::nullopt;
    }
    std::int64_t number = 0;
    for (; pos < text.size() && is_digit(text[pos]); ++pos) {
      if (number > std::numeric_limits<std::int64_t>::max() / 10 / 3'600'000) {
        return std::nullopt;
      }
      number = number * 10 + (text[pos] - '0');
    }
    const std::size_t unit_start = pos;
    while (pos < text.size() && !is_digit(text[pos])) {
      ++pos;
    }
    const std::string_view unit = text.substr(unit_start, pos - unit_start);
    // A bare number means seconds, but only as the whole text ("90"), not inside "1h30".
    const std::int64_t scale = unit.empty() ? (unit_start == text.size() && total == 0 ? 1000 : 0) : unit_ms(unit);
    if (scale == 0) {
      return std::nullopt;
    }
    total += number * scale;
  }
  return std::chrono::milliseconds(total);
}

} // namespace bisectr::config
