#pragma once

#include <cstddef>
#include <cstdint>

namespace bisectr::bisect {

/// A closed interval of probabilities.
struct Interval
{
  double low = 0.0;
  double high = 1.0;
};

/// Binary entropy in bits of a probability p in [0, 1].
double binary_entropy(double p);

/// Expected bits from one run when mass p predicts failure rate q and the rest q0.
double information_gain(double p, double q, double q0);

/// The most bits one run can give (information_gain maximised over p).
double capacity(double q, double q0);

/// Fano lower bound on the expected runs to name one of `hypotheses` with the given confidence.
double information_bound_runs(std::size_t hypotheses, double q, double q0, double confidence);

/// Relative entropy in nats of a Bernoulli(a) outcome from a Bernoulli(b) one, b in (0, 1).
double bernoulli_relative_entropy(double a, double b);

/// What unknown_rate_bound finds.
struct UnknownRateBound
{
  double runs = 0.0;       ///< expected runs no method can go under
  double alone_rate = 0.0; ///< the rate of the victim failing on its own that forces it
};

/// A lower bound on the expected runs of any method that names the one culprit among `candidates`
/// (the victim fails at rate q when it ran before it, at q0 otherwise; placed uniformly) with the
/// given confidence, and that is right with the same confidence for a victim failing on its own at
/// any rate, so naming no culprit then. By the change-of-measure inequality
/// E[runs] * max(kl(q, r), kl(q0, r)) >= kl(c, (1 - c) / candidates) for every rate r of such a
/// victim; the bound takes the r where the two relative entropies are equal. docs/bisect.md derives it.
UnknownRateBound unknown_rate_bound(std::size_t candidates, double q, double q0, double confidence);

/// Runs after which a failure of probability q is seen with the given confidence:
/// ceil(ln(1 - c) / ln(1 - q)), at least 1.
std::size_t runs_to_reproduce(double q, double confidence);

/// Runs after which two failures are seen with the given confidence, at the lowest rate q for
/// which `one_failure_runs` runs see one (1 - q = (1 - c)^(1 / one_failure_runs)).
std::size_t runs_to_fail_twice(std::size_t one_failure_runs, double confidence);

/// Central interval of the Jeffreys posterior Beta(f + 1/2, p + 1/2) of a failure rate.
Interval jeffreys_interval(std::uint64_t failures, std::uint64_t passes, double level);

/// Probability of at least k failures in n runs at rate p (binomial upper tail).
double binomial_tail(std::uint64_t k, std::uint64_t n, double p);

} // namespace bisectr::bisect
