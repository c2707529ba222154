#include "bisectr/stream/subunit_v1_parser.hpp"
#include "bisectr/util/error.hpp"

#include "test_stream_support.hpp"

#include <doctest/doctest.h>

using namespace bisectr;
using bisectr::model::Status;

namespace {

std::vector<model::Event> parse_v1(const std::string& text, std::size_t piece = 65536)
{
  return test::parse_events(text, stream::Format::SubunitV1, piece);
}

util::ParseError parse_error(const std::string& text)
{
  try {
    parse_v1(text);
  } catch (const util::ParseError& error) {
    return error;
  }
  FAIL("no ParseError");
  return util::ParseError("", "", 0);
}

} // namespace

TEST_CASE("stream::SubunitV1Parser")
{
  SUBCASE("test, outcomes and their synonyms")
  {
    const auto events = parse_v1("test: a\nsuccess: a\ntesting b\nsuccessful: b\ntest: c\nfailure: c\n"
                                 "test: d\nerror: d\ntest: e\nskip: e\ntest: f\nxfail: f\ntest: g\nuxsuccess: g\n");
    REQUIRE(events.size() == 14);
    CHECK(events[0].test_id == "a");
    CHECK(events[0].status == Status::InProgress);
    CHECK(events[1].status == Status::Success);
    CHECK(events[2].test_id == "b");
    CHECK(events[3].status == Status::Success);
    CHECK(events[5].status == Status::Fail);
    CHECK(events[7].status == Status::Error);
    CHECK(events[9].status == Status::Skip);
    CHECK(events[11].status == Status::XFail);
    CHECK(events[13].status == Status::UxSuccess);
  }
  SUBCASE("time stamps the following events; global and test-local tags")
  {
    const auto events = parse_v1("time: 2026-11-21 23:16:53.841213Z\ntags: worker-0 other\ntest: a\ntags: slow -other\n"
                                 "time: 2026-11-21 23:16:54Z\nsuccess: a\ntags: -worker-0\ntest: b\nsuccess: b\n");
    REQUIRE(events.size() == 4);
    REQUIRE(events[0].timestamp.has_value());
    CHECK(events[0].timestamp->time_since_epoch().count() % 1000000000 == 841213000);
    CHECK(events[0].tags == std::vector<std::string>{"worker-0", "other"});
    CHECK(*events[1].timestamp - *events[0].timestamp == std::chrono::nanoseconds{158787000});
    CHECK(events[1].tags == std::vector<std::string>{"worker-0", "slow"});
    // worker-0 was removed globally; "other" was removed for test a only.
    CHECK(events[2].tags == std::vector<std::string>{"other"});
    CHECK(events[3].tags == std::vector<std::string>{"other"});
  }
  SUBCASE("bracketed details: traceback for failures, ' ]' unquoted")
  {
    const auto events = parse_v1("test: a\nfailure: a [\nline one\n ]quoted\n]\nprogress: +1\n");
    REQUIRE(events.size() == 3);
    REQUIRE(events[1].file.has_value());
    CHECK(events[1].test_id == "a");
    CHECK(events[1].file->name == "traceback");
    CHECK(events[1].file->bytes == "line one\n]quoted\n");
    CHECK(events[1].file->eof);
    CHECK(events[2].status == Status::Fail);
  }
  SUBCASE("multipart details with chunked bodies, split at any byte")
  {
    const std::string text = "test: a\nerror: a [ multipart\nContent-Type: text/x-traceback;charset=utf8\ntraceback\n"
                             "5\r\nab\ncd3\r\nefg0\r\nContent-Type: text/plain\nlog\n0\r\n]\ntest: b\nsuccess: b\n";
    for (std::size_t piece : {std::size_t{1}, std::size_t{3}, std::size_t{65536}}) {
      CAPTURE(piece);
      const auto events = parse_v1(text, piece);
      REQUIRE(events.size() == 6);
      CHECK(events[1].file->name == "traceback");
      CHECK(events[1].file->mime_type == "text/x-traceback;charset=utf8");
      CHECK(events[1].file->bytes == "ab\ncdefg");
      CHECK(events[2].file->name == "log");
      CHECK(events[2].file->bytes.empty());
      CHECK(events[3].status == Status::Error);
      CHECK(events[5].test_id == "b");
    }
  }
  SUBCASE("other lines are stdout")
  {
    const auto events = parse_v1("hello world\ntest: a\nsuccess: a\nbye");
    REQUIRE(events.size() == 4);
    CHECK(events[0].test_id.empty());
    CHECK(events[0].file->name == "stdout");
    CHECK(events[0].file->bytes == "hello world\n");
    CHECK(events[3].file->bytes == "bye");
  }
}

TEST_CASE("stream::SubunitV1Parser errors")
{
  SUBCASE("a bad time names its line")
  {
    const auto error = parse_error("test: a\nsuccess: a\ntime: yesterday\n");
    CHECK(error.unit() == util::ParseError::Unit::Line);
    CHECK(error.position() == 3);
    CHECK(std::string(error.what()).ends_with("input at line 3"));
  }
  SUBCASE("a bad chunk length")
  {
    const auto error = parse_error("test: a\nfailure: a [ multipart\nContent-Type: text/plain\ntb\nzz\r\n");
    CHECK(error.position() == 5);
    CHECK(std::string(error.what()).find("invalid chunk length") != std::string::npos);
  }
  SUBCASE("the stream ends inside details")
  {
    const auto error = parse_error("test: a\nfailure: a [\nhalf a traceback\n");
    CHECK(std::string(error.what()).find("ended inside the details of a") != std::string::npos);
    CHECK(error.position() == 4);
  }
  SUBCASE("a line longer than the limit")
  {
    const std::string line(stream::SubunitV1Parser::k_max_line + 10, 'x');
    const auto error = parse_error("test: a\n" + line);
    CHECK(error.position() == 2);
  }
}
