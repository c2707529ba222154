#include "bisectr/report/time_text.hpp"

#include "bisectr/util/error.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <vector>

using namespace std::chrono;
using bisectr::model::TimePoint;
using bisectr::report::format_bytes;
using bisectr::report::format_percent;
using bisectr::report::format_seconds;
using bisectr::report::format_time;
using bisectr::report::parse_time_arg;

namespace {

TimePoint at(int y, unsigned m, unsigned d, int hh = 0, int mm = 0, int ss = 0)
{
  return sys_days{year{y} / month{m} / day{d}} + hours{hh} + minutes{mm} + seconds{ss};
}

} // namespace

TEST_CASE("report::format_time")
{
  CHECK(format_time(at(2026, 11, 22, 0, 3, 9) + milliseconds{999}) == "2026-11-22T00:03:09Z");
  CHECK(format_time(TimePoint{}) == "1970-01-01T00:00:00Z");
  CHECK(format_time(TimePoint::max()) == "2262-04-11T23:47:16Z");  // the last instant 64-bit nanoseconds hold
  CHECK(format_time(TimePoint::min()) == "1677-09-21T00:12:43Z");
  CHECK(format_time(at(2024, 2, 29, 12, 0, 0)) == "2024-02-29T12:00:00Z");
  CHECK(format_time(at(1960, 5, 6, 7, 8, 9) - nanoseconds{1}) == "1960-05-06T07:08:08Z");
  // Against printf over a spread of instants, before and after 1970.
  std::mt19937_64 random(20261130);
  std::uniform_int_distribution<std::int64_t> seconds_since(-2'000'000'000LL, 8'000'000'000LL);
  for (int i = 0; i < 5000; ++i) {
    const TimePoint time = TimePoint{} + seconds{seconds_since(random)};
    const auto days = floor<std::chrono::days>(time);
    const year_month_day date{days};
    const hh_mm_ss clock{floor<seconds>(time) - days};
    char expected[40];
    std::snprintf(expected, sizeof expected, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                  static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                  static_cast<int>(clock.seconds().count()));
    CHECK(format_time(time) == expected);
  }
}

TEST_CASE("report::format_percent gives what printf's %.1f%% gives")
{
  CHECK(format_percent(0.0333) == "3.3%");
  CHECK(format_percent(1.0) == "100.0%");
  CHECK(format_percent(0.0) == "0.0%");
  // Ties in binary (0.25% and 0.75% are exact): printf rounds them to even; so must this.
  std::vector<double> values = {0.0025, 0.0075, 0.00125, 0.00375, 0.20703125, -0.0, 1e-9, 123.456, 1e30,
                                std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN()};
  std::mt19937_64 random(20261130);
  std::uniform_real_distribution<double> fraction(0.0, 1.0);
  for (int i = 0; i < 5000; ++i) {
    values.push_back(fraction(random));
    values.push_back(static_cast<double>(i) / 2048.0);  // many exact ties among these
  }
  for (const double value : values) {
    char expected[400];
    std::snprintf(expected, sizeof expected, "%.1f%%", value * 100.0);
    CAPTURE(value);
    CHECK(format_percent(value) == expected);
  }
}

TEST_CASE("report::format_seconds")
{
  CHECK(format_seconds(0.0123) == "0.012s");
  CHECK(format_seconds(4.5) == "4.50s");
  CHECK(format_seconds(42.25) == "42.2s");
  CHECK(format_seconds(123.0) == "2m03s");
  CHECK(format_seconds(3720.0) == "1h02m");
}

TEST_CASE("report::format_bytes")
{
  CHECK(format_bytes(512) == "512 B");
  CHECK(format_bytes(3.25 * 1024) == "3.25 KiB");
  CHECK(format_bytes(41.0 * 1024 * 1024) == "41.0 MiB");
}

TEST_CASE("report::parse_time_arg")
{
  const TimePoint now = at(2026, 11, 22, 12);
  SUBCASE("ages before now")
  {
    CHECK(parse_time_arg("30m", now) == now - minutes{30});
    CHECK(parse_time_arg("12h", now) == now - hours{12});
    CHECK(parse_time_arg("7d", now) == at(2026, 11, 15, 12));
    CHECK(parse_time_arg("2w", now) == at(2026, 11, 8, 12));
  }
  SUBCASE("dates and times, UTC")
  {
    CHECK(parse_time_arg("2026-11-01", now) == at(2026, 11, 1));
    CHECK(parse_time_arg("2026-11-01T12:30:00Z", now) == at(2026, 11, 1, 12, 30));
    CHECK(parse_time_arg("2026-11-01T12:30", now) == at(2026, 11, 1, 12, 30));
  }
  SUBCASE("anything else is a usage error naming the text")
  {
    CHECK_THROWS_AS(parse_time_arg("yesterday", now), bisectr::util::UsageError);
    CHECK_THROWS_AS(parse_time_arg("2026-13-01", now), bisectr::util::UsageError);
    CHECK_THROWS_AS(parse_time_arg("2026-02-30", now), bisectr::util::UsageError);
    CHECK_THROWS_AS(parse_time_arg("-3d", now), bisectr::util::UsageError);
    CHECK_THROWS_AS(parse_time_arg("", now), bisectr::util::UsageError);
    CHECK_THROWS_WITH_AS(parse_time_arg("soon", now), doctest::Contains("'soon'"), bisectr::util::UsageError);
  }
}
