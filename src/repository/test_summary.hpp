#pragma once

#include "bisectr/model/status.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <cstdint>
#include <optional>
#include <vector>

namespace bisectr::repository::detail {

class StatementCache;

/// One test's totals over every run (a row of test_summary), in the terms of TestStats.
struct TestSummary {
  std::int64_t test = 0;
  std::int64_t runs = 0;
  std::int64_t failures = 0;
  std::int64_t flips = 0;
  std::int64_t first_failed_run = 0;
  std::int64_t last_failed_run = 0;
  bool last_failed = false;
  std::optional<std::int64_t> success_run; ///< newest run with a success that has a duration
  std::optional<std::int64_t> success_ns;  ///< that success's duration
};

/// A test's totals before its first counted result.
TestSummary empty_summary(std::int64_t test);

/// Adds one counted result (in run order) to a test's totals.
void add_counted(TestSummary& summary, std::int64_t run, bool failed);

/// Collects a run's counted results while it is written and folds them into test_summary at
/// commit, so that history queries read one row per test instead of every result.
class SummaryAccumulator
{
public:
  /// Tests with ids from first_new_test on are new in this run and have no summary row yet.
  explicit SummaryAccumulator(std::int64_t first_new_test);
  /// Notes one result of the run (uncounted statuses are ignored).
  void add(std::int64_t test, model::Status status, std::optional<std::int64_t> duration_ns);
  /// Updates test_summary for every test the run counted; call inside the run's transaction.
  void write(StatementCache& statements, std::int64_t run);
  /// Prepares the statements write() uses for a short run.
  static void prepare_statements(StatementCache& statements);

private:
  struct Entry {
    std::int64_t test;
    std::int64_t duration_ns;
    int status;
    bool has_duration;
  };
  std::vector<Entry> m_entries;
  std::int64_t m_first_new_test;
};

/// Every counted result (success, xfail, uxsuccess, fail, error) of the runs started at or after
/// since_ns, folded per test in (run, status) order as test_summary keeps them (without
/// success_run/success_ns), ordered by test; tests with fewer than max(min_runs, 1) runs are left
/// out. Reads the rows (every failure, and every result of the runs written before schema v11) and,
/// when with_blocks (a schema of v11 or later), the passes the other runs keep in chunks.
std::vector<TestSummary> tally_counted(SQLite::Database& db, std::int64_t since_ns, std::int64_t min_runs,
                                       bool with_blocks);

/// Recomputes test_summary from every run's results (migration backfill with with_blocks false,
/// remove_run, prune).
void rebuild_test_summaries(SQLite::Database& db, bool with_blocks);

/// test_summary rows with at least max(min_runs, 1) runs, ordered by test.
std::vector<TestSummary> read_test_summaries(SQLite::Database& db, std::int64_t min_runs);

/// The summaries with failures > 0 among those read_test_summaries returns, through the partial
/// index test_summary_failed (schema version 8): no row of a test that never failed is read.
std::vector<TestSummary> read_failed_test_summaries(SQLite::Database& db, std::int64_t min_runs);

/// How many summaries read_test_summaries would return.
std::int64_t count_test_summaries(SQLite::Database& db, std::int64_t min_runs);

} // namespace bisectr::repository::detail
