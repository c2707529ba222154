#include "bisectr/report/memory_changes.hpp"

#include <doctest/doctest.h>

using bisectr::model::TestResult;
using bisectr::model::WorkerInfo;
using bisectr::report::MemoryThresholds;

namespace {

constexpr std::int64_t k_mib = 1024 * 1024;

TestResult result(const std::string& id, std::int64_t before, std::int64_t after)
{
  TestResult r;
  r.test_id = id;
  r.rss_before_bytes = before;
  r.rss_after_bytes = after;
  return r;
}

WorkerInfo worker(const std::string& name, std::int64_t peak)
{
  WorkerInfo w;
  w.name = name;
  w.resources.peak_rss_bytes = peak;
  return w;
}

} // namespace

TEST_CASE("report::test_memory_changes")
{
  const std::vector<TestResult> a{result("grows", 100 * k_mib, 101 * k_mib), result("same", 0, 40 * k_mib),
                                  result("only_a", 0, 0)};
  std::vector<TestResult> b{result("grows", 100 * k_mib, 300 * k_mib), result("same", 0, 44 * k_mib)};
  TestResult imported;
  imported.test_id = "no_figures";
  b.push_back(imported);
  const auto changes = bisectr::report::test_memory_changes(a, b, MemoryThresholds{});
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].name == "grows");
  CHECK(changes[0].bytes_before == 1 * k_mib);
  CHECK(changes[0].bytes_after == 200 * k_mib);
}

TEST_CASE("report::worker_memory_changes")
{
  const auto changes = bisectr::report::worker_memory_changes(
      {worker("worker-0", 100 * k_mib), worker("worker-1", 100 * k_mib)},
      {worker("worker-0", 400 * k_mib), worker("worker-1", 110 * k_mib)}, MemoryThresholds{});
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].name == "worker-0");
}
