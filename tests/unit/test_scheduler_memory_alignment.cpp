#include "bisectr/scheduler/memory_alignment.hpp"

#include <doctest/doctest.h>

using bisectr::executor::MemorySample;
using bisectr::model::TestResult;
using bisectr::model::TimePoint;
using bisectr::scheduler::attach_memory;
using bisectr::scheduler::memory_curve;
using std::chrono::milliseconds;

namespace {

TestResult timed(const std::string& id, TimePoint launched, int start_ms, int stop_ms)
{
  TestResult result;
  result.test_id = id;
  result.start = launched + milliseconds{start_ms};
  result.stop = launched + milliseconds{stop_ms};
  return result;
}

} // namespace

TEST_CASE("scheduler::attach_memory")
{
  const TimePoint launched{std::chrono::seconds{1'700'000'000}};
  // 0ms: 10, 50ms: 10, 100ms: 60 (a leak during "leaky"), 150ms: 60, 200ms: 60
  const std::vector<MemorySample> samples{
    {milliseconds{0}, 10}, {milliseconds{50}, 10}, {milliseconds{100}, 60}, {milliseconds{150}, 60}, {milliseconds{200}, 60}};

  SUBCASE("before is the last sample at or before the start, after the first at or after the stop")
  {
    std::vector<TestResult> results{timed("quiet", launched, 10, 40), timed("leaky", launched, 55, 95),
                                    timed("after", launched, 120, 140)};
    attach_memory(results, samples, launched);
    CHECK(results[0].rss_before_bytes == 10);
    CHECK(results[0].rss_after_bytes == 10);
    CHECK(results[1].rss_before_bytes == 10);
    CHECK(results[1].rss_after_bytes == 60);
    CHECK(results[2].rss_before_bytes == 60);
    CHECK(results[2].rss_after_bytes == 60);
  }
  SUBCASE("a test ending after the last sample takes the last sample")
  {
    std::vector<TestResult> results{timed("late", launched, 190, 900)};
    attach_memory(results, samples, launched);
    CHECK(results[0].rss_before_bytes == 60);
    CHECK(results[0].rss_after_bytes == 60);
  }
  SUBCASE("results without times, or with times far outside the worker's life, get no figures")
  {
    TestResult untimed;
    untimed.test_id = "untimed";
    std::vector<TestResult> results{untimed, timed("epoch", TimePoint{}, 0, 10)};
    attach_memory(results, samples, launched);
    CHECK_FALSE(results[0].rss_before_bytes);
    CHECK_FALSE(results[1].rss_before_bytes);
    CHECK_FALSE(results[1].rss_after_bytes);
  }
  SUBCASE("no samples, no figures")
  {
    std::vector<TestResult> results{timed("t", launched, 0, 10)};
    attach_memory(results, {}, launched);
    CHECK_FALSE(results[0].rss_after_bytes);
  }
}

TEST_CASE("scheduler::memory_curve")
{
  std::vector<MemorySample> samples;
  for (int i = 0; i < 10; ++i) {
    samples.push_back({milliseconds{i * 100}, i == 7 ? 1000 : i});
  }
  SUBCASE("few samples are kept as they are, in seconds")
  {
    const auto curve = memory_curve(samples, 100);
    REQUIRE(curve.size() == 10);
    CHECK(curve[3].seconds == doctest::Approx(0.3));
    CHECK(curve[3].rss_bytes == 3);
  }
  SUBCASE("thinning keeps each slice's peak, so a spike survives")
  {
    const auto curve = memory_curve(samples, 3);
    REQUIRE(curve.size() == 3);  // slices of 4: [0..3] [4..7] [8..9]
    CHECK(curve[0].rss_bytes == 3);
    CHECK(curve[1].rss_bytes == 1000);
    CHECK(curve[1].seconds == doctest::Approx(0.7));
    CHECK(curve[2].rss_bytes == 9);
  }
  SUBCASE("no samples, no curve")
  {
    CHECK(memory_curve({}, 10).empty());
  }
}
