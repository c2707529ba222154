#include "bisectr/report/time_text.hpp"

#include "bisectr/util/error.hpp"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>

namespace bisectr::report {

namespace {

using std::chrono::duration_cast;

std::optional<int> parse_int(std::string_view text)
{
  int value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end || text.empty()) {
    return std::nullopt;
  }
  return value;
}

std::optional<model::TimePoint> parse_age(std::string_view text, model::TimePoint now)
{
  if (text.size() < 2) {
    return std::nullopt;
  }
  const auto count = parse_int(text.substr(0, text.size() - 1));
  if (!count || *count < 0) {
    return std::nullopt;
  }
  const std::chrono::minutes minute{1};
  std::chrono::minutes unit{0};
  switch (text.back()) {
  case 'm': unit = minute; break;
  case 'h': unit = 60 * minute; break;
  case 'd': unit = 24 * 60 * minute; break;
  case 'w': unit = 7 * 24 * 60 * minute; break;
  default: return std::nullopt;
  }
  return now - duration_cast<std::chrono::nanoseconds>(*count * unit);
}

std::optional<model::TimePoint> parse_iso(std::string_view text)
{
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') {
    return std::nullopt;
  }
  const auto year = parse_int(text.substr(0, 4));
  const auto month = parse_int(text.substr(5, 2));
  const auto day = parse_int(text.substr(8, 2));
  if (!year || !month || !day) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year{*year}, std::chrono::month{static_cast<unsigned>(*month)},
                                         std::chrono::day{static_cast<unsigned>(*day)}};
  if (!date.ok()) {
    return std::nullopt;
  }
  std::chrono::seconds time_of_day{0};
  std::string_view rest = text.substr(10);
  if (!rest.empty()) {
    if (rest.back() == 'Z') {
      rest.remove_suffix(1);
    }
    if ((rest.size() != 9 && rest.size() != 6) || (rest[0] != 'T' && rest[0] != ' ') || rest[3] != ':') {
      return std::nullopt;
    }
    const auto hours = parse_int(rest.substr(1, 2));
    const auto minutes = parse_int(rest.substr(4, 2));
    const auto seconds = rest.size() == 9 && rest[6] == ':' ? parse_int(rest.substr(7, 2)) : std::optional<int>{0};
    if (!hours || !minutes || !seconds || *hours > 23 || *minutes > 59 || *seconds > 60) {
      return std::nullopt;
    }
    time_of_day = std::chrono::hours{*hours} + std::chrono::minutes{*minutes} + std::chrono::seconds{*seconds};
  }
  return std::chrono::sys_days{date} + time_of_day;
}

} // namespace

std::string format_percent(double fraction)
{
  char text[400];
  const double value = fraction * 100.0;
  // to_chars rounds the exact binary value to one decimal as printf does, at a tenth of its cost.
  if (const auto [end, error] = std::to_chars(text, text + sizeof text - 1, value, std::chars_format::fixed, 1);
      error == std::errc{}) {
    *end = '%';
    return std::string(text, end + 1);
  }
  std::snprintf(text, sizeof text, "%.1f%%", value);  // NaN and infinities
  return text;
}

std::string format_seconds(double seconds)
{
  char text[32];
  if (seconds < 10.0) {
    std::snprintf(text, sizeof text, seconds < 1.0 ? "%.3fs" : "%.2fs", seconds);
  } else if (seconds < 60.0) {
    std::snprintf(text, sizeof text, "%.1fs", seconds);
  } else {
    const auto whole = static_cast<long long>(std::llround(seconds));
    if (whole < 3600) {
      std::snprintf(text, sizeof text, "%lldm%02llds", whole / 60, whole % 60);
    } else {
      std::snprintf(text, sizeof text, "%lldh%02lldm", whole / 3600, (whole % 3600) / 60);
    }
  }
  return text;
}

std::string format_bytes(double bytes)
{
  constexpr const char* k_units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  std::size_t unit = 0;
  double value = bytes;
  while (std::fabs(value) >= 1024.0 && unit + 1 < std::size(k_units)) {
    value /= 1024.0;
    ++unit;
  }
  char text[32];
  if (unit == 0) {
    std::snprintf(text, sizeof text, "%.0f B", value);
  } else {
    std::snprintf(text, sizeof text, std::fabs(value) < 10.0 ? "%.2f %s" : "%.1f %s", value, k_units[unit]);
  }
  return text;
}

model::TimePoint parse_time_arg(std::string_view text, model::TimePoint now)
{
  if (auto age = parse_age(text, now)) {
    return *age;
  }
  if (auto time = parse_iso(text)) {
    return *time;
  }
  throw util::UsageError("cannot read '" + std::string(text) +
                         "' as a time: use 2026-11-01, 2026-11-01T12:30:00Z or an age like 30m, 12h, 7d, 2w");
}

} // namespace bisectr::report
