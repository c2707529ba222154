#include "bisectr/report/flake_stats.hpp"

#include <doctest/doctest.h>

using bisectr::repository::TestStats;
using bisectr::report::ClusterOptions;
using bisectr::report::Verdict;
using bisectr::report::assess;
using bisectr::report::binomial_tail;
using bisectr::report::rank_flaky;

namespace {

TestStats stats(const std::string& id, std::int64_t runs, std::int64_t failures, std::int64_t flips)
{
  TestStats s;
  s.test_id = id;
  s.runs = runs;
  s.failures = failures;
  s.flips = flips;
  return s;
}

} // namespace

TEST_CASE("report::binomial_tail")
{
  CHECK(binomial_tail(0, 10, 0.5) == 1.0);
  CHECK(binomial_tail(11, 10, 0.5) == 0.0);
  CHECK(binomial_tail(3, 3, 0.5) == doctest::Approx(0.125));
  CHECK(binomial_tail(2, 3, 0.5) == doctest::Approx(0.5));
  CHECK(binomial_tail(500, 1000, 0.5) == doctest::Approx(0.5126125).epsilon(1e-5));
}

TEST_CASE("report::assess")
{
  const ClusterOptions two_workers{2};
  SUBCASE("verdicts")
  {
    CHECK(assess(stats("a", 10, 0, 0), two_workers).verdict == Verdict::Stable);
    CHECK(assess(stats("a", 10, 10, 0), two_workers).verdict == Verdict::Broken);
    CHECK(assess(stats("a", 10, 3, 4), two_workers).verdict == Verdict::Flaky);
  }
  SUBCASE("failure rate carries the 95% Wilson interval")
  {
    const auto a = assess(stats("a", 120, 4, 8), two_workers);
    CHECK(a.failure_rate.estimate == doctest::Approx(4.0 / 120.0));
    CHECK(a.failure_rate.lower == doctest::Approx(0.0130375510983506).epsilon(1e-9));
    CHECK(a.failure_rate.upper == doctest::Approx(0.082580337559106).epsilon(1e-9));
    CHECK(a.flip_rate.estimate == doctest::Approx(8.0 / 119.0));
  }
  SUBCASE("failures all on one of two workers: a cluster once there are enough of them")
  {
    auto s = stats("a", 100, 8, 16);
    s.failure_workers = {{"worker-1", 8}};
    const auto a = assess(s, two_workers);
    REQUIRE(a.worker_cluster);
    CHECK(a.worker_cluster->name == "worker-1");
    CHECK(a.worker_cluster->share == 1.0);
    s.failures = 2;
    s.failure_workers = {{"worker-1", 2}};
    CHECK_FALSE(assess(s, two_workers).worker_cluster);
  }
  SUBCASE("an even split over workers is no cluster; one worker never is")
  {
    auto s = stats("a", 100, 10, 20);
    s.failure_workers = {{"worker-0", 5}, {"worker-1", 5}};
    CHECK_FALSE(assess(s, two_workers).worker_cluster);
    s.failure_workers = {{"worker-0", 10}};
    CHECK_FALSE(assess(s, ClusterOptions{1}).worker_cluster);
  }
  SUBCASE("failures after one neighbour test")
  {
    auto s = stats("a", 100, 5, 10);
    s.failure_predecessors = {{"b.test_setter", 5}};
    const auto a = assess(s, two_workers);
    REQUIRE(a.predecessor_cluster);
    CHECK(a.predecessor_cluster->name == "b.test_setter");
    s.failure_predecessors = {{"b", 3}, {"c", 2}};
    CHECK_FALSE(assess(s, two_workers).predecessor_cluster);
  }
}

TEST_CASE("report::rank_flaky")
{
  const std::vector<TestStats> all{stats("stable", 50, 0, 0),     stats("broke.z", 50, 50, 0),
                                   stats("rare", 1000, 10, 20),   stats("coin", 1000, 500, 500),
                                   stats("regressed", 100, 60, 1), stats("broke.a", 3, 3, 0)};
  const auto ranked = rank_flaky(all, ClusterOptions{2});
  REQUIRE(ranked.size() == 5);
  SUBCASE("stable tests are left out; flaky first, surest first; broken last by id")
  {
    CHECK(ranked[0].stats.test_id == "coin");
    CHECK(ranked[1].stats.test_id == "rare");
    CHECK(ranked[2].stats.test_id == "regressed");
    CHECK(ranked[3].stats.test_id == "broke.a");
    CHECK(ranked[4].stats.test_id == "broke.z");
    CHECK(ranked[3].verdict == Verdict::Broken);
  }
}
