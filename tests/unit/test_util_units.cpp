#include "bisectr/util/error.hpp"
#include "bisectr/util/units.hpp"

#include <doctest/doctest.h>

using namespace bisectr::util;

TEST_CASE("util::parse_duration")
{
  CHECK(parse_duration("90") == doctest::Approx(90.0));
  CHECK(parse_duration("90s") == doctest::Approx(90.0));
  CHECK(parse_duration("500ms") == doctest::Approx(0.5));
  CHECK(parse_duration("10m") == doctest::Approx(600.0));
  CHECK(parse_duration("8h") == doctest::Approx(28800.0));
  CHECK(parse_duration("1h30m") == doctest::Approx(5400.0));
  CHECK(parse_duration("1d") == doctest::Approx(86400.0));
  CHECK_THROWS_AS(parse_duration(""), UsageError);
  CHECK_THROWS_AS(parse_duration("ten"), UsageError);
  CHECK_THROWS_AS(parse_duration("10y"), UsageError);
}

TEST_CASE("util::parse_size")
{
  CHECK(parse_size("1024") == 1024);
  CHECK(parse_size("64k") == 64 * 1024);
  CHECK(parse_size("512M") == 512LL * 1024 * 1024);
  CHECK(parse_size("2G") == 2LL * 1024 * 1024 * 1024);
  CHECK(parse_size("2GiB") == 2LL * 1024 * 1024 * 1024);
  CHECK(parse_size("1.5G") == 3LL * 512 * 1024 * 1024);
  CHECK_THROWS_AS(parse_size("2X"), UsageError);
  CHECK_THROWS_AS(parse_size("G"), UsageError);
  CHECK_THROWS_AS(parse_size("2G3"), UsageError);
}

TEST_CASE("util::format_duration and format_bytes")
{
  CHECK(format_duration(0.421) == "0.42s");
  CHECK(format_duration(12.34) == "12.3s");
  CHECK(format_duration(245.0) == "4m05s");
  CHECK(format_duration(7380.0) == "2h03m");
  CHECK(format_bytes(512) == "512 B");
  CHECK(format_bytes(1536) == "1.50 KiB");
  CHECK(format_bytes(200LL * 1024 * 1024) == "200.0 MiB");
  CHECK(format_bytes(2LL * 1024 * 1024 * 1024) == "2.00 GiB");
}
