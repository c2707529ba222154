#pragma once

#include "bisectr/bisect/information.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <vector>

namespace bisectr::bisect {

/// How a search ended.
enum class VerdictKind {
  Found,           ///< the culprits make the victim fail (verified)
  FailsAlone,      ///< the victim fails on its own (verified)
  NotReproducible, ///< the reproducing order never failed within the reproduction budget
  Exhausted,       ///< the run budget ran out (or the search was stopped) before a verified answer
};

/// Where the engine is.
enum class Phase { Reproduce, Search, Verify, Done };

/// A hypothesis and its posterior probability.
struct Suspect
{
  std::vector<std::size_t> members; ///< candidate indices (empty = fails on its own)
  double probability = 0.0;
};

/// The answer of a search, with how sure it is and what it cost.
struct Verdict
{
  VerdictKind kind = VerdictKind::Exhausted;
  std::vector<std::size_t> culprits; ///< Found: the minimal set of candidate indices, ascending
  double probability = 0.0;          ///< posterior of the verdict's hypothesis (Exhausted: of the leader)
  double q_estimate = 0.0;           ///< failure rate when the culprits are present (upper bound if not reproducible)
  Interval q_interval;               ///< 95% Jeffreys interval of that rate
  bool others_may_exist = false;     ///< failures without the culprits beyond background noise
  std::vector<Suspect> suspects;     ///< leading hypotheses, most probable first
  std::size_t trials = 0;
  std::size_t runs = 0;
  double test_seconds = 0.0;         ///< sum of all runs' durations
  double wall_seconds = 0.0;         ///< sum over rounds of the longest trial in the round
  std::size_t reproduce_runs = 0;    ///< runs / failures of the reproducing order
  std::size_t reproduce_failures = 0;
  std::size_t control_runs = 0;      ///< runs / failures of the opposite order (victim alone)
  std::size_t control_failures = 0;
};

/// A snapshot for live display: phase, cost so far, leading suspects, estimates.
struct Progress
{
  Phase phase = Phase::Reproduce;
  std::size_t trials = 0;
  std::size_t runs = 0;
  std::size_t failures = 0;
  double test_seconds = 0.0;
  double wall_seconds = 0.0;
  std::vector<Suspect> suspects; ///< up to five, most probable first
  double q_estimate = 0.0;       ///< posterior mean of q
  Interval q_interval;           ///< Jeffreys interval for the leading hypothesis
  double remaining_runs = 0.0;   ///< rough estimate: posterior entropy over capacity, plus verification
  bool pairs_open = false;
};

/// "found", "fails_alone", "not_reproducible", "exhausted".
const char* to_string(VerdictKind kind);
/// "reproduce", "search", "verify", "done".
const char* to_string(Phase phase);

/// The verdict as one JSON object (kind, culprits as indices, probability, q, cost).
nlohmann::json to_json(const Verdict& verdict);
/// The progress snapshot as one JSON object.
nlohmann::json to_json(const Progress& progress);

} // namespace bisectr::bisect
