#include "bisectr/stream/junit_parser.hpp"
#include "bisectr/util/error.hpp"

#include "test_stream_support.hpp"

#include <doctest/doctest.h>

using namespace bisectr;
using bisectr::model::Status;

namespace {

std::vector<model::TestResult> parse_junit(const std::string& xml)
{
  return test::parse_results(xml, stream::Format::JUnit);
}

util::ParseError parse_error(const std::string& xml)
{
  try {
    parse_junit(xml);
  } catch (const util::ParseError& error) {
    return error;
  }
  FAIL("no ParseError");
  return util::ParseError("", "", 0);
}

const model::Attachment* attachment(const model::TestResult& result, const std::string& name)
{
  for (const auto& a : result.attachments) {
    if (a.name == name) {
      return &a;
    }
  }
  return nullptr;
}

} // namespace

TEST_CASE("stream::JUnitParser dialects")
{
  SUBCASE("pytest xunit2: classname + name, xfail, skip, failure text, timestamp")
  {
    const auto results = parse_junit(R"(<?xml version="1.0" encoding="utf-8"?><testsuites>
      <testsuite name="pytest" timestamp="2026-11-21T23:16:56.466248" tests="4">
      <testcase classname="pkg.mod.TestA" name="test_ok[1.5]" time="0.250"><system-out>hi</system-out></testcase>
      <testcase classname="pkg.mod.TestA" name="test_bad" time="0.5"><failure message="AssertionError: 1 != 2">Traceback: boom
AssertionError: 1 != 2</failure></testcase>
      <testcase classname="pkg.mod.TestA" name="test_xf" time="0"><skipped type="pytest.xfail" message="known" /></testcase>
      <testcase classname="pkg.mod.TestA" name="test_skip" time="0"><skipped type="pytest.skip" message="no db">skip text</skipped></testcase>
      </testsuite></testsuites>)");
    REQUIRE(results.size() == 4);
    CHECK(results[0].test_id == "pkg.mod.TestA.test_ok[1.5]");
    CHECK(results[0].status == Status::Success);
    CHECK(results[0].duration_seconds() == doctest::Approx(0.25));
    REQUIRE(attachment(results[0], "stdout") != nullptr);
    CHECK(attachment(results[0], "stdout")->bytes == "hi");
    CHECK(results[1].status == Status::Fail);
    CHECK(results[1].start == results[0].stop);
    REQUIRE(attachment(results[1], "traceback") != nullptr);
    CHECK(attachment(results[1], "traceback")->bytes == "Traceback: boom\nAssertionError: 1 != 2");
    CHECK(results[2].status == Status::XFail);
    CHECK(results[3].status == Status::Skip);
    CHECK(attachment(results[3], "reason")->bytes == "no db\nskip text");
    CHECK(results[0].worker.empty());
  }
  SUBCASE("GoogleTest: Suite.Test, notrun is a skip, error element")
  {
    const auto results = parse_junit(R"(<testsuites tests="3" name="AllTests">
      <testsuite name="MathTest" tests="3" timestamp="2026-11-21T10:00:00.000">
        <testcase name="Adds" status="run" result="completed" time="0.001" classname="MathTest" />
        <testcase name="Divides" status="run" result="completed" time="0.002" classname="MathTest">
          <failure message="math_test.cc:12&#x0A;Expected equality" type=""><![CDATA[math_test.cc:12
Expected equality]]></failure></testcase>
        <testcase name="DISABLED_Slow" status="notrun" result="suppressed" time="0" classname="MathTest" />
      </testsuite></testsuites>)");
    REQUIRE(results.size() == 3);
    CHECK(results[0].test_id == "MathTest.Adds");
    CHECK(results[1].status == Status::Fail);
    CHECK(attachment(results[1], "traceback")->bytes == "math_test.cc:12\nExpected equality");
    CHECK(results[2].status == Status::Skip);
    REQUIRE(results[0].start.has_value());
    CHECK(results[0].start->time_since_epoch() % std::chrono::hours{24} == std::chrono::hours{10});
  }
  SUBCASE("Maven Surefire, ctest and jest-junit ids")
  {
    const auto results = parse_junit(R"(<testsuites>
      <testsuite name="com.example.FooTest"><testcase name="testBar" classname="com.example.FooTest" time="0.01">
        <error message="boom" type="java.lang.IllegalStateException">at Foo.bar</error>
        <system-err>warn</system-err></testcase></testsuite>
      <testsuite name="Linux-c++"><testcase name="unit_parse" classname="unit_parse" time="1.5" status="fail">
        <failure message="Failed" /></testcase></testsuite>
      <testsuite name="jest tests"><testcase classname="Cart adds an item" name="Cart adds an item" time="0.003" /></testsuite>
      </testsuites>)");
    REQUIRE(results.size() == 3);
    CHECK(results[0].test_id == "com.example.FooTest.testBar");
    CHECK(results[0].status == Status::Error);
    CHECK(attachment(results[0], "traceback")->bytes == "boom\nat Foo.bar");
    CHECK(attachment(results[0], "stderr")->bytes == "warn");
    CHECK(results[1].test_id == "unit_parse");
    CHECK(results[1].status == Status::Fail);
    CHECK(attachment(results[1], "traceback")->bytes == "Failed");
    CHECK(results[2].test_id == "Cart adds an item");
    CHECK(results[2].status == Status::Success);
  }
  SUBCASE("testsuites named worker-N or gwN are workers, numbered separately")
  {
    const auto results = parse_junit(R"(<testsuites>
      <testsuite name="gw0"><testcase classname="a" name="t1"/><testcase classname="a" name="t2"/></testsuite>
      <testsuite name="worker-1"><testcase classname="a" name="t3"/></testsuite>
      <testsuite name="other"><testcase classname="a" name="t4"/></testsuite></testsuites>)");
    REQUIRE(results.size() == 4);
    CHECK(results[0].worker == "worker-0");
    CHECK(results[1].worker == "worker-0");
    CHECK(results[1].sequence == 1);
    CHECK(results[2].worker == "worker-1");
    CHECK(results[2].sequence == 0);
    CHECK(results[3].worker.empty());
  }
  SUBCASE("a single testsuite root and nested testsuites")
  {
    const auto results = parse_junit(R"(<testsuite name="outer"><testcase classname="x" name="a"/>
      <testsuite name="inner"><testcase classname="x" name="b"/></testsuite><testcase classname="x" name="c"/></testsuite>)");
    REQUIRE(results.size() == 3);
    CHECK(results[0].test_id == "x.a");
    CHECK(results[1].test_id == "x.c");
    CHECK(results[2].test_id == "x.b");
  }
}

