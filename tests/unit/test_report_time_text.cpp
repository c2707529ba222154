#include "bisectr/report/time_text.hpp"

#include "bisectr/util/error.hpp"

#include <doctest/doctest.h>

#include <chrono>

using namespace std::chrono;
using bisectr::model::TimePoint;
using bisectr::report::format_bytes;
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
