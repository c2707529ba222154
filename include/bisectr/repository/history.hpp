#pragma once

#include "bisectr/model/run.hpp"
#include "bisectr/model/status.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bisectr::repository {

/// Which results test_stats looks at.
struct StatsFilter {
  std::optional<model::TimePoint> since; ///< only runs started at or after this time
  std::int64_t min_runs = 0;             ///< drop tests with fewer counted runs
};

/// A name with how often it occurred.
struct NamedCount {
  std::string name;
  std::int64_t count = 0;
};

/// One test's record across runs; skips and non-final statuses are not counted as runs.
struct TestStats {
  std::string test_id;
  std::int64_t runs = 0; ///< results that passed (success, xfail) or failed (fail, error, uxsuccess)
  std::int64_t failures = 0;
  std::int64_t flips = 0; ///< pass<->fail changes between consecutive counted results in run order
  std::optional<model::TimePoint> first_failure; ///< start time of the first run (in run order) where it failed
  std::optional<model::TimePoint> last_failure;  ///< start time of the last run (in run order) where it failed
  std::vector<NamedCount> failure_workers;       ///< workers it failed on, most failures first
  std::vector<NamedCount> failure_predecessors;  ///< the test just before it on its worker when it failed ("" = first)
};

/// The tests that failed at least once in the filtered runs, and the number of tests counted.
struct FailedTestStats {
  std::int64_t counted_tests = 0;  ///< tests with at least min_runs (and one) counted runs
  std::vector<TestStats> tests;    ///< those with failures > 0, ordered by test id
};

/// One result of a test in one run.
struct HistoryEntry {
  model::RunId run = 0;
  model::TimePoint started{}; ///< the run's start
  model::Status status = model::Status::Undefined;
  double duration_seconds = 0.0;
  std::string worker;
  std::int64_t sequence = 0;
};

/// A test whose status differs between two runs; nullopt where the test is absent.
struct StatusChange {
  std::string test_id;
  std::optional<model::Status> before;
  std::optional<model::Status> after;
};

/// A test that ran on another worker or at another position.
struct PositionMove {
  std::string test_id;
  std::string worker_before;
  std::int64_t sequence_before = 0;
  std::string worker_after;
  std::int64_t sequence_after = 0;
};

/// A test whose duration changed beyond the thresholds asked for.
struct DurationChange {
  std::string test_id;
  double seconds_before = 0.0;
  double seconds_after = 0.0;
};

/// What changed from run a to run b, each list ordered by test id.
struct RunComparison {
  std::vector<StatusChange> status_changes;
  std::vector<PositionMove> moves;
  std::vector<DurationChange> duration_changes;
};

/// When a duration change counts: both the absolute and the relative change must exceed these.
struct CompareThresholds {
  double min_seconds = 0.1;
  double min_ratio = 0.5; ///< |after - before| / before
};

/// Repository totals for `stats`.
struct RepositoryStats {
  std::int64_t runs = 0;
  std::int64_t results = 0;
  std::int64_t tests = 0; ///< distinct test ids with at least one result
  std::int64_t sessions = 0;
  std::uintmax_t size_bytes = 0;          ///< the database file plus its WAL
  std::optional<model::TimePoint> oldest; ///< earliest run start
  std::optional<model::TimePoint> newest; ///< latest run start
};

/// Which runs prune drops: the runs beyond the keep newest, and/or the runs started before older_than.
struct PruneRule {
  std::optional<std::int64_t> keep;
  std::optional<model::TimePoint> older_than;
};

/// What prune removed.
struct PruneOutcome {
  std::int64_t runs_removed = 0;
  std::int64_t results_removed = 0;
};

/// Queries across runs for `flaky`, `history`, `compare`, `stats` and `prune`; "run order" is
/// the order runs were recorded in (their ids).
class History
{
public:
  virtual ~History() = default;
  /// Per-test statistics over the filtered runs, ordered by test id.
  virtual std::vector<TestStats> test_stats(const StatsFilter& filter) const = 0;
  /// test_stats() of the tests with at least one counted failure only, and how many tests
  /// test_stats() would return: what `flaky` needs, without reading every test that passed.
  virtual FailedTestStats failed_test_stats(const StatsFilter& filter) const = 0;
  /// A test's results run by run, oldest run first; empty for an unknown test.
  virtual std::vector<HistoryEntry> test_history(const std::string& test_id) const = 0;
  /// Differences from run a to run b; throws util::UsageError when either run is missing.
  virtual RunComparison compare_runs(model::RunId a, model::RunId b, const CompareThresholds& thresholds) const = 0;
  virtual RepositoryStats stats() const = 0;
  /// Removes the runs the rule selects in one transaction, then vacuums.
  virtual PruneOutcome prune(const PruneRule& rule) = 0;
};

} // namespace bisectr::repository
