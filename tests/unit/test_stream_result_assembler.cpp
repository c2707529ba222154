#include "bisectr/stream/result_assembler.hpp"

#include <doctest/doctest.h>

#include <vector>

using namespace bisectr;
using bisectr::model::Event;
using bisectr::model::Status;

namespace {

Event event(std::string id, Status status, int second = 0, std::vector<std::string> tags = {}, std::string route = "")
{
  Event e;
  e.test_id = std::move(id);
  e.status = status;
  e.timestamp = model::TimePoint{std::chrono::seconds{second}};
  e.tags = std::move(tags);
  e.route_code = std::move(route);
  return e;
}

Event chunk(std::string id, std::string name, std::string mime, std::string bytes, bool eof)
{
  Event e = event(std::move(id), Status::Undefined);
  e.file = model::FileChunk{std::move(name), std::move(mime), std::move(bytes), eof};
  return e;
}

struct Collector {
  std::vector<model::TestResult> results;
  stream::ResultAssembler assembler{[this](model::TestResult&& r) { results.push_back(std::move(r)); }};
};

} // namespace

TEST_CASE("stream::ResultAssembler")
{
  Collector c;
  SUBCASE("inprogress gives start, the final status gives stop and emits")
  {
    c.assembler.on_event(event("a", Status::InProgress, 10));
    CHECK(c.results.empty());
    CHECK(c.assembler.in_progress() == std::vector<std::string>{"a"});
    c.assembler.on_event(event("a", Status::Fail, 13));
    REQUIRE(c.results.size() == 1);
    CHECK(c.results[0].test_id == "a");
    CHECK(c.results[0].status == Status::Fail);
    CHECK(c.results[0].duration_seconds() == doctest::Approx(3.0));
    CHECK(c.assembler.in_progress().empty());
  }
  SUBCASE("attachment chunks are joined; a later chunk without MIME keeps the first")
  {
    c.assembler.on_event(event("a", Status::InProgress));
    c.assembler.on_event(chunk("a", "traceback", "text/x-traceback", "Trace", false));
    c.assembler.on_event(chunk("a", "log", "text/plain", "L", true));
    c.assembler.on_event(chunk("a", "traceback", "", "back", true));
    c.assembler.on_event(event("a", Status::Fail));
    REQUIRE(c.results.size() == 1);
    REQUIRE(c.results[0].attachments.size() == 2);
    CHECK(c.results[0].attachments[0].name == "traceback");
    CHECK(c.results[0].attachments[0].mime_type == "text/x-traceback");
    CHECK(c.results[0].attachments[0].bytes == "Traceback");
    CHECK(c.results[0].attachments[1].bytes == "L");
  }
  SUBCASE("the worker tag counts on any packet; other tags are kept once")
  {
    c.assembler.on_event(event("a", Status::InProgress, 0, {"worker-2", "slow"}));
    c.assembler.on_event(event("a", Status::Success, 1, {"slow"}));
    c.assembler.on_event(event("b", Status::InProgress));
    c.assembler.on_event(event("b", Status::Success, 1, {"worker-2"}));
    REQUIRE(c.results.size() == 2);
    CHECK(c.results[0].worker == "worker-2");
    CHECK(c.results[0].tags == std::vector<std::string>{"slow"});
    CHECK(c.results[1].worker == "worker-2");
    CHECK(c.results[1].sequence == 1);
  }
  SUBCASE("without a worker tag the route code names the worker")
  {
    c.assembler.on_event(event("a", Status::Success, 0, {}, "1"));
    c.assembler.on_event(event("b", Status::Success, 0, {}, "0/3"));
    c.assembler.on_event(event("c", Status::Success, 0, {}, "remote-x"));
    c.assembler.on_event(event("d", Status::Success, 0, {"worker-5"}, "1"));
    c.assembler.on_event(event("e", Status::Success));
    REQUIRE(c.results.size() == 5);
    CHECK(c.results[0].worker == "worker-1");
    CHECK(c.results[1].worker == "worker-0");
    CHECK(c.results[2].worker == "remote-x");
    CHECK(c.results[3].worker == "worker-5");
    CHECK(c.results[4].worker.empty());
  }
  SUBCASE("sequence follows the order final statuses arrive, per worker, not timestamps")
  {
    c.assembler.on_event(event("a", Status::InProgress, 5, {"worker-0"}));
    c.assembler.on_event(event("b", Status::InProgress, 1, {"worker-1"}));
    c.assembler.on_event(event("a", Status::Success, 9, {"worker-0"}));
    c.assembler.on_event(event("c", Status::InProgress, 2, {"worker-0"}));
    c.assembler.on_event(event("c", Status::Success, 3, {"worker-0"}));
    c.assembler.on_event(event("b", Status::Success, 2, {"worker-1"}));
    REQUIRE(c.results.size() == 3);
    CHECK(c.results[0].test_id == "a");
    CHECK(c.results[0].sequence == 0);
    CHECK(c.results[1].test_id == "c");
    CHECK(c.results[1].sequence == 1);
    CHECK(c.results[2].test_id == "b");
    CHECK(c.results[2].sequence == 0);
  }
  SUBCASE("exists packets give no result; output without a test is kept")
  {
    c.assembler.on_event(event("listed", Status::Exists));
    c.assembler.on_event(chunk("", "stdout", "text/plain", "hello ", false));
    c.assembler.on_event(chunk("", "stdout", "text/plain", "world", false));
    CHECK(c.results.empty());
    CHECK(c.assembler.in_progress().empty());
    CHECK(c.assembler.unattributed_output() == "hello world");
  }
}
