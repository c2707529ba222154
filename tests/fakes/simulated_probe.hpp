#pragma once

#include "bisectr/bisect/problem.hpp"
#include "bisectr/bisect/trial.hpp"
#include "bisectr/bisect/verdict.hpp"

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace bisectr::test {

/// Background failures (noise) fail at this share of q.
inline constexpr double k_noise_ratio = 1.0 / 20.0;

/// What to generate: n candidates, k polluters (2 = both needed), failure rate q, noise q0 = q/20.
struct ScenarioSpec
{
  std::size_t n = 64;
  std::size_t k = 1;
  double q = 1.0;
  bool noise = false;
  bool inverse = false;       ///< the polluters are state-setters the victim needs
  double startup_seconds = 1.0;
  std::uint64_t seed = 1;
};

/// A generated scenario: the problem the engine sees plus the hidden truth.
struct Scenario
{
  bisect::Problem problem;
  std::vector<std::size_t> culprits; ///< ascending; empty = the victim fails on its own
  double q = 1.0;
  double q0 = 0.0;
  bool inverse = false;
};

/// Seeded scenario: log-normal durations (median 0.2 s), culprits drawn uniformly.
Scenario make_scenario(const ScenarioSpec& spec);

/// Whether the verdict is exactly right for the scenario (Found with the culprits, or FailsAlone).
bool verdict_is_right(const Scenario& scenario, const bisect::Verdict& verdict);

/// Simulates trials of a scenario with a seeded std::mt19937_64.
class SimulatedProbe
{
public:
  SimulatedProbe(const Scenario& scenario, std::uint64_t seed);
  /// Runs one trial: until the victim fails or max_runs runs.
  bisect::TrialResult run(const bisect::TrialRequest& request);
  /// Runs a batch (as bisect::Probe).
  std::vector<bisect::TrialResult> operator()(const std::vector<bisect::TrialRequest>& batch);
  /// Whether the victim fails with probability q (else q0) with this subset before it.
  bool triggered(const std::vector<std::size_t>& subset) const;

private:
  const Scenario* m_scenario;
  std::mt19937_64 m_rng;
};

/// The by-hand method: estimate q on the full list (until 3 failures), check the victim alone,
/// then halve (normal mode only), running each half "until failure, up to R = ceil(ln(1-c)/ln(1-q_hat))"
/// runs. EachHalf (the reading; it reproduces shared/bisect-design.md's 927 runs and 7.9
/// machine-hours) runs the second half when the first passes; FirstHalfOnly takes it untested.
enum class Halving
{
  FirstHalfOnly, ///< run the first half; if it passes, take the second half untested
  EachHalf,      ///< if the first half passes, run the second half too; if both pass, take the second
  EachHalfRetry, ///< as EachHalf, but when both pass run the same split again (experiment)
};
bisect::Verdict by_hand_halving(const Scenario& scenario, double confidence, SimulatedProbe& probe,
                                Halving halving = Halving::FirstHalfOnly);

} // namespace bisectr::test
