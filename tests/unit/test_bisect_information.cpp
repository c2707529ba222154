#include "bisectr/bisect/information.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace bisectr::bisect;

TEST_CASE("bisect::binary_entropy")
{
  CHECK(binary_entropy(0.5) == doctest::Approx(1.0));
  CHECK(binary_entropy(0.0) == 0.0);
  CHECK(binary_entropy(1.0) == 0.0);
  CHECK(binary_entropy(0.25) == doctest::Approx(0.811278124459));
}

TEST_CASE("bisect::information_gain")
{
  SUBCASE("a deterministic failure gives one bit at an even split")
  {
    CHECK(information_gain(0.5, 1.0, 0.0) == doctest::Approx(1.0));
    CHECK(capacity(1.0, 0.0) == doctest::Approx(1.0).epsilon(1e-6));
  }
  SUBCASE("no split, no information")
  {
    CHECK(information_gain(0.0, 0.3, 0.0) == doctest::Approx(0.0));
    CHECK(information_gain(1.0, 0.3, 0.0) == doctest::Approx(0.0));
  }
  SUBCASE("the design's bound: n = 500, q = 1/30, q0 = 0, c = 0.95 needs about 460 runs")
  {
    CHECK(information_bound_runs(501, 1.0 / 30.0, 0.0, 0.95) == doctest::Approx(460.0).epsilon(0.002));
  }
}

TEST_CASE("bisect::bernoulli_relative_entropy")
{
  CHECK(bernoulli_relative_entropy(0.5, 0.5) == doctest::Approx(0.0));
  CHECK(bernoulli_relative_entropy(1.0, 0.5) == doctest::Approx(std::log(2.0)));
  CHECK(bernoulli_relative_entropy(0.0, 0.2) == doctest::Approx(-std::log(0.8)));
  // 0.95 ln(0.95 / 1e-4) + 0.05 ln(0.05 / (1 - 1e-4))
  CHECK(bernoulli_relative_entropy(0.95, 1e-4) == doctest::Approx(8.5513131).epsilon(1e-6));
}

TEST_CASE("bisect::unknown_rate_bound")
{
  SUBCASE("the goal cell: n = 500, q = 1/30, c = 0.95 needs about 690 runs, 1.5x the design's 460")
  {
    UnknownRateBound bound = unknown_rate_bound(500, 1.0 / 30.0, 0.0, 0.95);
    CHECK(bound.runs == doctest::Approx(689.958).epsilon(1e-4));
    CHECK(bound.alone_rate == doctest::Approx(1.0 / 30.0 / 2.70618).epsilon(1e-4));
    // The rate it settles on makes a run with the culprit and one without it equally telling.
    CHECK(bernoulli_relative_entropy(1.0 / 30.0, bound.alone_rate) ==
          doctest::Approx(-std::log1p(-bound.alone_rate)).epsilon(1e-9));
    CHECK(bound.runs > 1.45 * information_bound_runs(501, 1.0 / 30.0, 0.0, 0.95));
  }
  SUBCASE("a deterministic culprit against a victim failing half the time alone")
  {
    UnknownRateBound bound = unknown_rate_bound(500, 1.0, 0.0, 0.95);
    CHECK(bound.alone_rate == doctest::Approx(0.5).epsilon(1e-9));
    CHECK(bound.runs == doctest::Approx(8.5513131 / std::log(2.0)).epsilon(1e-6));
  }
  SUBCASE("more candidates or a higher confidence need more runs")
  {
    CHECK(unknown_rate_bound(64, 1.0 / 30.0, 0.0, 0.95).runs == doctest::Approx(532.389).epsilon(1e-4));
    CHECK(unknown_rate_bound(5000, 1.0 / 30.0, 0.0, 0.95).runs > unknown_rate_bound(500, 1.0 / 30.0, 0.0, 0.95).runs);
    CHECK(unknown_rate_bound(500, 1.0 / 30.0, 0.0, 0.99).runs > unknown_rate_bound(500, 1.0 / 30.0, 0.0, 0.95).runs);
  }
  SUBCASE("background failures make each run tell less")
  {
    UnknownRateBound bound = unknown_rate_bound(500, 1.0 / 30.0, 1.0 / 600.0, 0.95);
    CHECK(bound.alone_rate > 1.0 / 600.0);
    CHECK(bound.alone_rate < 1.0 / 30.0);
    CHECK(bernoulli_relative_entropy(1.0 / 30.0, bound.alone_rate) ==
          doctest::Approx(bernoulli_relative_entropy(1.0 / 600.0, bound.alone_rate)).epsilon(1e-9));
    CHECK(bound.runs > unknown_rate_bound(500, 1.0 / 30.0, 0.0, 0.95).runs);
  }
  SUBCASE("nothing to name, or no run that tells the two apart")
  {
    CHECK(unknown_rate_bound(0, 0.5, 0.0, 0.95).runs == 0.0);
    CHECK(unknown_rate_bound(10, 0.0, 0.0, 0.95).runs == 0.0);
    CHECK(unknown_rate_bound(10, 0.1, 0.1, 0.95).runs == 0.0);
  }
}

TEST_CASE("bisect::runs_to_reproduce")
{
  CHECK(runs_to_reproduce(1.0, 0.95) == 1);
  CHECK(runs_to_reproduce(0.5, 0.95) == 5);         // 0.5^5 = 0.031 < 0.05 < 0.5^4
  CHECK(runs_to_reproduce(1.0 / 30.0, 0.95) == 89); // ln 0.05 / ln(29/30) = 88.4
  CHECK(runs_to_reproduce(0.01, 0.95) == 299);
}

TEST_CASE("bisect::runs_to_fail_twice")
{
  // Checked against 1 - (1-q)^n - n q (1-q)^(n-1) >= 0.95 in Python, q = 1 - 0.05^(1/base).
  CHECK(runs_to_fail_twice(1, 0.95) == 3);     // q = 0.95: 0.9927 at 3 runs, 0.9025 at 2
  CHECK(runs_to_fail_twice(5, 0.95) == 9);     // q = 0.4507: 0.9618 at 9, 0.9373 at 8
  CHECK(runs_to_fail_twice(89, 0.95) == 142);  // q = 0.0331: 0.95078 at 142, 0.94939 at 141
  CHECK(runs_to_fail_twice(299, 0.95) == 474); // q = 0.00997: 0.950009 at 474
}

TEST_CASE("bisect::jeffreys_interval")
{
  SUBCASE("no failures: the interval starts at zero")
  {
    Interval interval = jeffreys_interval(0, 100, 0.95);
    CHECK(interval.low == 0.0);
    CHECK(interval.high > 0.0);
    CHECK(interval.high < 0.03);
  }
  SUBCASE("it contains the observed rate")
  {
    Interval interval = jeffreys_interval(10, 290, 0.95);
    CHECK(interval.low < 10.0 / 300.0);
    CHECK(interval.high > 10.0 / 300.0);
    CHECK(interval.low == doctest::Approx(0.0171).epsilon(0.02));
    CHECK(interval.high == doctest::Approx(0.0584).epsilon(0.02));
  }
}

TEST_CASE("bisect::binomial_tail")
{
  CHECK(binomial_tail(0, 5, 0.3) == 1.0);
  CHECK(binomial_tail(1, 1, 0.3) == doctest::Approx(0.3));
  CHECK(binomial_tail(2, 3, 0.5) == doctest::Approx(0.5));
  CHECK(binomial_tail(1, 10, 0.1) == doctest::Approx(1.0 - std::pow(0.9, 10)));
  CHECK(binomial_tail(4, 3, 0.5) == 0.0);
}
