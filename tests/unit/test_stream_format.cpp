#include "bisectr/stream/format.hpp"
#include "bisectr/stream/timestamp.hpp"

#include <doctest/doctest.h>

#include <sstream>

using namespace bisectr::stream;

TEST_CASE("stream::format_from_string")
{
  CHECK(format_from_string("subunit2") == Format::SubunitV2);
  CHECK(format_from_string("v2") == Format::SubunitV2);
  CHECK(format_from_string("subunit1") == Format::SubunitV1);
  CHECK(format_from_string("xml") == Format::JUnit);
  CHECK_FALSE(format_from_string("yaml").has_value());
  for (Format format : {Format::SubunitV2, Format::SubunitV1, Format::JUnit}) {
    CHECK(format_from_string(to_string(format)) == format);
  }
}

TEST_CASE("stream::detect_format")
{
  const auto detect = [](const std::string& bytes) {
    std::istringstream in(bytes);
    const Format format = detect_format(in);
    // Nothing was consumed.
    std::string rest((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(rest == bytes);
    return format;
  };
  CHECK(detect("\xB3\x29\x01") == Format::SubunitV2);
  CHECK(detect("<?xml version=\"1.0\"?><testsuites/>") == Format::JUnit);
  CHECK(detect("\xEF\xBB\xBF\n  <testsuite/>") == Format::JUnit);
  CHECK(detect("time: 2026-01-01 00:00:00Z\ntest: a\n") == Format::SubunitV1);
  CHECK(detect("\n\ntest: a\n") == Format::SubunitV1);
  CHECK(detect("") == Format::SubunitV1);
}

TEST_CASE("stream::parse_iso8601")
{
  const auto t = parse_iso8601("2026-11-21 23:16:53.841213Z");
  REQUIRE(t.has_value());
  CHECK(format_iso8601(*t, ' ', "Z") == "2026-11-21 23:16:53.841213Z");
  CHECK(parse_iso8601("2026-11-21T23:16:53+01:00") == parse_iso8601("2026-11-21T22:16:53Z"));
  CHECK(parse_iso8601("2026-11-21T23:16:53") == parse_iso8601("2026-11-21 23:16:53.000Z"));
  CHECK_FALSE(parse_iso8601("2026-13-01 00:00:00").has_value());
  CHECK_FALSE(parse_iso8601("yesterday").has_value());
  CHECK_FALSE(parse_iso8601("2026-11-21 23:16:53 garbage").has_value());
}