TEST_CASE("stream::JUnitParser hostile input")
{
  SUBCASE("malformed XML names the byte offset pugixml stopped at")
  {
    const std::string xml = "<testsuites><testsuite name=\"a\"><testcase name=\"x\"></testsuite></testsuites>";
    const auto error = parse_error(xml);
    CHECK(error.position() == xml.find("</testsuite>") + 2);
    CHECK(std::string(error.what()).find("malformed XML") != std::string::npos);
  }
  SUBCASE("a DOCTYPE (billion laughs) is refused at its offset")
  {
    std::string xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\">";
    xml += "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">";
    xml += "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>";
    xml += "<testsuites><testsuite><testcase classname=\"&lol3;\" name=\"x\"/></testsuite></testsuites>";
    const auto error = parse_error(xml);
    CHECK(error.position() == 22);
    CHECK(std::string(error.what()).find("DOCTYPE refused") != std::string::npos);
  }
  SUBCASE("deeply nested elements do not crash")
  {
    const std::size_t depth = 200000;
    std::string xml = "<testsuites><testsuite name=\"deep\"><testcase classname=\"c\" name=\"t\"/>";
    for (std::size_t i = 0; i < depth; ++i) {
      xml += "<testsuite>";
    }
    xml += "<testcase classname=\"c\" name=\"bottom\"/>";
    for (std::size_t i = 0; i < depth; ++i) {
      xml += "</testsuite>";
    }
    xml += "</testsuite></testsuites>";
    const auto results = parse_junit(xml);
    REQUIRE(results.size() == 2);
    CHECK(results[1].test_id == "c.bottom");
  }
  SUBCASE("a root that is not a test report")
  {
    CHECK(std::string(parse_error("<html><body/></html>").what()).find("root element is <html>") != std::string::npos);
  }
}
