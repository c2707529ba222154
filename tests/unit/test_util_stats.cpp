#include "bisectr/util/stats.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

using bisectr::util::normal_quantile_two_sided;
using bisectr::util::wilson_interval;

TEST_CASE("util::normal_quantile_two_sided")
{
  CHECK(normal_quantile_two_sided(0.95) == doctest::Approx(1.959963984540054).epsilon(1e-8));
  CHECK(normal_quantile_two_sided(0.99) == doctest::Approx(2.5758293035489).epsilon(1e-8));
  CHECK(normal_quantile_two_sided(0.6826894921370859) == doctest::Approx(1.0).epsilon(1e-7));
  CHECK_THROWS_AS(normal_quantile_two_sided(1.0), std::invalid_argument);
  CHECK_THROWS_AS(normal_quantile_two_sided(0.0), std::invalid_argument);
}

TEST_CASE("util::wilson_interval")
{
  SUBCASE("the issue's example: 4 failures in 120 runs is 3.3% [1.3%, 8.3%]")
  {
    const auto p = wilson_interval(4, 120);
    CHECK(p.estimate == doctest::Approx(4.0 / 120.0));
    CHECK(p.lower == doctest::Approx(0.0130375510983506).epsilon(1e-9));
    CHECK(p.upper == doctest::Approx(0.082580337559106).epsilon(1e-9));
  }
  SUBCASE("half of a hundred is symmetric around one half")
  {
    const auto p = wilson_interval(50, 100);
    CHECK(p.lower == doctest::Approx(0.4038315303659956).epsilon(1e-9));
    CHECK(p.upper == doctest::Approx(0.5961684696340044).epsilon(1e-9));
  }
  SUBCASE("no successes pins the lower bound at exactly zero")
  {
    const auto p = wilson_interval(0, 10);
    CHECK(p.estimate == 0.0);
    CHECK(p.lower == 0.0);
    CHECK(p.upper == doctest::Approx(0.2775327998628892).epsilon(1e-9));
  }
  SUBCASE("all successes pins the upper bound at exactly one")
  {
    const auto p = wilson_interval(10, 10);
    CHECK(p.upper == 1.0);
    CHECK(p.lower == doctest::Approx(0.7224672001371107).epsilon(1e-9));
  }
  SUBCASE("no trials says nothing: [0, 1]")
  {
    const auto p = wilson_interval(0, 0);
    CHECK(p.lower == 0.0);
    CHECK(p.upper == 1.0);
  }
  SUBCASE("a wider confidence gives a wider interval")
  {
    const auto p95 = wilson_interval(3, 40, 0.95);
    const auto p99 = wilson_interval(3, 40, 0.99);
    CHECK(p99.lower < p95.lower);
    CHECK(p99.upper > p95.upper);
  }
  SUBCASE("impossible counts are rejected")
  {
    CHECK_THROWS_AS(wilson_interval(5, 4), std::invalid_argument);
    CHECK_THROWS_AS(wilson_interval(-1, 4), std::invalid_argument);
  }
}
