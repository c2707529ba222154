#include "test_summary.hpp"

#include "batch_inserter.hpp"
#include "block_scan.hpp"
#include "statement_cache.hpp"

#include <algorithm>
#include <limits>
#include <memory>
#include <sqlite3.h>
#include <unordered_map>

namespace bisectr::repository::detail {

namespace {

constexpr int k_columns = 9;
constexpr int k_batch_rows = 128;
constexpr const char* k_target =
    "test_summary (test, runs, failures, flips, last_failed, first_failed_run, last_failed_run, success_run, "
    "success_ns)";
constexpr const char* k_select_columns =
    "SELECT test, runs, failures, flips, last_failed, first_failed_run, last_failed_run, success_run, success_ns "
    "FROM test_summary";

bool is_counted(int status)
{
  return status == 3 || status == 4 || status == 6 || status == 7 || status == 8;
}

bool is_failed(int status)
{
  return status == 4 || status == 6 || status == 8;
}

std::optional<std::int64_t> optional_column(sqlite3_stmt* row, int column)
{
  if (sqlite3_column_type(row, column) == SQLITE_NULL) {
    return std::nullopt;
  }
  return sqlite3_column_int64(row, column);
}

TestSummary summary_from_row(sqlite3_stmt* row)
{
  TestSummary summary;
  summary.test = sqlite3_column_int64(row, 0);
  summary.runs = sqlite3_column_int64(row, 1);
  summary.failures = sqlite3_column_int64(row, 2);
  summary.flips = sqlite3_column_int64(row, 3);
  summary.last_failed = sqlite3_column_int(row, 4) != 0;
  summary.first_failed_run = sqlite3_column_int64(row, 5);
  summary.last_failed_run = sqlite3_column_int64(row, 6);
  summary.success_run = optional_column(row, 7);
  summary.success_ns = optional_column(row, 8);
  return summary;
}

void push_summary(BatchInserter& insert, const TestSummary& summary)
{
  const auto value = [](std::optional<std::int64_t> number) -> Value { return number ? Value(*number) : Value(); };
  insert.push(summary.test);
  insert.push(summary.runs);
  insert.push(summary.failures);
  insert.push(summary.flips);
  insert.push(std::int64_t{summary.last_failed ? 1 : 0});
  insert.push(summary.first_failed_run);
  insert.push(summary.last_failed_run);
  insert.push(value(summary.success_run));
  insert.push(value(summary.success_ns));
}

// A prepared raw statement: these loops see up to millions of rows, where SQLiteCpp's
// per-column objects cost more than the query.
using RawStatement = std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)>;

RawStatement prepare(SQLite::Database& db, const std::string& sql)
{
  sqlite3_stmt* raw = nullptr;
  db.check(sqlite3_prepare_v2(db.getHandle(), sql.c_str(), -1, &raw, nullptr));
  return RawStatement(raw, &sqlite3_finalize);
}

template <typename Row> void for_each_row(SQLite::Database& db, sqlite3_stmt* statement, const Row& row)
{
  int status = SQLITE_ROW;
  while ((status = sqlite3_step(statement)) == SQLITE_ROW) {
    row(statement);
  }
  if (status != SQLITE_DONE) {
    db.check(status);
  }
}

} // namespace

TestSummary empty_summary(std::int64_t test)
{
  TestSummary summary;
  summary.test = test;
  return summary;
}

void add_counted(TestSummary& summary, std::int64_t run, bool failed)
{
  if (summary.runs > 0 && failed != summary.last_failed) {
    ++summary.flips;
  }
  if (failed) {
    summary.first_failed_run = summary.failures == 0 ? run : summary.first_failed_run;
    summary.last_failed_run = run;
    ++summary.failures;
  }
  summary.last_failed = failed;
  ++summary.runs;
}

SummaryAccumulator::SummaryAccumulator(std::int64_t first_new_test) : m_first_new_test(first_new_test) {}

void SummaryAccumulator::add(std::int64_t test, model::Status status, std::optional<std::int64_t> duration_ns)
{
  const int code = static_cast<int>(status);
  if (is_counted(code)) {
    m_entries.push_back({test, duration_ns.value_or(0), code, duration_ns.has_value()});
  }
}

