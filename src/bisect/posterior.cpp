#include "bisectr/bisect/posterior.hpp"

#include "bisectr/bisect/information.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <unordered_map>

namespace bisectr::bisect {

namespace {

constexpr std::size_t k_q_points = 28;
constexpr double k_q_low = 0.003;
constexpr double k_q_high = 0.995;
constexpr std::array<double, 3> k_rho = {0.0, 0.01, 0.05};
constexpr std::array<double, 3> k_rho_prior = {0.8, 0.1, 0.1};

} // namespace

RateModel::RateModel()
{
  double step = std::log(k_q_high / k_q_low) / static_cast<double>(k_q_points - 1);
  for (std::size_t g = 0; g < k_q_points; ++g) {
    double q = k_q_low * std::exp(step * static_cast<double>(g));
    for (std::size_t r = 0; r < k_rho.size(); ++r) {
      double rho = k_rho[r];
      double log_rq = rho > 0.0 ? std::log(rho * q) : -std::numeric_limits<double>::infinity();
      m_points.push_back({std::log(k_rho_prior[r] / static_cast<double>(k_q_points)), q, rho, std::log(q),
                          std::log1p(-q), log_rq, std::log1p(-rho * q)});
    }
  }
}

RateFit RateModel::fit(std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t d) const
{
  std::array<double, k_q_points * k_rho.size()> terms{};
  double top = -std::numeric_limits<double>::infinity();
  auto fa = static_cast<double>(a);
  auto fb = static_cast<double>(b);
  auto fc = static_cast<double>(c);
  auto fd = static_cast<double>(d);
  for (std::size_t k = 0; k < m_points.size(); ++k) {
    const Point& point = m_points[k];
    double term = point.log_prior + fa * point.log_q + fb * point.log_1q + fd * point.log_1rq;
    // A failure without the hypothesis is impossible when there is no background noise.
    if (c > 0) {
      term = point.rho > 0.0 ? term + fc * point.log_rq : -std::numeric_limits<double>::infinity();
    }
    terms[k] = term;
    top = std::max(top, term);
  }
  double sum = 0.0;
  double sum_q = 0.0;
  double sum_rho = 0.0;
  double sum_q0 = 0.0;
  for (std::size_t k = 0; k < m_points.size(); ++k) {
    double weight = std::exp(terms[k] - top);
    sum += weight;
    sum_q += weight * m_points[k].q;
    sum_rho += weight * m_points[k].rho;
    sum_q0 += weight * m_points[k].rho * m_points[k].q;
  }
  return {top + std::log(sum), sum_q / sum, sum_rho / sum, sum_q0 / sum};
}

RateFit fit_hypothesis(const HypothesisSet& set, const RateModel& model, std::size_t h)
{
  std::uint64_t a = set.active_failures(h);
  std::uint64_t b = set.active_passes(h);
  return model.fit(a, b, set.total_failures() - a, set.total_passes() - b);
}

Posterior compute_posterior(const HypothesisSet& set, const RateModel& model)
{
  // Hypotheses never separated by any trial share their counts: fit each distinct tuple once.
  struct Cached
  {
    RateFit fit;
    double rate_bits;
    double noise_bits;
  };
  std::unordered_map<std::uint64_t, Cached> fits;
  Posterior posterior;
  for (auto* column : {&posterior.weights, &posterior.rate, &posterior.noise, &posterior.rate_bits,
                       &posterior.noise_bits}) {
    column->resize(set.size());
  }
  std::vector<double> rho(set.size());
  double top = -std::numeric_limits<double>::infinity();
  for (std::size_t h = 0; h < set.size(); ++h) {
    std::uint64_t key = (std::uint64_t{set.active_failures(h)} << 32) | set.active_passes(h);
    auto found = fits.find(key);
    if (found == fits.end()) {
      RateFit fit = fit_hypothesis(set, model, h);
      found = fits.emplace(key, Cached{fit, binary_entropy(fit.mean_q), binary_entropy(fit.mean_q0)}).first;
    }
    const Cached& cached = found->second;
    posterior.rate[h] = cached.fit.mean_q;
    posterior.noise[h] = cached.fit.mean_q0;
    posterior.rate_bits[h] = cached.rate_bits;
    posterior.noise_bits[h] = cached.noise_bits;
    rho[h] = cached.fit.mean_rho;
    posterior.weights[h] = set.log_prior(h) + cached.fit.log_likelihood;
    if (posterior.weights[h] > top) {
      top = posterior.weights[h];
      posterior.best = h;
    }
  }
  double sum = 0.0;
  for (double& weight : posterior.weights) {
    weight = std::exp(weight - top);
    sum += weight;
  }
  posterior.q_mean = 0.0;
  posterior.rho_mean = 0.0;
  for (std::size_t h = 0; h < set.size(); ++h) {
    posterior.weights[h] /= sum;
    posterior.q_mean += posterior.weights[h] * posterior.rate[h];
    posterior.rho_mean += posterior.weights[h] * rho[h];
  }
  return posterior;
}

std::vector<double> marginals(const HypothesisSet& set, const Posterior& posterior)
{
  std::size_t m = set.candidates();
  std::vector<double> mass(m, 0.0);
  for (std::size_t i = 0; i < m; ++i) {
    mass[i] = posterior.weights[1 + i];
  }
  const std::vector<std::size_t>& pool = set.pair_pool();
  std::size_t h = 1 + m;
  for (std::size_t a = 0; a < pool.size(); ++a) {
    for (std::size_t b = a + 1; b < pool.size(); ++b, ++h) {
      mass[pool[a]] += posterior.weights[h];
      mass[pool[b]] += posterior.weights[h];
    }
  }
  return mass;
}

double entropy_bits(const Posterior& posterior)
{
  double bits = 0.0;
  for (double weight : posterior.weights) {
    if (weight > 0.0) {
      bits -= weight * std::log2(weight);
    }
  }
  return bits;
}

} // namespace bisectr::bisect
