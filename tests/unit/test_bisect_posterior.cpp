#include "bisectr/bisect/posterior.hpp"

#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <vector>

using namespace bisectr::bisect;

namespace {

// The model written out independently: q log-spaced over 28 points, rho in {0, .01, .05}.
double expected_likelihood(int a, int b, int c, int d)
{
  double total = 0.0;
  for (int g = 0; g < 28; ++g) {
    double q = 0.003 * std::pow(0.995 / 0.003, g / 27.0);
    double active = std::pow(q, a) * std::pow(1.0 - q, b);
    double inactive = (c == 0 ? 0.8 : 0.0) + 0.1 * std::pow(0.01 * q, c) * std::pow(1.0 - 0.01 * q, d) +
                      0.1 * std::pow(0.05 * q, c) * std::pow(1.0 - 0.05 * q, d);
    total += active * inactive / 28.0;
  }
  return total;
}

double mean_q()
{
  return expected_likelihood(1, 0, 0, 0);
}

} // namespace

TEST_CASE("bisect::RateModel::fit")
{
  RateModel model;
  SUBCASE("no data: likelihood one, q at the prior mean")
  {
    RateFit fit = model.fit(0, 0, 0, 0);
    CHECK(fit.log_likelihood == doctest::Approx(0.0));
    CHECK(fit.mean_q == doctest::Approx(mean_q()));
    CHECK(fit.mean_rho == doctest::Approx(0.1 * 0.01 + 0.1 * 0.05));
  }
  SUBCASE("exact values against the model written out")
  {
    for (auto [a, b, c, d] : std::vector<std::array<int, 4>>{{1, 0, 0, 0}, {3, 20, 0, 5}, {2, 40, 1, 30}, {0, 7, 2, 0}}) {
      CAPTURE(a);
      CAPTURE(b);
      CHECK(model.fit(static_cast<std::uint64_t>(a), static_cast<std::uint64_t>(b), static_cast<std::uint64_t>(c),
                      static_cast<std::uint64_t>(d))
                .log_likelihood == doctest::Approx(std::log(expected_likelihood(a, b, c, d))).epsilon(1e-9));
    }
  }
  SUBCASE("the mean of q follows the data")
  {
    CHECK(model.fit(10, 10, 0, 0).mean_q == doctest::Approx(0.5).epsilon(0.05));
    CHECK(model.fit(1, 99, 0, 0).mean_q < 0.05);
  }
}

TEST_CASE("bisect::compute_posterior")
{
  RateModel model;
  SUBCASE("no trials: the prior")
  {
    HypothesisSet set(4, false, 0);
    Posterior posterior = compute_posterior(set, model);
    CHECK(posterior.weights[0] == doctest::Approx(0.25));
    CHECK(posterior.weights[1] == doctest::Approx(0.75 / 4));
    set.open_pairs({0, 1, 2, 3}, {});
    posterior = compute_posterior(set, model);
    REQUIRE(posterior.weights.size() == 1 + 4 + 6);
    CHECK(posterior.weights[0] == doctest::Approx(0.25));
    CHECK(posterior.weights[2] == doctest::Approx(0.6 / 4));
    CHECK(posterior.weights[7] == doctest::Approx(0.15 / 6));
  }
  SUBCASE("one failure of {0}: exact posterior")
  {
    HypothesisSet set(2, false, 0);
    set.add({0}, 1, 0);
    Posterior posterior = compute_posterior(set, model);
    // none and 0 explain it with q; 1 only as background noise (0.1 * 0.01 q + 0.1 * 0.05 q).
    double none = 0.25 * mean_q();
    double first = 0.375 * mean_q();
    double second = 0.375 * 0.006 * mean_q();
    double total = none + first + second;
    CHECK(posterior.weights[0] == doctest::Approx(none / total).epsilon(1e-9));
    CHECK(posterior.weights[1] == doctest::Approx(first / total).epsilon(1e-9));
    CHECK(posterior.weights[2] == doctest::Approx(second / total).epsilon(1e-9));
    CHECK(posterior.best == 1);
  }
  SUBCASE("inverse mode: a failure without 1 points at 1")
  {
    HypothesisSet set(2, true, 0);
    set.add({0}, 1, 0);
    Posterior posterior = compute_posterior(set, model);
    CHECK(posterior.best == 2);
    CHECK(posterior.weights[1] == doctest::Approx(posterior.weights[2] * 0.006).epsilon(1e-9));
  }
  SUBCASE("marginals add the pairs to both members")
  {
    HypothesisSet set(3, false, 0);
    set.open_pairs({0, 1, 2}, {});
    Posterior posterior = compute_posterior(set, model);
    std::vector<double> mass = marginals(set, posterior);
    CHECK(mass[0] == doctest::Approx(0.6 / 3 + 2 * 0.15 / 3));
    CHECK(entropy_bits(posterior) > 0.0);
  }
}

TEST_CASE("bisect::HypothesisSet")
{
  HypothesisSet set(5, false, 1);
  set.add({1, 3}, 0, 4);
  set.open_pairs({4, 1, 3}, {});
  SUBCASE("pairs are numbered over the pool and found again")
  {
    CHECK(set.pair_count() == 3);
    for (std::size_t h = 0; h < set.size(); ++h) {
      CHECK(set.index_of(set.members(h)) == h);
    }
    CHECK(set.members(6) == Members{1, 3});
    CHECK(set.members(8) == Members{3, 4});
    CHECK(set.index_of({0, 2}) == set.size());
  }
  SUBCASE("counts: the base failure everywhere, later trials by activity")
  {
    set.add({1, 3}, 1, 2);
    CHECK(set.active_failures(0) == 2);
    CHECK(set.active_failures(1) == 1); // candidate 0 was never in
    CHECK(set.active_passes(2) == 6);   // candidate 1 was in both trials
    CHECK(set.active_failures(set.index_of({1, 3})) == 2);
    CHECK(set.active_failures(set.index_of({1, 4})) == 1);
    CHECK(set.total_failures() == 2);
    CHECK(set.total_passes() == 6);
  }
  SUBCASE("opened again over another pool: the pairs are counted afresh from the trials")
  {
    std::vector<Trial> trials(2);
    trials[0].request.subset = {0, 1, 2};
    trials[0].result = {3, 1, 1.0};
    trials[1].request.subset = {2, 3};
    trials[1].result = {5, 1, 1.0};
    HypothesisSet again(5, false, 1);
    HypothesisSet fresh(5, false, 1);
    for (HypothesisSet* each : {&again, &fresh}) {
      for (const Trial& trial : trials) {
        each->add(trial.request.subset, static_cast<std::uint32_t>(trial.result.failures),
                  static_cast<std::uint32_t>(trial.result.runs - trial.result.failures));
      }
    }
    again.open_pairs({0, 1, 2, 4}, trials);
    CHECK(again.pair_count() == 6);
    again.open_pairs({3, 2, 1}, trials);
    fresh.open_pairs({1, 2, 3}, trials);
    CHECK(again.pair_pool() == std::vector<std::size_t>{1, 2, 3});
    REQUIRE(again.size() == fresh.size());
    REQUIRE(again.pair_count() == 3);
    for (std::size_t h = 0; h < again.size(); ++h) {
      CAPTURE(h);
      CHECK(again.members(h) == fresh.members(h));
      CHECK(again.active_failures(h) == fresh.active_failures(h));
      CHECK(again.active_passes(h) == fresh.active_passes(h));
    }
    CHECK(again.active_failures(again.index_of({2, 3})) == 2); // the base failure and trial 2
    CHECK(again.active_passes(again.index_of({1, 2})) == 2);   // trial 1's passes
  }
}