void SummaryAccumulator::prepare_statements(StatementCache& statements)
{
  statements.raw(std::string(k_select_columns) + " WHERE test = ?");
  BatchInserter::prepare(statements, k_target, k_columns, "INSERT OR REPLACE");
}

void SummaryAccumulator::write(StatementCache& statements, std::int64_t run)
{
  SQLite::Database& db = statements.database();
  // Within one run the scan path sees a test's results in status order (index results_by_test),
  // and recent_durations takes the first success it meets: a stable sort keeps both.
  std::stable_sort(m_entries.begin(), m_entries.end(), [](const Entry& a, const Entry& b) {
    return a.test != b.test ? a.test < b.test : a.status < b.status;
  });
  sqlite3_stmt* existing = statements.raw(std::string(k_select_columns) + " WHERE test = ?");
  BatchInserter insert(statements, k_target, k_columns, k_batch_rows, "INSERT OR REPLACE");
  for (std::size_t i = 0; i < m_entries.size();) {
    TestSummary summary = empty_summary(m_entries[i].test);
    if (summary.test < m_first_new_test) {
      sqlite3_bind_int64(existing, 1, summary.test);
      for_each_row(db, existing, [&](sqlite3_stmt* row) { summary = summary_from_row(row); });
      sqlite3_reset(existing);
    }
    bool success_seen = false;
    for (; i < m_entries.size() && m_entries[i].test == summary.test; ++i) {
      const Entry& entry = m_entries[i];
      add_counted(summary, run, is_failed(entry.status));
      if (entry.status == 3 && entry.has_duration && !success_seen) {
        success_seen = true;
        summary.success_run = run;
        summary.success_ns = entry.duration_ns;
      }
    }
    push_summary(insert, summary);
  }
  insert.flush();
  m_entries.clear();
}

namespace {

// A counted result, in the order a tally folds them: by test, then run, then status (the order of
// the index results_by_test, which the rows are read from).
struct Counted {
  std::int64_t test;
  std::int64_t run;
  int status;
  bool operator<(const Counted& other) const
  {
    return test != other.test ? test < other.test : run != other.run ? run < other.run : status < other.status;
  }
};

// A test's newest success with a duration: its run and that duration (recent_durations).
using RecentSuccesses = std::unordered_map<std::int64_t, std::pair<std::int64_t, std::int64_t>>;

void note_success(RecentSuccesses& recent, std::int64_t test, std::int64_t run, std::int64_t duration_ns)
{
  auto [it, added] = recent.try_emplace(test, run, duration_ns);
  if (!added && it->second.first < run) {
    it->second = {run, duration_ns};
  }
}

// The counted results of the runs started at or after since_ns, sorted; with `recent`, each
// test's newest success with a duration too.
std::vector<Counted> counted_results(SQLite::Database& db, std::int64_t since_ns, bool with_blocks,
                                     RecentSuccesses* recent)
{
  const RawStatement rows = prepare(db, "SELECT test, run, status FROM results INDEXED BY results_by_test WHERE status "
                                        "IN (3, 4, 6, 7, 8) AND run IN (SELECT id FROM runs WHERE started_ns >= ?1) "
                                        "ORDER BY test, run");
  db.check(sqlite3_bind_int64(rows.get(), 1, since_ns));
  std::vector<Counted> counted;
  for_each_row(db, rows.get(), [&](sqlite3_stmt* row) {
    counted.push_back({sqlite3_column_int64(row, 0), sqlite3_column_int64(row, 1), sqlite3_column_int(row, 2)});
  });
  if (recent != nullptr) {
    // SQLite takes the bare column duration_ns from the row that holds max(run).
    const RawStatement newest = prepare(db, "SELECT test, duration_ns, max(run) FROM results WHERE status = 3 AND "
                                            "duration_ns IS NOT NULL GROUP BY test");
    for_each_row(db, newest.get(), [&](sqlite3_stmt* row) {
      note_success(*recent, sqlite3_column_int64(row, 0), sqlite3_column_int64(row, 2), sqlite3_column_int64(row, 1));
    });
  }
  if (!with_blocks) {
    return counted;
  }
  // Runs written since schema v11 keep their passes in chunks only (their failures are rows too).
  const std::size_t from_rows = counted.size();
  for_each_block_entry_since(db, since_ns, [&](std::int64_t run, std::int64_t, const BlockEntry& entry) {
    if (!is_counted(entry.status) || is_failed(entry.status)) {
      return;
    }
    counted.push_back({entry.test, run, entry.status});
    if (recent != nullptr && entry.status == 3 && entry.start_ns && entry.stop_ns) {
      note_success(*recent, entry.test, run, *entry.stop_ns - *entry.start_ns);
    }
  });
  if (counted.size() != from_rows) {
    std::sort(counted.begin(), counted.end());
  }
  return counted;
}

std::vector<TestSummary> fold(const std::vector<Counted>& counted, std::int64_t min_runs)
{
  std::vector<TestSummary> tallies;
  TestSummary current;
  const auto keep = [&] {
    if (current.test != 0 && current.runs >= std::max<std::int64_t>(min_runs, 1)) {
      tallies.push_back(current);
    }
  };
  for (const Counted& each : counted) {
    if (each.test != current.test) {
      keep();
      current = empty_summary(each.test);
    }
    add_counted(current, each.run, is_failed(each.status));
  }
  keep();
  return tallies;
}

} // namespace

