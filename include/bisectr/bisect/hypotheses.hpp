#pragma once

#include "bisectr/bisect/trial.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace bisectr::bisect {

/// The candidates a hypothesis needs together (empty = the victim fails on its own).
using Members = std::vector<std::size_t>;

/// The hypothesis space {none} ∪ {single i} ∪ (once opened) {pair (i, j) over a pool}, with the
/// failures and passes of the runs in which each hypothesis was active.
/// Index 0 is none, 1..m the singles, then the pairs in lexicographic order of pool positions.
class HypothesisSet
{
public:
  /// m candidates; every hypothesis starts with `base_failures` active failures.
  HypothesisSet(std::size_t candidates, bool inverse, std::uint32_t base_failures);

  std::size_t candidates() const { return m_candidates; }
  /// Number of hypotheses (1 + m + pairs).
  std::size_t size() const { return m_failures.size(); }
  bool pairs_open() const { return m_pool.size() >= 2; }
  /// Whether hypotheses are active when their members are missing (inverse mode).
  bool inverse() const { return m_inverse; }
  /// Candidate indices the pairs range over (ascending), empty when pairs are closed.
  const std::vector<std::size_t>& pair_pool() const { return m_pool; }
  /// Number of pair hypotheses.
  std::size_t pair_count() const { return size() - 1 - m_candidates; }

  /// Opens the pairs over `pool` (ascending unique indices) and counts the given trials for them;
  /// when they are open over another pool, they are replaced.
  void open_pairs(std::vector<std::size_t> pool, const std::vector<Trial>& trials);
  /// Counts one trial: hypotheses active in `subset` get its failures and passes.
  void add(const std::vector<std::size_t>& subset, std::uint32_t failures, std::uint32_t passes);

  /// Whether hypothesis h makes the victim fail (at rate q) when `included` marks the subset.
  bool active(std::size_t h, const std::vector<char>& included) const;
  /// The candidates of hypothesis h.
  Members members(std::size_t h) const;
  /// Index of the hypothesis with these members, or size() when it is not modelled.
  std::size_t index_of(const Members& members) const;
  /// Log prior probability of hypothesis h.
  double log_prior(std::size_t h) const;

  /// Failures and passes of runs in which h was active.
  std::uint32_t active_failures(std::size_t h) const { return m_failures[h]; }
  std::uint32_t active_passes(std::size_t h) const { return m_passes[h]; }
  /// Failures and passes of all runs.
  std::uint32_t total_failures() const { return m_total_failures; }
  std::uint32_t total_passes() const { return m_total_passes; }

  /// Pool positions (a, b) of pair number k (0-based among the pairs).
  std::pair<std::size_t, std::size_t> pair_positions(std::size_t k) const;

private:
  void add_pairs(const std::vector<char>& included, std::uint32_t failures, std::uint32_t passes);

  std::size_t m_candidates;
  bool m_inverse;
  std::uint32_t m_base_failures;
  std::vector<std::size_t> m_pool;
  std::vector<std::uint32_t> m_failures;
  std::vector<std::uint32_t> m_passes;
  std::uint32_t m_total_failures;
  std::uint32_t m_total_passes = 0;
};

/// A mask of m entries, 1 for the candidates in `subset`.
std::vector<char> inclusion_mask(std::size_t candidates, const std::vector<std::size_t>& subset);

} // namespace bisectr::bisect
