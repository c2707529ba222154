// The real streams in fixtures/streams, with counts checked independently with Debian's
// python-subunit tools (subunit-stats, subunit-ls) and junitparser.
#include "bisectr/stream/test_listing.hpp"

#include "test_stream_support.hpp"

#include <doctest/doctest.h>

#include <set>
#include <sstream>

using namespace bisectr;
using bisectr::model::Status;

namespace {

std::vector<model::TestResult> read_sample(const std::string& name)
{
  std::istringstream in(test::sample(name));
  std::vector<model::TestResult> results;
  stream::ResultAssembler assembler([&](model::TestResult&& r) { results.push_back(std::move(r)); });
  stream::read_stream(in, stream::detect_format(in), name, [&](const model::Event& e) { assembler.on_event(e); });
  CHECK(assembler.in_progress().empty());
  return results;
}

} // namespace

TEST_CASE("stream::read_stream samples")
{
  SUBCASE("stestr stored stream: worker tags only on the final packet")
  {
    // subunit-stats: 357 tests, 316 passed, 41 failed; tags worker-0 (155 tests), worker-1 (202).
    for (const std::string name : {"stestr-parallel2.v2.subunit", "stestr-parallel2.v1.subunit", "roundtrip-1to2.v2.subunit"}) {
      CAPTURE(name);
      const auto results = read_sample(name);
      CHECK(results.size() == 357);
      CHECK(test::count_status(results, Status::Success) == 316);
      CHECK(test::count_status(results, Status::Fail) == 41);
      CHECK(test::count_worker(results, "worker-0") == 155);
      CHECK(test::count_worker(results, "worker-1") == 202);
      CHECK(results.front().test_id == "subunit.tests.test_details.TestMultipartDetails.test_get_details");
      CHECK(results.back().test_id == "subunit.tests.test_test_results.TestTagCollapsingDecorator.test_tags_sent_before_result");
      CHECK(results.back().worker == "worker-0");
      CHECK(results.back().sequence == 154);  // the last of worker-0's 155 tests
      for (const auto& result : results) {
        CHECK(result.start.has_value());
        CHECK(result.stop >= result.start);
        CHECK(result.tags.empty());
        if (result.status == Status::Fail) {
          REQUIRE(result.attachments.size() == 1);
          CHECK(result.attachments[0].name == "traceback");
          CHECK(result.attachments[0].bytes.starts_with("Traceback (most recent call last):"));
        }
      }
    }
  }
  SUBCASE("the v1 twin gives the same ids, statuses and order")
  {
    const auto v2 = read_sample("stestr-parallel2.v2.subunit");
    const auto v1 = read_sample("stestr-parallel2.v1.subunit");
    REQUIRE(v1.size() == v2.size());
    for (std::size_t i = 0; i < v1.size(); ++i) {
      CHECK(v1[i].test_id == v2[i].test_id);
      CHECK(v1[i].status == v2[i].status);
      CHECK(v1[i].worker == v2[i].worker);
      CHECK(v1[i].sequence == v2[i].sequence);
      CHECK(v1[i].attachments.size() == v2[i].attachments.size());
      if (!v1[i].attachments.empty()) {
        CHECK(v1[i].attachments[0].bytes == v2[i].attachments[0].bytes);
      }
    }
  }
  SUBCASE("a live runner's output: exists packets, chunked attachments without MIME repeats")
  {
    const auto results = read_sample("subunit-run.v2.subunit");
    CHECK(results.size() == 357);
    CHECK(test::count_status(results, Status::Fail) == 41);
    CHECK(test::count_worker(results, "") == 357);
    const auto failed = std::find_if(results.begin(), results.end(), [](const auto& r) { return r.status == Status::Fail; });
    REQUIRE(failed != results.end());
    REQUIRE(failed->attachments.size() == 1);
    CHECK(failed->attachments[0].mime_type == "text/x-traceback; charset=\"utf8\"; language=\"python\"");
    CHECK(failed->attachments[0].bytes.starts_with("Traceback"));
    CHECK(failed->attachments[0].bytes.size() == 35 + 231 + 75);  // its three chunks, per python-subunit
  }
  SUBCASE("list_test_ids gives the exists packets")
  {
    const auto ids = stream::list_test_ids(test::sample("subunit-run.v2.subunit"), "subunit-run");
    CHECK(ids.size() == 358);  // one listed test (DoExecTestCase.test_working_script) never ran
    CHECK(ids.front() == "subunit.tests.test_chunked.TestDecode.test_close_after_finished_stream_safe");
    CHECK(std::set<std::string>(ids.begin(), ids.end()).count("subunit.tests.test_test_protocol.DoExecTestCase.test_working_script") == 1);
    CHECK(stream::list_test_ids(test::sample("stestr-parallel2.v2.subunit"), "x").empty());
  }
  SUBCASE("JUnit from pytest, pytest-xdist and subunit2junitxml")
  {
    for (const std::string name : {"pytest.junit.xml", "pytest-xdist2.junit.xml"}) {
      CAPTURE(name);
      const auto results = read_sample(name);
      CHECK(results.size() == 361);
      CHECK(test::count_status(results, Status::Fail) == 44);
      CHECK(test::count_status(results, Status::Success) == 317);
      CHECK(test::count_worker(results, "") == 361);
      CHECK(results.front().test_id.starts_with("test_chunked.TestDecode."));
    }
    const auto results = read_sample("subunit2junitxml.xml");
    CHECK(results.size() == 357);
    CHECK(test::count_status(results, Status::Fail) == 41);
    CHECK(results.front().test_id == "subunit.tests.test_details.TestMultipartDetails.test_get_details");
    const auto v2 = read_sample("stestr-parallel2.v2.subunit");
    std::set<std::string> junit_ids;
    std::set<std::string> v2_ids;
    for (std::size_t i = 0; i < results.size(); ++i) {
      junit_ids.insert(results[i].test_id);
      v2_ids.insert(v2[i].test_id);
    }
    CHECK(junit_ids == v2_ids);
  }
  SUBCASE("pytest's timestamp and times give start and stop")
  {
    const auto results = read_sample("pytest.junit.xml");
    REQUIRE(results.front().start.has_value());
    CHECK(results.front().duration_seconds() == doctest::Approx(0.001));
    CHECK(results[1].start == results[0].stop);
  }
}
