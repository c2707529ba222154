#pragma once

#include "bisectr/bisect/hypotheses.hpp"
#include "bisectr/bisect/posterior.hpp"

#include <cstddef>
#include <random>
#include <vector>

namespace bisectr::bisect {

/// A chosen search subset with the active mass it splits off and its expected bits per run.
struct SubsetChoice
{
  std::vector<std::size_t> subset; ///< ascending candidate indices
  double active_mass = 0.0;        ///< posterior mass predicting failure rate q for this subset
  double information = 0.0;        ///< expected bits per run
};

/// Candidates by marginal descending (masses within a factor of two count as equal), cheaper
/// first at equal mass, then by index.
std::vector<std::size_t> order_by_mass(const std::vector<double>& marginals, const std::vector<double>& seconds);

/// Candidates in a random order weighted by marginal (key ln(u) / mu, largest first).
std::vector<std::size_t> weighted_random_order(const std::vector<double>& marginals, std::mt19937_64& rng);

/// What a prefix costs: the seconds of each candidate (by index) plus a fixed cost per run.
struct PrefixCost
{
  const std::vector<double>* seconds = nullptr; ///< none: the choice ignores cost
  double fixed = 0.0;                           ///< start-up and victim seconds of one run
  double share = 1.0; ///< prefixes with at least this share of the best one's information compete on bits per second
  bool empty = true;  ///< whether the empty prefix (the victim alone) competes on bits per second too
};

/// The prefix of `order` with the most expected information per run (each hypothesis predicting
/// its own posterior failure rate), preferring an active mass in [0.15, 0.85] unless the best such
/// prefix has less than half the information of the best of any mass; ties go to the shorter prefix.
/// With a cost whose share is under 1, the prefixes in the same range with at least that share of
/// the chosen one's information compete on information per second, and the best of them is taken.
SubsetChoice best_prefix(const HypothesisSet& set, const Posterior& posterior, const std::vector<std::size_t>& order,
                         const PrefixCost& cost = {});

} // namespace bisectr::bisect
