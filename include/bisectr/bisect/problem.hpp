#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace bisectr::bisect {

/// What is bisected: the recorded durations of the candidates (in run order) and of the victim.
struct Problem
{
  std::vector<double> candidate_seconds; ///< one entry per candidate test, in original order
  double victim_seconds = 0.0;           ///< recorded duration of the victim test
  double startup_seconds = 0.0;          ///< fixed cost of one run (worker start-up)
};

/// How the search trades runs for certainty.
struct Options
{
  double confidence = 0.95;              ///< stop when one hypothesis reaches this posterior, in (0, 1)
  std::size_t parallel = 1;              ///< trials planned per round (workers)
  std::size_t max_runs = 0;              ///< total run budget; 0 = no cap
  std::uint64_t seed = 1;                ///< seeds the randomised subsets
  bool inverse = false;                  ///< the victim fails when a state-setter is missing
  double q_floor = 0.01;                 ///< smallest failure rate the reproduction check can see
  std::size_t max_pair_candidates = 1000; ///< pairs are modelled over at most this many candidates
  bool count_observed_failure = true;    ///< the user's failing run counts as one failure of the full order
  /// Search prefixes with at least this share of the best one's information per run compete on
  /// information per second (flaky victims only); 1 = information per run alone.
  double cost_share = 0.25;
};

/// Total cost in seconds of one run of the given candidates followed by the victim.
double run_seconds(const Problem& problem, const std::vector<std::size_t>& subset);

/// Throws util::UsageError when an option is out of range.
void validate(const Problem& problem, const Options& options);

} // namespace bisectr::bisect
