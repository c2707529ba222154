#include "bisectr/bisect/planner.hpp"

#include "bisectr/bisect/hypotheses.hpp"
#include "bisectr/bisect/posterior.hpp"
#include "bisectr/bisect/problem.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <numeric>
#include <vector>

using namespace bisectr::bisect;

namespace {

// m candidates, singles only, the user's failure counted, then `passes` passing runs of the full
// order: every single is alike and q_hat falls as passes are added.
HypothesisSet uniform_set(std::size_t m, std::uint32_t passes)
{
  HypothesisSet set(m, false, 1);
  std::vector<std::size_t> all(m);
  std::iota(all.begin(), all.end(), std::size_t{0});
  if (passes > 0) {
    set.add(all, 0, passes);
  }
  return set;
}

std::vector<std::size_t> identity(std::size_t m)
{
  std::vector<std::size_t> order(m);
  std::iota(order.begin(), order.end(), std::size_t{0});
  return order;
}

} // namespace

TEST_CASE("bisect::order_by_mass")
{
  SUBCASE("masses within a factor of two count as equal: the cheaper test first")
  {
    std::vector<double> mass = {0.10, 0.12, 0.30, 0.11};
    std::vector<double> seconds = {5.0, 1.0, 9.0, 0.5};
    std::vector<std::size_t> order = order_by_mass(mass, seconds);
    // 0.30 is in a higher bucket than the rest whatever its cost; 0.10, 0.11 and 0.12 share one.
    CHECK(order == std::vector<std::size_t>{2, 3, 1, 0});
  }
  SUBCASE("equal masses and seconds keep the original order")
  {
    std::vector<std::size_t> order = order_by_mass(std::vector<double>(5, 0.2), std::vector<double>(5, 1.0));
    CHECK(order == identity(5));
  }
}

TEST_CASE("bisect::weighted_random_order")
{
  SUBCASE("a permutation; heavier candidates tend to come first")
  {
    std::vector<double> mass = {0.01, 0.01, 0.9, 0.01, 0.07};
    std::mt19937_64 rng(7);
    std::size_t heavy_first = 0;
    for (int draw = 0; draw < 200; ++draw) {
      std::vector<std::size_t> order = weighted_random_order(mass, rng);
      std::vector<std::size_t> sorted = order;
      std::sort(sorted.begin(), sorted.end());
      REQUIRE(sorted == identity(5));
      heavy_first += order.front() == 2 ? std::size_t{1} : std::size_t{0};
    }
    CHECK(heavy_first > 150);
    CHECK(heavy_first < 200); // random, not a sort by mass
  }
}

TEST_CASE("bisect::best_prefix")
{
  RateModel model;
  const std::size_t m = 40;
  SUBCASE("by information per run: a prefix whose active mass lies in the window")
  {
    HypothesisSet set = uniform_set(m, 10);
    Posterior posterior = compute_posterior(set, model);
    SubsetChoice choice = best_prefix(set, posterior, identity(m));
    CHECK(!choice.subset.empty());
    CHECK(choice.subset.size() < m);
    CHECK(choice.active_mass >= 0.15);
    CHECK(choice.active_mass <= 0.85);
    CHECK(choice.information > 0.0);
    // Its subset is the prefix of the order it was given, sorted.
    CHECK(std::is_sorted(choice.subset.begin(), choice.subset.end()));
    CHECK(choice.subset.back() == choice.subset.size() - 1);
  }
}

TEST_CASE("bisect::best_prefix with a cost")
{
  RateModel model;
  const std::size_t m = 40;
  // Few failures over many runs: q_hat is small, where information per run is flat near the best.
  HypothesisSet set = uniform_set(m, 60);
  Posterior posterior = compute_posterior(set, model);
  // The order puts five fast tests first, then slow ones.
  std::vector<double> seconds(m, 10.0);
  std::fill(seconds.begin(), seconds.begin() + 5, 0.1);
  const Problem problem{seconds, 0.0, 1.0};
  auto cost_of = [&](const SubsetChoice& choice) { return run_seconds(problem, choice.subset); };
  std::vector<std::size_t> fast_first = identity(m);
  SubsetChoice by_runs = best_prefix(set, posterior, fast_first);
  SUBCASE("a share of 1 changes nothing")
  {
    SubsetChoice same = best_prefix(set, posterior, fast_first, {&seconds, 1.0, 1.0});
    CHECK(same.subset == by_runs.subset);
  }
  SUBCASE("a lower share takes a cheaper prefix with more bits per second and at least that share of the bits")
  {
    REQUIRE(by_runs.subset.size() > 5); // the best prefix by information holds slow tests
    SubsetChoice cheap = best_prefix(set, posterior, fast_first, {&seconds, 1.0, 0.4});
    CHECK(cheap.subset.size() < by_runs.subset.size());
    CHECK(cost_of(cheap) < cost_of(by_runs));
    CHECK(cheap.information >= 0.4 * by_runs.information);
    CHECK(cheap.information / cost_of(cheap) > by_runs.information / cost_of(by_runs));
    CHECK(cheap.active_mass >= 0.15); // still inside the window
  }
  SUBCASE("the victim alone competes only when allowed")
  {
    // Every test slow: the victim alone (1 s) is by far the cheapest run.
    std::vector<double> slow(m, 100.0);
    SubsetChoice alone = best_prefix(set, posterior, fast_first, {&slow, 1.0, 0.4, true});
    REQUIRE(alone.subset.empty());
    CHECK(alone.information >= 0.4 * by_runs.information);
    SubsetChoice not_alone = best_prefix(set, posterior, fast_first, {&slow, 1.0, 0.4, false});
    CHECK(!not_alone.subset.empty());
    CHECK(not_alone.information >= 0.4 * by_runs.information);
  }
  SUBCASE("tests that cost nothing leave every prefix at the same cost: the choice by information stands")
  {
    std::vector<double> free(m, 0.0);
    SubsetChoice choice = best_prefix(set, posterior, fast_first, {&free, 1.0, 0.4});
    CHECK(choice.subset == by_runs.subset);
  }
}
