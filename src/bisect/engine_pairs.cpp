// The engine's pairs beyond the ones modelled from the start: the failure pool they open over
// (normal mode, more than max_pair_candidates candidates), the pair probes that narrow it, and the
// most suspect singles they open over in inverse mode.
#include "bisectr/bisect/engine.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace bisectr::bisect {

namespace {

constexpr double k_pair_open_mass = 0.99;  // pairs open when this much singles mass is in
constexpr std::size_t k_pair_open_top = 100; // ... the top this many candidates
constexpr double k_pair_pool_mass = 0.999;   // the pool: the top candidates holding this much
constexpr std::size_t k_probe_every = 3;  // beyond max_pair_candidates, every third search trial is a pair probe
constexpr std::size_t k_pool_failures = 5; // ... and the pairs open over the failure pool after this many failing trials
// A candidate in the failure pool may also miss the failing trials that background failures at
// k_pool_noise_factor times the rate the singles model sees explain, up to this upper tail
// (k_pool_noise_z: the standard normal quantile of the same tail).
constexpr double k_pool_noise_factor = 2.0;
constexpr double k_pool_noise_tail = 1e-2;
constexpr double k_pool_noise_z = 2.326;

// The smallest a with P(Poisson(mean) > a) < k_pool_noise_tail (0 for a mean of 0). Above a mean
// of 50 (where exp(-mean) heads for underflow) the normal approximation with a continuity term.
std::size_t poisson_upper(double mean)
{
  if (mean <= 0.0) {
    return 0;
  }
  if (mean > 50.0) {
    return static_cast<std::size_t>(std::ceil(mean + k_pool_noise_z * std::sqrt(mean) + 0.5));
  }
  double term = std::exp(-mean);
  double below = term;
  std::size_t a = 0;
  while (1.0 - below >= k_pool_noise_tail) {
    ++a;
    term *= mean / static_cast<double>(a);
    below += term;
  }
  return a;
}

} // namespace

bool Engine::probe_pairs() const
{
  if (m_options.inverse || m_set.pairs_open() || m_set.candidates() <= m_options.max_pair_candidates) {
    return false;
  }
  return trials_of(TrialKind::Search) % k_probe_every == k_probe_every - 1;
}

void Engine::count_for_pool(const TrialRequest& request, const TrialResult& result)
{
  // Kept beyond max_pair_candidates only: up to that many candidates every pair is modelled.
  if (m_set.candidates() <= m_options.max_pair_candidates) {
    return;
  }
  std::vector<char> in = inclusion_mask(m_set.candidates(), request.subset);
  const bool failed = result.failures > 0 && request.subset.size() < m_set.candidates();
  m_failing_trials += failed ? std::size_t{1} : std::size_t{0};
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == 0) {
      m_missed[i] += failed ? std::size_t{1} : std::size_t{0};
      m_left_out[i] += result.runs;
    }
  }
}

std::vector<std::size_t> Engine::failure_pool() const
{
  // Background failures leave out any candidate, the needed ones too: at n = 5,000, k = 2 with
  // noise q/20, they were over a fifth of the failing trials and a needed polluter fell out of the
  // pool (q = 1: 4 of 10 right). A candidate may also miss as many failing trials as background
  // failures explain: the upper 1% Poisson quantile of their number over the runs that left it
  // out, at twice the background rate the posterior sees (rho_mean * q_hat). Twice, because a
  // pair seen through the singles model looks about half as likely to fail as it is.
  double noise = m_failing_trials > 0 ? k_pool_noise_factor * posterior().rho_mean * q_plan() : 0.0;
  std::vector<std::size_t> pool;
  for (std::size_t i = 0; i < m_set.candidates(); ++i) {
    if (m_missed[i] <= m_failing_trials / 5 + poisson_upper(noise * static_cast<double>(m_left_out[i]))) {
      pool.push_back(i);
    }
  }
  return pool;
}

void Engine::maybe_open_pairs()
{
  std::size_t m = m_set.candidates();
  if (m < 2) {
    return;
  }
  if (!m_options.inverse && m > m_options.max_pair_candidates) {
    // Pairs open over the failure pool once enough failing trials have made it small enough.
    // Never over the most suspect singles: a partner that looks innocent alone fell outside
    // that pool, and the search then ran into the run cap (n = 5,000, k = 2: 3 of 10).
    // Chosen from a few failing trials, background failures can still leave a needed polluter
    // out (n = 5,000, q = 1/3, k = 2, noise, seed 5011: 2 of the first 6): each time the failing
    // trials have doubled, the pool is chosen again if it would now hold a candidate it lacks.
    if (m_set.pairs_open() && m_failing_trials < 2 * m_pool_failing) {
      return;
    }
    std::vector<std::size_t> pool = failure_pool();
    if (m_failing_trials < k_pool_failures || pool.size() < 2 || pool.size() > m_options.max_pair_candidates) {
      return;
    }
    const std::vector<std::size_t>& current = m_set.pair_pool();
    if (!m_set.pairs_open() || !std::includes(current.begin(), current.end(), pool.begin(), pool.end())) {
      set_pair_pool(std::move(pool));
    }
    return;
  }
  if (m_set.pairs_open()) {
    return;
  }
  // Inverse mode with more candidates than the pair limit: pairs open once the singles search
  // has narrowed (or a verification failed), over the most suspect candidates.
  const Posterior& current = posterior();
  std::vector<std::size_t> order(m);
  std::iota(order.begin(), order.end(), std::size_t{0});
  auto heavier = [&](std::size_t x, std::size_t y) {
    double wx = current.weights[1 + x];
    double wy = current.weights[1 + y];
    return wx != wy ? wx > wy : x < y;
  };
  std::size_t top_count = std::min(m, k_pair_open_top);
  std::nth_element(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(top_count - 1), order.end(), heavier);
  double singles = 0.0;
  double top = 0.0;
  for (std::size_t r = 0; r < m; ++r) {
    singles += current.weights[1 + order[r]];
    top += r < top_count ? current.weights[1 + order[r]] : 0.0;
  }
  if (m_failed_verifications > 0 || top >= k_pair_open_mass * singles) {
    std::sort(order.begin(), order.end(), heavier);
    std::size_t limit = 0;
    for (double held = 0.0; limit < m && held < k_pair_pool_mass * singles; ++limit) {
      held += current.weights[1 + order[limit]];
    }
    limit = std::min(std::max<std::size_t>(limit, 2), std::max<std::size_t>(2, m_options.max_pair_candidates));
    set_pair_pool(std::vector<std::size_t>(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(limit)));
  }
}

void Engine::set_pair_pool(std::vector<std::size_t> pool)
{
  if (!m_set.pairs_open()) {
    m_pairs_opened_at = m_trials.size();
  }
  m_set.open_pairs(pool, m_trials);
  m_pair_pools.emplace_back(m_trials.size(), std::move(pool));
  m_pool_failing = m_failing_trials;
  m_posterior.reset();
}

} // namespace bisectr::bisect
