#include "bisectr/stream/timestamp.hpp"

#include <cstdio>

namespace bisectr::stream {

namespace {

// Reads exactly `digits` decimal digits at text[pos]; nullopt otherwise.
std::optional<int> read_fixed(std::string_view text, std::size_t pos, std::size_t digits)
{
  if (pos + digits > text.size()) {
    return std::nullopt;
  }
  int value = 0;
  for (std::size_t i = pos; i < pos + digits; ++i) {
    if (text[i] < '0' || text[i] > '9') {
      return std::nullopt;
    }
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

// Nanoseconds of a ".ffffff" fraction starting at text[pos] (the dot); advances pos.
std::int64_t read_fraction(std::string_view text, std::size_t& pos)
{
  std::int64_t nanos = 0;
  std::int64_t scale = 100'000'000;
  for (++pos; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos) {
    nanos += (text[pos] - '0') * scale;
    scale /= 10;
  }
  return nanos;
}

// Offset east of UTC in seconds for "Z", "+HH:MM", "+HHMM" or nothing; nullopt if malformed.
std::optional<std::int64_t> read_zone(std::string_view zone)
{
  if (zone.empty() || zone == "Z" || zone == "z") {
    return 0;
  }
  if (zone[0] != '+' && zone[0] != '-') {
    return std::nullopt;
  }
  auto hours = read_fixed(zone, 1, 2);
  auto minutes = zone.size() == 6 ? read_fixed(zone, 4, 2) : zone.size() == 5 ? read_fixed(zone, 3, 2) : std::optional<int>(0);
  if (!hours || !minutes || (zone.size() != 3 && zone.size() != 5 && zone.size() != 6)) {
    return std::nullopt;
  }
  const std::int64_t offset = (*hours * 60 + *minutes) * 60;
  return zone[0] == '+' ? offset : -offset;
}

} // namespace

std::optional<model::TimePoint> parse_iso8601(std::string_view text)
{
  auto year = read_fixed(text, 0, 4);
  auto month = read_fixed(text, 5, 2);
  auto day = read_fixed(text, 8, 2);
  auto hour = read_fixed(text, 11, 2);
  auto minute = read_fixed(text, 14, 2);
  auto second = read_fixed(text, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != ' ' && text[10] != 't') || text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year{*year}, std::chrono::month{static_cast<unsigned>(*month)},
                                         std::chrono::day{static_cast<unsigned>(*day)}};
  // A TimePoint counts nanoseconds in 64 bits: years 1678 to 2261 fit, with a day to spare for the zone.
  if (!date.ok() || *year < 1678 || *year > 2261 || *hour > 23 || *minute > 59 || *second > 60) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  std::int64_t nanos = pos < text.size() && text[pos] == '.' ? read_fraction(text, pos) : 0;
  auto zone = read_zone(text.substr(pos));
  if (!zone) {
    return std::nullopt;
  }
  const std::int64_t seconds = (*hour * 60 + *minute) * 60 + *second - *zone;
  return model::TimePoint{std::chrono::sys_days{date}} + std::chrono::seconds{seconds} + std::chrono::nanoseconds{nanos};
}

std::string format_iso8601(model::TimePoint time, char separator, std::string_view suffix)
{
  const auto days = std::chrono::floor<std::chrono::days>(time);
  const std::chrono::year_month_day date{days};
  const std::chrono::hh_mm_ss<std::chrono::nanoseconds> clock{time - days};
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(clock.subseconds()).count();
  char buffer[64];
  const int written = std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u%c%02d:%02d:%02d.%06lld",
                                    static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                                    static_cast<unsigned>(date.day()), separator, static_cast<int>(clock.hours().count()),
                                    static_cast<int>(clock.minutes().count()), static_cast<int>(clock.seconds().count()),
                                    static_cast<long long>(micros));
  std::string out(buffer, written > 0 ? static_cast<std::size_t>(written) : 0U);
  out += suffix;
  return out;
}

} // namespace bisectr::stream
