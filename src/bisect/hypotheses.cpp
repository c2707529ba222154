#include "bisectr/bisect/hypotheses.hpp"

#include <algorithm>
#include <cmath>

namespace bisectr::bisect {

namespace {

// The design suggests 0.1 for none; at 0.1 a victim that fails on its own was named a culprit
// in up to 17% of simulated scenarios (n = 64, q <= 1/3), at 0.25 in at most 12.5%.
constexpr double k_prior_none = 0.25;
constexpr double k_prior_singles_alone = 0.75;
constexpr double k_prior_singles_with_pairs = 0.6;
constexpr double k_prior_pairs = 0.15;

// Index of the first pair whose smaller pool position is a, for a pool of size p.
std::size_t pair_offset(std::size_t a, std::size_t p)
{
  return a * (2 * p - a - 1) / 2;
}

} // namespace

std::vector<char> inclusion_mask(std::size_t candidates, const std::vector<std::size_t>& subset)
{
  std::vector<char> included(candidates, 0);
  for (std::size_t index : subset) {
    included.at(index) = 1;
  }
  return included;
}

HypothesisSet::HypothesisSet(std::size_t candidates, bool inverse, std::uint32_t base_failures)
    : m_candidates(candidates), m_inverse(inverse), m_base_failures(base_failures),
      m_failures(candidates + 1, base_failures), m_passes(candidates + 1, 0), m_total_failures(base_failures)
{
}

void HypothesisSet::open_pairs(std::vector<std::size_t> pool, const std::vector<Trial>& trials)
{
  std::sort(pool.begin(), pool.end());
  pool.erase(std::unique(pool.begin(), pool.end()), pool.end());
  if (pool.size() < 2 || pool == m_pool) {
    return;
  }
  // Opened again over another pool: the pairs' counts start over from the trials.
  m_failures.resize(1 + m_candidates);
  m_passes.resize(1 + m_candidates);
  m_pool = std::move(pool);
  std::size_t count = m_pool.size() * (m_pool.size() - 1) / 2;
  m_failures.resize(1 + m_candidates + count, m_base_failures);
  m_passes.resize(1 + m_candidates + count, 0);
  for (const Trial& trial : trials) {
    auto failures = static_cast<std::uint32_t>(trial.result.failures);
    auto passes = static_cast<std::uint32_t>(trial.result.runs - trial.result.failures);
    add_pairs(inclusion_mask(m_candidates, trial.request.subset), failures, passes);
  }
}

void HypothesisSet::add(const std::vector<std::size_t>& subset, std::uint32_t failures, std::uint32_t passes)
{
  std::vector<char> included = inclusion_mask(m_candidates, subset);
  m_total_failures += failures;
  m_total_passes += passes;
  m_failures[0] += failures;
  m_passes[0] += passes;
  for (std::size_t i = 0; i < m_candidates; ++i) {
    if ((included[i] != 0) != m_inverse) {
      m_failures[1 + i] += failures;
      m_passes[1 + i] += passes;
    }
  }
  add_pairs(included, failures, passes);
}

void HypothesisSet::add_pairs(const std::vector<char>& included, std::uint32_t failures, std::uint32_t passes)
{
  std::size_t p = m_pool.size();
  std::size_t h = 1 + m_candidates;
  for (std::size_t a = 0; a < p; ++a) {
    bool first = included[m_pool[a]] != 0;
    for (std::size_t b = a + 1; b < p; ++b, ++h) {
      bool both = first && included[m_pool[b]] != 0;
      if (both != m_inverse) {
        m_failures[h] += failures;
        m_passes[h] += passes;
      }
    }
  }
}

bool HypothesisSet::active(std::size_t h, const std::vector<char>& included) const
{
  if (h == 0) {
    return true;
  }
  bool all = true;
  for (std::size_t member : members(h)) {
    all = all && included[member] != 0;
  }
  return all != m_inverse;
}

std::pair<std::size_t, std::size_t> HypothesisSet::pair_positions(std::size_t k) const
{
  std::size_t p = m_pool.size();
  std::size_t low = 0;
  std::size_t high = p - 1;
  // The largest a with pair_offset(a) <= k.
  while (high - low > 1) {
    std::size_t mid = (low + high) / 2;
    if (pair_offset(mid, p) <= k) {
      low = mid;
    } else {
      high = mid;
    }
  }
  std::size_t a = pair_offset(high, p) <= k ? high : low;
  return {a, a + 1 + (k - pair_offset(a, p))};
}

Members HypothesisSet::members(std::size_t h) const
{
  if (h == 0) {
    return {};
  }
  if (h <= m_candidates) {
    return {h - 1};
  }
  auto [a, b] = pair_positions(h - 1 - m_candidates);
  return {m_pool[a], m_pool[b]};
}

std::size_t HypothesisSet::index_of(const Members& members) const
{
  if (members.empty()) {
    return 0;
  }
  if (members.size() == 1) {
    return members[0] < m_candidates ? 1 + members[0] : size();
  }
  if (members.size() != 2 || !pairs_open()) {
    return size();
  }
  auto a = std::lower_bound(m_pool.begin(), m_pool.end(), std::min(members[0], members[1]));
  auto b = std::lower_bound(m_pool.begin(), m_pool.end(), std::max(members[0], members[1]));
  if (a == m_pool.end() || b == m_pool.end() || a == b || *a != std::min(members[0], members[1]) ||
      *b != std::max(members[0], members[1])) {
    return size();
  }
  auto pa = static_cast<std::size_t>(a - m_pool.begin());
  auto pb = static_cast<std::size_t>(b - m_pool.begin());
  return 1 + m_candidates + pair_offset(pa, m_pool.size()) + (pb - pa - 1);
}

double HypothesisSet::log_prior(std::size_t h) const
{
  if (m_candidates == 0) {
    return 0.0;
  }
  if (h == 0) {
    return std::log(k_prior_none);
  }
  auto m = static_cast<double>(m_candidates);
  if (!pairs_open()) {
    return std::log(k_prior_singles_alone / m);
  }
  if (h <= m_candidates) {
    return std::log(k_prior_singles_with_pairs / m);
  }
  return std::log(k_prior_pairs / static_cast<double>(pair_count()));
}

} // namespace bisectr::bisect
