#include "bisectr/bisect/information.hpp"

#include <boost/math/distributions/beta.hpp>
#include <boost/math/special_functions/beta.hpp>

#include <algorithm>
#include <cmath>

namespace bisectr::bisect {

double binary_entropy(double p)
{
  if (p <= 0.0 || p >= 1.0) {
    return 0.0;
  }
  return -(p * std::log2(p) + (1.0 - p) * std::log2(1.0 - p));
}

double information_gain(double p, double q, double q0)
{
  double mixed = p * q + (1.0 - p) * q0;
  return binary_entropy(mixed) - p * binary_entropy(q) - (1.0 - p) * binary_entropy(q0);
}

double capacity(double q, double q0)
{
  // information_gain is concave in p: a golden-section search finds the maximum.
  const double ratio = (std::sqrt(5.0) - 1.0) / 2.0;
  double low = 0.0;
  double high = 1.0;
  for (int step = 0; step < 100; ++step) {
    double left = high - ratio * (high - low);
    double right = low + ratio * (high - low);
    if (information_gain(left, q, q0) < information_gain(right, q, q0)) {
      low = left;
    } else {
      high = right;
    }
  }
  return information_gain((low + high) / 2.0, q, q0);
}

double information_bound_runs(std::size_t hypotheses, double q, double q0, double confidence)
{
  double bits = confidence * std::log2(static_cast<double>(hypotheses)) - binary_entropy(1.0 - confidence);
  return std::max(0.0, bits) / capacity(q, q0);
}

double bernoulli_relative_entropy(double a, double b)
{
  double nats = 0.0;
  if (a > 0.0) {
    nats += a * std::log(a / b);
  }
  if (a < 1.0) {
    nats += (1.0 - a) * (std::log1p(-a) - std::log1p(-b));
  }
  return nats;
}

UnknownRateBound unknown_rate_bound(std::size_t candidates, double q, double q0, double confidence)
{
  UnknownRateBound bound;
  if (candidates == 0 || q <= 0.0 || q > 1.0 || q0 < 0.0 || q0 >= q) {
    return bound;
  }
  // A run holding the culprit tells it from a victim failing alone at rate r by kl(q, r) nats in
  // expectation, a run without it by kl(q0, r). Between q0 and q the first falls and the second
  // rises with r: the larger of the two is least where they are equal, found by bisection in log r.
  double low = q0 > 0.0 ? q0 : q * 1e-12;
  double high = q;
  for (int step = 0; step < 200; ++step) {
    double middle = std::sqrt(low * high);
    if (bernoulli_relative_entropy(q, middle) > bernoulli_relative_entropy(q0, middle)) {
      low = middle;
    } else {
      high = middle;
    }
  }
  bound.alone_rate = std::sqrt(low * high);
  double per_run =
      std::max(bernoulli_relative_entropy(q, bound.alone_rate), bernoulli_relative_entropy(q0, bound.alone_rate));
  // Right with probability c under every culprit, and naming some culprit with probability at most
  // 1 - c for the victim failing alone: averaged over the culprit's place, at most (1 - c) / m each.
  double wrong = (1.0 - confidence) / static_cast<double>(candidates);
  double needed = confidence > wrong ? bernoulli_relative_entropy(confidence, wrong) : 0.0;
  bound.runs = needed / per_run;
  return bound;
}

std::size_t runs_to_reproduce(double q, double confidence)
{
  if (q >= 1.0) {
    return 1;
  }
  double runs = std::ceil(std::log(1.0 - confidence) / std::log1p(-q));
  return std::max<std::size_t>(1, static_cast<std::size_t>(runs));
}

std::size_t runs_to_fail_twice(std::size_t one_failure_runs, double confidence)
{
  double q = 1.0 - std::pow(1.0 - confidence, 1.0 / static_cast<double>(std::max<std::size_t>(1, one_failure_runs)));
  if (q >= 1.0) {
    return 2;
  }
  // P(at least 2 failures in n runs) = 1 - (1-q)^n - n q (1-q)^(n-1) grows with n.
  std::size_t n = std::max<std::size_t>(2, one_failure_runs);
  while (binomial_tail(2, n, q) < confidence && n < 1000000) {
    ++n;
  }
  return n;
}

Interval jeffreys_interval(std::uint64_t failures, std::uint64_t passes, double level)
{
  boost::math::beta_distribution<double> beta(static_cast<double>(failures) + 0.5, static_cast<double>(passes) + 0.5);
  double tail = (1.0 - level) / 2.0;
  Interval interval;
  interval.low = failures == 0 ? 0.0 : boost::math::quantile(beta, tail);
  interval.high = passes == 0 ? 1.0 : boost::math::quantile(beta, 1.0 - tail);
  return interval;
}

double binomial_tail(std::uint64_t k, std::uint64_t n, double p)
{
  if (k == 0) {
    return 1.0;
  }
  if (k > n || p <= 0.0) {
    return 0.0;
  }
  if (p >= 1.0) {
    return 1.0;
  }
  // P(X >= k) for X ~ Binomial(n, p) is the regularised incomplete beta I_p(k, n - k + 1).
  return boost::math::ibeta(static_cast<double>(k), static_cast<double>(n - k + 1), p);
}

} // namespace bisectr::bisect
