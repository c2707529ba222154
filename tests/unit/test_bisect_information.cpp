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
