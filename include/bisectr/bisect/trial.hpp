#pragma once

#include <cstddef>
#include <vector>

namespace bisectr::bisect {

/// Why a trial is run; decides how the engine reads its outcome.
enum class TrialKind {
  Reproduce, ///< the reproducing order (full order; victim alone in inverse mode)
  Control,   ///< the opposite order (victim alone; full order in inverse mode)
  Search,    ///< a subset chosen for expected information
  Verify,    ///< one check of a hypothesis that reached the confidence
};

/// One trial to run: the subset (ascending candidate indices, the victim implicitly appended,
/// empty = the victim alone), repeated until the victim fails or max_runs runs were made.
struct TrialRequest
{
  std::vector<std::size_t> subset; ///< candidate indices in original relative order
  std::size_t max_runs = 1;        ///< stop after this many runs if the victim never failed
  TrialKind kind = TrialKind::Search;
  std::size_t round = 0;           ///< trials of one round may run at the same time
  std::vector<std::size_t> target; ///< Verify: the hypothesis checked (empty = fails alone)
  std::size_t check = 0;           ///< Verify: which check of that hypothesis
  std::size_t check_runs = 0;      ///< Verify: the check's total run budget over all its trials
  bool expect_failure = true;      ///< Verify: the check passes on a failure (else on no failure)
};

/// What running a request gave: runs made, victim failures seen, test-seconds spent.
struct TrialResult
{
  std::size_t runs = 0;
  std::size_t failures = 0;
  double seconds = 0.0;
};

/// A request and its result, as the engine stores them.
struct Trial
{
  TrialRequest request;
  TrialResult result;
};

/// Name of a trial kind ("reproduce", "control", "search", "verify").
const char* to_string(TrialKind kind);

/// Parses a trial kind name; throws util::Error on an unknown name.
TrialKind trial_kind_from_string(const char* name);

} // namespace bisectr::bisect
