#include "bisectr/util/units.hpp"

#include "bisectr/util/error.hpp"

#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <utility>

namespace bisectr::util {

namespace {

// Two or one decimals: small numbers get the extra precision.
std::string decimals(double value, bool two)
{
  std::array<char, 64> buffer{};
  if (two) {
    std::snprintf(buffer.data(), buffer.size(), "%.2f", value);
  } else {
    std::snprintf(buffer.data(), buffer.size(), "%.1f", value);
  }
  return buffer.data();
}

double unit_seconds(std::string_view unit)
{
  constexpr std::array<std::pair<std::string_view, double>, 7> k_units = {{
    {"ms", 0.001}, {"s", 1.0}, {"", 1.0}, {"m", 60.0}, {"min", 60.0}, {"h", 3600.0}, {"d", 86400.0}}};
  for (const auto& [name, factor] : k_units) {
    if (name == unit) {
      return factor;
    }
  }
  return -1.0;
}

// Reads one "<number><unit>" group starting at pos; returns false when the text is not one.
bool read_group(std::string_view text, std::size_t& pos, double& number, std::string_view& unit)
{
  std::size_t start = pos;
  while (pos < text.size() && (std::isdigit(static_cast<unsigned char>(text[pos])) != 0 || text[pos] == '.')) {
    ++pos;
  }
  if (pos == start) {
    return false;
  }
  try {
    number = std::stod(std::string(text.substr(start, pos - start)));
  } catch (const std::exception&) {
    return false;
  }
  std::size_t unit_start = pos;
  while (pos < text.size() && std::isalpha(static_cast<unsigned char>(text[pos])) != 0) {
    ++pos;
  }
  unit = text.substr(unit_start, pos - unit_start);
  return true;
}

} // namespace

std::string format_duration(double seconds)
{
  if (seconds < 60.0) {
    return decimals(seconds, seconds < 10.0) + "s";
  }
  auto total = static_cast<long long>(std::llround(seconds));
  std::array<char, 64> buffer{};
  if (total < 3600) {
    std::snprintf(buffer.data(), buffer.size(), "%lldm%02llds", total / 60, total % 60);
  } else {
    std::snprintf(buffer.data(), buffer.size(), "%lldh%02lldm", total / 3600, (total % 3600) / 60);
  }
  return buffer.data();
}

std::string format_time(std::chrono::sys_time<std::chrono::nanoseconds> time)
{
  const auto seconds = std::chrono::floor<std::chrono::seconds>(time);
  const auto days = std::chrono::floor<std::chrono::days>(seconds);
  const std::chrono::year_month_day date{days};
  const std::chrono::hh_mm_ss clock{seconds - days};
  // Digit by digit: snprintf took ~2,800 instructions a time, and `flaky` prints two a test.
  // Nanoseconds in 64 bits reach from 1677 to 2262: the year has four digits.
  char text[] = "0000-00-00T00:00:00Z";
  const auto put = [&](std::size_t at, unsigned value, std::size_t digits) {
    for (std::size_t k = digits; k-- > 0; value /= 10) {
      text[at + k] = static_cast<char>('0' + value % 10);
    }
  };
  put(0, static_cast<unsigned>(static_cast<int>(date.year())), 4);
  put(5, static_cast<unsigned>(date.month()), 2);
  put(8, static_cast<unsigned>(date.day()), 2);
  put(11, static_cast<unsigned>(clock.hours().count()), 2);
  put(14, static_cast<unsigned>(clock.minutes().count()), 2);
  put(17, static_cast<unsigned>(clock.seconds().count()), 2);
  return std::string(text, sizeof text - 1);
}

std::string format_bytes(std::int64_t bytes)
{
  constexpr std::array<const char*, 4> k_units = {"KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024) {
    return std::to_string(bytes) + " B";
  }
  double value = static_cast<double>(bytes) / 1024.0;
  std::size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < k_units.size()) {
    value /= 1024.0;
    ++unit;
  }
  return decimals(value, value < 10.0) + " " + k_units[unit];
}

double parse_duration(std::string_view text)
{
  double total = 0.0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    double number = 0.0;
    std::string_view unit;
    double factor = read_group(text, pos, number, unit) ? unit_seconds(unit) : -1.0;
    if (factor < 0.0) {
      throw UsageError("invalid duration '" + std::string(text) + "' (use e.g. 90s, 10m, 8h)");
    }
    total += number * factor;
  }
  if (text.empty()) {
    throw UsageError("empty duration");
  }
  return total;
}

std::int64_t parse_size(std::string_view text)
{
  std::size_t pos = 0;
  double number = 0.0;
  std::string_view unit;
  if (!read_group(text, pos, number, unit) || pos != text.size()) {
    throw UsageError("invalid size '" + std::string(text) + "' (use e.g. 512M, 2G)");
  }
  std::string lower;
  for (char c : unit) {
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  constexpr std::array<std::string_view, 5> k_prefixes = {"", "k", "m", "g", "t"};
  for (std::size_t i = 0; i < k_prefixes.size(); ++i) {
    const std::string prefix(k_prefixes[i]);
    if (lower == prefix || lower == prefix + "b" || (i > 0 && lower == prefix + "ib")) {
      return static_cast<std::int64_t>(number * std::pow(1024.0, static_cast<double>(i)));
    }
  }
  throw UsageError("invalid size unit in '" + std::string(text) + "' (use B, K, M, G or T)");
}

} // namespace bisectr::util
