#include "bisectr/bisect/engine.hpp"
#include "bisectr/bisect/search.hpp"

#include "bisectr/util/error.hpp"
#include "fakes/simulated_probe.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <numeric>
#include <random>

using namespace bisectr;

namespace {

bisect::Verdict simulate(const test::ScenarioSpec& spec, bisect::Options options, test::Scenario& scenario)
{
  scenario = test::make_scenario(spec);
  options.inverse = spec.inverse;
  options.seed = spec.seed;
  test::SimulatedProbe probe(scenario, spec.seed * 7919 + 1);
  return bisect::search(scenario.problem, options, [&](const auto& batch) { return probe(batch); });
}

constexpr std::size_t k_cap = 20000;

bisect::Options capped(std::size_t parallel = 1)
{
  bisect::Options options;
  options.max_runs = k_cap;
  options.parallel = parallel;
  return options;
}

} // namespace

TEST_CASE("bisect::search")
{
  SUBCASE("a deterministic polluter among 64 is found in about log2(n) runs")
  {
    std::size_t total = 0;
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
      test::Scenario scenario;
      bisect::Verdict verdict = simulate({64, 1, 1.0, false, false, 1.0, seed}, {}, scenario);
      CAPTURE(seed);
      CHECK(test::verdict_is_right(scenario, verdict));
      CHECK(verdict.runs <= 13);
      CHECK(verdict.probability >= 0.95);
      total += verdict.runs;
    }
    CHECK(static_cast<double>(total) / 10.0 <= 12.5);
  }
  SUBCASE("a seeded sample of the simulated grid (n = 64): right, and never stuck")
  {
    std::size_t scenarios = 0;
    std::size_t right = 0;
    for (double q : {1.0, 1.0 / 3.0, 1.0 / 10.0}) {
      for (std::size_t k : {std::size_t{0}, std::size_t{1}, std::size_t{2}}) {
        for (bool noise : {false, true}) {
          for (std::uint64_t seed = 1; seed <= 2; ++seed) {
            test::Scenario scenario;
            bisect::Verdict verdict = simulate({64, k, q, noise, false, 1.0, 100 + seed}, capped(), scenario);
            CAPTURE(q);
            CAPTURE(k);
            CAPTURE(noise);
            CHECK(verdict.kind != bisect::VerdictKind::Exhausted);
            ++scenarios;
            right += test::verdict_is_right(scenario, verdict) ? std::size_t{1} : std::size_t{0};
          }
        }
      }
    }
    CHECK(static_cast<double>(right) >= 0.9 * static_cast<double>(scenarios));
  }
  SUBCASE("fails alone: the victim fails without any candidate")
  {
    test::Scenario scenario;
    bisect::Verdict verdict = simulate({100, 0, 0.2, false, false, 1.0, 5}, capped(), scenario);
    CHECK(verdict.kind == bisect::VerdictKind::FailsAlone);
    CHECK(verdict.culprits.empty());
    CHECK(verdict.q_interval.low <= 0.2);
    CHECK(verdict.q_interval.high >= 0.2);
  }
  SUBCASE("two polluters both needed: the pair is the minimal set")
  {
    test::Scenario scenario;
    bisect::Verdict verdict = simulate({100, 2, 0.5, false, false, 1.0, 6}, capped(), scenario);
    REQUIRE(verdict.kind == bisect::VerdictKind::Found);
    CHECK(verdict.culprits == scenario.culprits);
    CHECK(verdict.culprits.size() == 2);
  }
  SUBCASE("background noise does not mislead it")
  {
    test::Scenario scenario;
    bisect::Verdict verdict = simulate({200, 1, 0.2, true, false, 1.0, 7}, capped(), scenario);
    CHECK(test::verdict_is_right(scenario, verdict));
    CHECK(verdict.q_estimate == doctest::Approx(0.2).epsilon(0.6));
  }
  SUBCASE("inverse mode finds the state-setter a brittle victim needs")
  {
    for (std::size_t k : {std::size_t{1}, std::size_t{2}}) {
      test::Scenario scenario;
      bisect::Verdict verdict = simulate({60, k, 0.5, false, true, 1.0, 8 + k}, capped(), scenario);
      CAPTURE(k);
      CHECK(test::verdict_is_right(scenario, verdict));
    }
  }
  SUBCASE("a victim that never fails again is not reproducible")
  {
    test::Scenario scenario;
    bisect::Verdict verdict = simulate({30, 1, 0.0, false, false, 1.0, 9}, capped(), scenario);
    CHECK(verdict.kind == bisect::VerdictKind::NotReproducible);
    CHECK(verdict.culprits.empty());
  }
  SUBCASE("four trials per round cut the wall time, not the accuracy")
  {
    // Summed over five scenarios: one search's wall time varies with its luck more than K = 4 saves.
    double serial_wall = 0.0;
    double parallel_wall = 0.0;
    double parallel_test = 0.0;
    for (std::uint64_t seed = 21; seed < 26; ++seed) {
      test::Scenario one;
      test::Scenario four;
      bisect::Verdict serial = simulate({64, 1, 0.25, false, false, 1.0, seed}, capped(1), one);
      bisect::Verdict parallel = simulate({64, 1, 0.25, false, false, 1.0, seed}, capped(4), four);
      CAPTURE(seed);
      CHECK(test::verdict_is_right(one, serial));
      CHECK(test::verdict_is_right(four, parallel));
      serial_wall += serial.wall_seconds;
      parallel_wall += parallel.wall_seconds;
      parallel_test += parallel.test_seconds;
    }
    CHECK(parallel_wall < 0.6 * serial_wall);
    CHECK(parallel_wall < 0.6 * parallel_test);
  }
  SUBCASE("two independent polluters: either is right, and others may exist is said")
  {
    bisect::Problem problem{std::vector<double>(20, 0.5), 0.5, 1.0};
    std::mt19937_64 rng(31);
    std::bernoulli_distribution fails(0.5);
    auto probe = [&](const std::vector<bisect::TrialRequest>& batch) {
      std::vector<bisect::TrialResult> results;
      for (const bisect::TrialRequest& request : batch) {
        bool polluted = std::binary_search(request.subset.begin(), request.subset.end(), std::size_t{3}) ||
                        std::binary_search(request.subset.begin(), request.subset.end(), std::size_t{11});
        bisect::TrialResult result;
        while (result.runs < request.max_runs && result.failures == 0) {
          ++result.runs;
          result.failures += polluted && fails(rng) ? 1U : 0U;
        }
        result.seconds = bisect::run_seconds(problem, request.subset) * static_cast<double>(result.runs);
        results.push_back(result);
      }
      return results;
    };
    bisect::Engine engine(problem, capped());
    // Evidence of both: each half (one polluter in each) failed four times out of four.
    std::vector<std::size_t> all(20);
    std::iota(all.begin(), all.end(), std::size_t{0});
    bisect::TrialRequest reproduce;
    reproduce.subset = all;
    reproduce.kind = bisect::TrialKind::Reproduce;
    engine.record(reproduce, {1, 1, 12.0});
    for (std::size_t half = 0; half < 2; ++half) {
      bisect::TrialRequest request;
      request.subset.assign(all.begin() + static_cast<std::ptrdiff_t>(10 * half),
                            all.begin() + static_cast<std::ptrdiff_t>(10 * half + 10));
      request.round = 1 + half;
      for (int repeat = 0; repeat < 4; ++repeat) {
        engine.record(request, {1, 1, 6.5});
      }
    }
    while (!engine.done()) {
      std::vector<bisect::TrialRequest> batch = engine.plan();
      std::vector<bisect::TrialResult> results = probe(batch);
      for (std::size_t k = 0; k < batch.size(); ++k) {
        engine.record(batch[k], results[k]);
      }
    }
    bisect::Verdict verdict = engine.verdict();
    CAPTURE(verdict.runs);
    REQUIRE(verdict.kind == bisect::VerdictKind::Found);
    CHECK((verdict.culprits == std::vector<std::size_t>{3} || verdict.culprits == std::vector<std::size_t>{11}));
    CHECK(verdict.others_may_exist);
  }
  SUBCASE("a probe that answers with the wrong number of results is an error")
  {
    bisect::Problem problem{{1.0, 1.0}, 1.0, 0.0};
    CHECK_THROWS_AS(bisect::search(problem, {}, [](const auto&) { return std::vector<bisect::TrialResult>{}; }),
                    util::Error);
  }
}

