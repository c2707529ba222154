#include "bisectr/config/duration.hpp"

#include <doctest/doctest.h>

using bisectr::config::parse_duration;
using std::chrono::milliseconds;

TEST_CASE("config::parse_duration")
{
  SUBCASE("single units")
  {
    CHECK(parse_duration("90s") == milliseconds(90'000));
    CHECK(parse_duration("10m") == milliseconds(600'000));
    CHECK(parse_duration("1h") == milliseconds(3'600'000));
    CHECK(parse_duration("250ms") == milliseconds(250));
    CHECK(parse_duration("2min") == milliseconds(120'000));
  }
  SUBCASE("a bare number is seconds and 0 means none")
  {
    CHECK(parse_duration("90") == milliseconds(90'000));
    CHECK(parse_duration("0") == milliseconds(0));
  }
  SUBCASE("units combine")
  {
    CHECK(parse_duration("1h30m") == milliseconds(5'400'000));
    CHECK(parse_duration("1m30s500ms") == milliseconds(90'500));
  }
  SUBCASE("malformed text is rejected")
  {
    CHECK_FALSE(parse_duration(""));
    CHECK_FALSE(parse_duration("s"));
    CHECK_FALSE(parse_duration("10x"));
    CHECK_FALSE(parse_duration("1h30"));
    CHECK_FALSE(parse_duration("-5s"));
    CHECK_FALSE(parse_duration("1.5h"));
    CHECK_FALSE(parse_duration(" 5s"));
    CHECK_FALSE(parse_duration("99999999999999999999h"));
  }
}
