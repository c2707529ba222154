// compare RUN_A RUN_B: each test's status, worker, position and duration in two stored runs.
#include "run_compare.hpp"

#include "block_scan.hpp"
#include "run_queries.hpp"
#include "sqlite_support.hpp"
#include "bisectr/util/error.hpp"

#include <chrono>
#include <cmath>
#include <map>
#include <optional>
#include <string>

namespace bisectr::repository::detail {

namespace {

double seconds_of(const SQLite::Column& column)
{
  return column.isNull() ? 0.0 : static_cast<double>(column.getInt64()) / 1e9;
}

// One test's row in one run, as compare_runs reads it.
struct RunRow {
  model::Status status = model::Status::Undefined;
  std::string worker;
  std::int64_t sequence = 0;
  std::optional<double> seconds;
};

bool run_exists(SQLite::Database& db, model::RunId run)
{
  SQLite::Statement query(db, "SELECT 1 FROM runs WHERE id = ?");
  query.bind(1, run);
  return query.executeStep();
}

// A run's rows by test id; the join happens here because SQLite plans a FULL JOIN of two
// subqueries as nested loops.
std::map<std::string, RunRow> read_run_rows(SQLite::Database& db, model::RunId run)
{
  if (run_has_blocks(db, run)) {
    std::map<std::string, RunRow> rows;
    for (model::TestResult& result : read_results(db, run, ResultFilter::All, false)) {
      RunRow row;
      row.status = result.status;
      row.worker = std::move(result.worker);
      row.sequence = result.sequence;
      if (result.start && result.stop) {
        row.seconds = std::chrono::duration<double>(*result.stop - *result.start).count();
      }
      rows.insert_or_assign(std::move(result.test_id), std::move(row));
    }
    return rows;
  }
  SQLite::Statement query(db, "SELECT t.name, r.status, w.name, r.sequence, r.duration_ns FROM results r "
                              "JOIN tests t ON t.id = r.test JOIN workers w ON w.id = r.worker WHERE r.run = ?");
  query.bind(1, run);
  std::map<std::string, RunRow> rows;
  while (query.executeStep()) {
    RunRow row;
    row.status = static_cast<model::Status>(query.getColumn(1).getInt());
    row.worker = query.getColumn(2).getString();
    row.sequence = query.getColumn(3).getInt64();
    if (!query.getColumn(4).isNull()) {
      row.seconds = seconds_of(query.getColumn(4));
    }
    rows.insert_or_assign(query.getColumn(0).getString(), std::move(row));
  }
  return rows;
}

bool duration_changed(double before, double after, const CompareThresholds& thresholds)
{
  const double change = std::fabs(after - before);
  if (change <= thresholds.min_seconds) {
    return false;
  }
  return before <= 0.0 || change / before > thresholds.min_ratio;
}

void compare_present(const std::string& name, const RunRow& a, const RunRow& b, const CompareThresholds& thresholds,
                     RunComparison& comparison)
{
  if (a.status != b.status) {
    comparison.status_changes.push_back({name, a.status, b.status});
  }
  if (a.worker != b.worker || a.sequence != b.sequence) {
    comparison.moves.push_back({name, a.worker, a.sequence, b.worker, b.sequence});
  }
  if (a.seconds && b.seconds && duration_changed(*a.seconds, *b.seconds, thresholds)) {
    comparison.duration_changes.push_back({name, *a.seconds, *b.seconds});
  }
}

RunComparison compare_rows(const std::map<std::string, RunRow>& a, const std::map<std::string, RunRow>& b,
                           const CompareThresholds& thresholds)
{
  RunComparison comparison;
  auto left = a.begin();
  auto right = b.begin();
  while (left != a.end() || right != b.end()) {
    if (right == b.end() || (left != a.end() && left->first < right->first)) {
      comparison.status_changes.push_back({left->first, left->second.status, std::nullopt});
      ++left;
    } else if (left == a.end() || right->first < left->first) {
      comparison.status_changes.push_back({right->first, std::nullopt, right->second.status});
      ++right;
    } else {
      compare_present(left->first, left->second, right->second, thresholds, comparison);
      ++left;
      ++right;
    }
  }
  return comparison;
}

} // namespace

RunComparison compare_stored_runs(SQLite::Database& db, model::RunId a, model::RunId b,
                                  const CompareThresholds& thresholds)
{
  for (const model::RunId run : {a, b}) {
    if (!run_exists(db, run)) {
      throw util::UsageError("no run " + std::to_string(run) + " in the repository");
    }
  }
  return compare_rows(read_run_rows(db, a), read_run_rows(db, b), thresholds);
}

} // namespace bisectr::repository::detail