TEST_CASE("the by-hand baseline: each half costs one more run wherever the culprit is in the second half")
{
  // Deterministic culprit (q = 1), n = 64: every half runs once, so the each-half reading runs the
  // second half exactly at the levels where the first passed: as many as the culprit's index has
  // one bits (6 levels, the second half taken on a 1).
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    test::Scenario scenario = test::make_scenario({64, 1, 1.0, false, false, 1.0, seed});
    test::SimulatedProbe first_probe(scenario, 1);
    test::SimulatedProbe each_probe(scenario, 1);
    bisect::Verdict first = test::by_hand_halving(scenario, 0.95, first_probe, test::Halving::FirstHalfOnly);
    bisect::Verdict each = test::by_hand_halving(scenario, 0.95, each_probe, test::Halving::EachHalf);
    CAPTURE(seed);
    CHECK(test::verdict_is_right(scenario, first));
    CHECK(test::verdict_is_right(scenario, each));
    auto ones = static_cast<std::size_t>(std::popcount(scenario.culprits.at(0)));
    CHECK(each.runs == first.runs + ones);
    CHECK(each.test_seconds > first.test_seconds - 1e-9);
  }
  SUBCASE("a flaky culprit whose half passes by chance: each-half-retry runs the split again")
  {
    std::size_t right_each = 0;
    std::size_t right_retry = 0;
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
      test::Scenario scenario = test::make_scenario({64, 1, 1.0 / 3.0, false, false, 1.0, seed});
      test::SimulatedProbe each_probe(scenario, seed);
      test::SimulatedProbe retry_probe(scenario, seed);
      bisect::Verdict each = test::by_hand_halving(scenario, 0.95, each_probe, test::Halving::EachHalf);
      bisect::Verdict retry = test::by_hand_halving(scenario, 0.95, retry_probe, test::Halving::EachHalfRetry);
      right_each += test::verdict_is_right(scenario, each) ? std::size_t{1} : std::size_t{0};
      right_retry += test::verdict_is_right(scenario, retry) ? std::size_t{1} : std::size_t{0};
    }
    CHECK(right_retry > right_each);
    CHECK(right_retry == 40);
  }
}
