#include "bisectr/scheduler/worker_stream.hpp"

#include "fakes/temp_dir.hpp"
#include "test_scheduler_support.hpp"

#include <doctest/doctest.h>

#include <fstream>

using bisectr::model::Status;
using bisectr::scheduler::IdMap;
using bisectr::scheduler::WorkerStream;
using bisectr::stream::Format;
using bisectr::test::ScriptedTest;
using bisectr::test::subunit_stream;

TEST_CASE("scheduler::WorkerStream")
{
  const std::string bytes = subunit_stream({{"t.a", Status::Success, 0, 10}, {"t.b", Status::Fail, 10, 30}, {"t.c", Status::InProgress, 30, 0}});

  SUBCASE("auto-detects subunit v2 fed one byte at a time and stamps worker and sequence")
  {
    WorkerStream stream("worker-3", std::nullopt, "test", IdMap{});
    std::vector<std::string> seen;
    stream.set_on_result([&](const bisectr::model::TestResult& r) { seen.push_back(r.test_id); });
    for (char c : bytes) {
      stream.feed(std::string_view(&c, 1));
    }
    stream.finish();
    REQUIRE(stream.format() == Format::SubunitV2);
    CHECK(stream.error().empty());
    const auto& results = stream.results();
    REQUIRE(results.size() == 2);
    CHECK(results[0].test_id == "t.a");
    CHECK(results[0].worker == "worker-3");
    CHECK(results[0].sequence == 0);
    CHECK(results[1].test_id == "t.b");
    CHECK(results[1].status == Status::Fail);
    CHECK(results[1].sequence == 1);
    CHECK(results[1].duration_seconds() == doctest::Approx(0.020));
    CHECK(seen == std::vector<std::string>{"t.a", "t.b"});
    CHECK(stream.in_progress() == std::vector<std::string>{"t.c"});
  }
  SUBCASE("results arrive live, before finish()")
  {
    WorkerStream stream("worker-0", Format::SubunitV2, "test", IdMap{});
    const std::string first = subunit_stream({{"t.a", Status::Success, 0, 10}});
    stream.feed(first);
    CHECK(stream.results().size() == 1);
  }
  SUBCASE("a malformed stream stops parsing without throwing and keeps what came before")
  {
    WorkerStream stream("worker-0", Format::JUnit, "test", IdMap{});
    stream.feed("<testsuite><testcase classname='a' name='b'>");
    CHECK_NOTHROW(stream.finish());
    CHECK_FALSE(stream.error().empty());
  }
  SUBCASE("JUnit from a file is mapped back to pytest node ids")
  {
    bisectr::test::TempDir dir;
    const auto file = dir / "out.xml";
    std::ofstream(file) << "<?xml version='1.0'?>\n<testsuites><testsuite name='pytest' tests='2'>"
                           "<testcase classname='tests.test_x.TestC' name='test_f[p]' time='0.5'/>"
                           "<testcase classname='tests.test_x' name='test_g' time='0.1'><failure message='boom'>tb</failure></testcase>"
                           "</testsuite></testsuites>\n";
    WorkerStream stream("worker-1", std::nullopt, "test",
                        IdMap::pytest({"tests/test_x.py::TestC::test_f[p]", "tests/test_x.py::test_g"}));
    REQUIRE(stream.feed_file(file));
    stream.finish();
    CHECK(stream.format() == Format::JUnit);
    const auto& results = stream.results();
    REQUIRE(results.size() == 2);
    CHECK(results[0].test_id == "tests/test_x.py::TestC::test_f[p]");
    CHECK(results[1].test_id == "tests/test_x.py::test_g");
    CHECK(results[1].status == Status::Fail);
    CHECK(results[1].worker == "worker-1");
  }
  SUBCASE("a missing file is reported as such")
  {
    WorkerStream stream("worker-0", std::nullopt, "test", IdMap{});
    CHECK_FALSE(stream.feed_file("/nonexistent/bisectr/out.xml"));
  }
  SUBCASE("no output at all gives no results and no error")
  {
    WorkerStream stream("worker-0", std::nullopt, "test", IdMap{});
    stream.finish();
    CHECK(stream.results().empty());
    CHECK(stream.error().empty());
  }
}