std::vector<TestSummary> tally_counted(SQLite::Database& db, std::int64_t since_ns, std::int64_t min_runs,
                                       bool with_blocks)
{
  return fold(counted_results(db, since_ns, with_blocks, nullptr), min_runs);
}

void rebuild_test_summaries(SQLite::Database& db, bool with_blocks)
{
  db.exec("DELETE FROM test_summary");
  RecentSuccesses recent;
  std::vector<TestSummary> summaries =
      fold(counted_results(db, std::numeric_limits<std::int64_t>::min(), with_blocks, &recent), 1);
  for (TestSummary& summary : summaries) {
    if (const auto found = recent.find(summary.test); found != recent.end()) {
      summary.success_run = found->second.first;
      summary.success_ns = found->second.second;
    }
  }
  StatementCache statements(db);
  BatchInserter insert(statements, k_target, k_columns, k_batch_rows);
  for (const TestSummary& summary : summaries) {
    push_summary(insert, summary);
  }
  insert.flush();
}

namespace {

// The summary rows of `clause` (an INDEXED BY and a condition) with at least max(min_runs, 1)
// runs, ordered by test.
std::vector<TestSummary> read_summaries(SQLite::Database& db, const char* clause, std::int64_t min_runs)
{
  const RawStatement query = prepare(db, std::string(k_select_columns) + clause + " runs >= ? ORDER BY test");
  db.check(sqlite3_bind_int64(query.get(), 1, std::max<std::int64_t>(min_runs, 1)));
  std::vector<TestSummary> summaries;
  for_each_row(db, query.get(), [&](sqlite3_stmt* row) { summaries.push_back(summary_from_row(row)); });
  return summaries;
}

} // namespace

std::vector<TestSummary> read_test_summaries(SQLite::Database& db, std::int64_t min_runs)
{
  return read_summaries(db, " WHERE", min_runs);
}

std::vector<TestSummary> read_failed_test_summaries(SQLite::Database& db, std::int64_t min_runs)
{
  return read_summaries(db, " INDEXED BY test_summary_failed WHERE failures > 0 AND", min_runs);
}

std::int64_t count_test_summaries(SQLite::Database& db, std::int64_t min_runs)
{
  // Every summary row has at least one counted run: without a higher minimum, count(*) reads
  // the table's pages without decoding a row.
  const bool all = min_runs <= 1;
  const RawStatement query = prepare(db, all ? "SELECT count(*) FROM test_summary"
                                             : "SELECT count(*) FROM test_summary WHERE runs >= ?");
  if (!all) {
    db.check(sqlite3_bind_int64(query.get(), 1, min_runs));
  }
  std::int64_t count = 0;
  for_each_row(db, query.get(), [&](sqlite3_stmt* row) { count = sqlite3_column_int64(row, 0); });
  return count;
}

} // namespace bisectr::repository::detail
