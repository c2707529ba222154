#pragma once

#include "bisectr/bisect/hypotheses.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace bisectr::bisect {

/// The evidence for one count tuple with the failure rate q and noise ratio rho integrated out.
struct RateFit
{
  double log_likelihood = 0.0;
  double mean_q = 0.0;   ///< posterior mean of q
  double mean_rho = 0.0; ///< posterior mean of rho = q0 / q
  double mean_q0 = 0.0;  ///< posterior mean of q0 = rho * q
};

/// The grid (28 log-spaced q in [0.003, 0.995]) × (rho in {0, 0.01, 0.05}, prior 0.8/0.1/0.1).
class RateModel
{
public:
  RateModel();
  /// Integrates a failures / b passes while active and c / d while not over the grid.
  RateFit fit(std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t d) const;

private:
  struct Point
  {
    double log_prior, q, rho, log_q, log_1q, log_rq, log_1rq;
  };
  std::vector<Point> m_points;
};

/// Normalised posterior weights over a hypothesis set, with mixture estimates of q and rho.
struct Posterior
{
  std::vector<double> weights; ///< per hypothesis index, sums to 1
  std::vector<double> rate;    ///< per hypothesis: posterior mean failure rate when active
  std::vector<double> noise;   ///< per hypothesis: posterior mean failure rate when inactive
  std::vector<double> rate_bits;  ///< per hypothesis: binary entropy of rate
  std::vector<double> noise_bits; ///< per hypothesis: binary entropy of noise
  std::size_t best = 0;        ///< index of the largest weight
  double q_mean = 0.5;         ///< posterior mean of q (mixture over hypotheses)
  double rho_mean = 0.0;       ///< posterior mean of rho (mixture over hypotheses)
};

/// Computes the posterior of every hypothesis from its counts (tuples are fitted once each).
Posterior compute_posterior(const HypothesisSet& set, const RateModel& model);

/// The rate fit of one hypothesis.
RateFit fit_hypothesis(const HypothesisSet& set, const RateModel& model, std::size_t h);

/// Candidate marginals: the posterior mass of the hypotheses each candidate belongs to.
std::vector<double> marginals(const HypothesisSet& set, const Posterior& posterior);

/// Entropy in bits of the posterior.
double entropy_bits(const Posterior& posterior);

} // namespace bisectr::bisect
