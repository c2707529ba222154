#pragma once

#include "bisectr/bisect/hypotheses.hpp"
#include "bisectr/bisect/posterior.hpp"
#include "bisectr/bisect/problem.hpp"
#include "bisectr/bisect/trial.hpp"
#include "bisectr/bisect/verdict.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <map>
#include <optional>
#include <vector>

namespace bisectr::bisect {

/// The incremental search: plan a round of trials, record their results, repeat until done().
/// Its whole state is the problem, the options, the pair pool and the recorded trials, so that
/// to_json() after every record() lets a session resume exactly.
class Engine
{
public:
  /// Throws util::UsageError on invalid options.
  Engine(Problem problem, Options options);

  /// The next round: up to options.parallel requests (empty when done()). Record all of them
  /// before planning again; the same recorded trials and seed always give the same round.
  std::vector<TrialRequest> plan();
  /// Adds a whole round's outcomes, in plan() order; a verification is judged after the last.
  void record_round(const std::vector<TrialRequest>& requests, const std::vector<TrialResult>& results);
  /// Adds one trial's outcome as a round of its own; requests must come from plan() (or a stored session).
  void record(const TrialRequest& request, const TrialResult& result);
  /// Whether a verdict is final.
  bool done() const { return m_phase == Phase::Done; }
  /// The final verdict, or Exhausted with the leading suspects when stopped before done().
  Verdict verdict() const;
  /// A snapshot for live display.
  Progress progress() const;

  /// The full state (problem, options, pair pool, trials) as JSON.
  nlohmann::json to_json() const;
  /// Rebuilds an engine from to_json() output; throws util::Error on a malformed document.
  static Engine from_json(const nlohmann::json& state);

  const Problem& problem() const { return m_problem; }
  const Options& options() const { return m_options; }
  const std::vector<Trial>& trials() const { return m_trials; }
  /// Current posterior (recomputed when trials were added since the last call).
  const Posterior& posterior() const;
  const HypothesisSet& hypotheses() const { return m_set; }

private:
  struct Check
  {
    std::vector<std::size_t> subset;
    bool expect_failure = true;
    std::size_t budget = 0;
    std::size_t runs = 0;
    std::size_t failures = 0;
    std::size_t needed = 1; ///< failures that pass a check expecting them
    /// A check expecting failures also needs its runs to favour the leader's rate over the
    /// background rate by this log likelihood ratio (0: no such condition).
    double log_ratio_needed = 0.0;
    double rate = 0.0;  ///< the leader's rate (low end of its interval)
    double noise = 0.0; ///< the background rate without the leader
    double log_ratio() const;
    bool resolved() const;
    bool passed() const;
  };
  struct Verification
  {
    Members target;
    std::vector<Check> checks;
    std::size_t budget = 0; ///< the one-failure budget the checks were built from
  };

  /// Whether the search starts at once, the user's failure standing for the reproduction.
  bool searches_first() const;
  std::vector<std::size_t> full_order() const;
  std::vector<std::size_t> reproducing_subset() const;
  std::vector<std::size_t> control_subset() const;
  Verification make_verification(const Members& target, std::size_t budget) const;
  std::vector<TrialRequest> plan_reproduce() const;
  std::vector<TrialRequest> plan_verification(const Verification& verification) const;
  std::vector<TrialRequest> plan_search();
  void maybe_open_pairs();
  /// Beyond max_pair_candidates: the candidates left out of at most a fifth of the failing trials
  /// that left any candidate out, plus the ones background failures explain (every candidate
  /// while there is none). A culprit set whose members are all needed lies in it, unless
  /// background failures misled it.
  std::vector<std::size_t> failure_pool() const;
  /// Counts a trial for the failure pool (beyond max_pair_candidates).
  void count_for_pool(const TrialRequest& request, const TrialResult& result);
  /// Gives a parallel round's cheaper trials more runs, so that they last as long as the costliest.
  void balance(std::vector<TrialRequest>& batch) const;
  /// Whether a search round starts with a pair probe (see plan_search).
  bool probe_pairs() const;
  /// The recorded trials of a kind, and their runs.
  std::size_t trials_of(TrialKind kind) const;
  std::size_t runs_of(TrialKind kind) const;
  void add_trial(const TrialRequest& request, const TrialResult& result);
  void add_verify(const TrialRequest& request, const TrialResult& result);
  void settle_verification();
  void finish(VerdictKind kind, Members members);
  Verdict base_verdict() const;
  std::size_t next_round() const;
  std::size_t remaining_runs() const;
  std::size_t cap_budget(std::size_t wanted, std::size_t slots) const;
  std::vector<Suspect> leading(std::size_t count) const;
  bool others_may_exist(std::size_t h, double q) const;
  double q_plan() const;
  /// Posterior mass of the pair hypotheses.
  double pair_mass() const;

  Problem m_problem;
  Options m_options;
  RateModel m_model;
  HypothesisSet m_set;
  std::vector<Trial> m_trials;
  Phase m_phase = Phase::Reproduce;
  VerdictKind m_end = VerdictKind::Exhausted;
  Members m_end_members;
  std::optional<Verification> m_verification;
  std::size_t m_pairs_opened_at = 0; // trials recorded when the pairs opened
  /// Every pool the pairs opened over, with the trials recorded then (beyond max_pair_candidates
  /// the pool is chosen again when the failing trials have doubled and it missed a candidate).
  std::vector<std::pair<std::size_t, std::vector<std::size_t>>> m_pair_pools;
  std::size_t m_pool_failing = 0;                // failing trials when the pool was last set
  std::vector<std::size_t> m_missed;             // per candidate: failing trials that left it out
  std::vector<std::size_t> m_left_out;           // per candidate: runs of trials that left it out
  std::size_t m_failing_trials = 0;              // failing trials that left any candidate out
  /// Opens (or opens again) the pairs over `pool` and remembers it for the stored session.
  void set_pair_pool(std::vector<std::size_t> pool);
  std::size_t m_failed_verifications = 0;
  std::size_t m_search_since_failure = 1;
  std::size_t m_runs = 0;
  std::size_t m_failures = 0;
  double m_test_seconds = 0.0;
  double m_full_seconds = 1.0;    // planned seconds of one run of the full order
  double m_full_order_runs = 0.0; // the recorded runs' planned seconds, in runs of the full order
  std::map<std::size_t, double> m_round_seconds;
  mutable std::optional<Posterior> m_posterior;
};

} // namespace bisectr::bisect
