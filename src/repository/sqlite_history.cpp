#include "sqlite_history.hpp"

#include "bisectr/util/error.hpp"
#include "block_scan.hpp"
#include "run_compare.hpp"
#include "sqlite_repository.hpp"
#include "sqlite_support.hpp"
#include "test_names.hpp"
#include "test_summary.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <sqlite3.h>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace bisectr::repository::detail {

namespace {

// Each counted failure with its worker and the test just before it on that worker (NULL when it
// ran first; kept at write time, schema version 5), from the partial index of failing results.
// A failure carries its test's name (schema version 7) and its predecessor's (version 9); only a
// row without them has its names looked up, once per distinct id.
constexpr std::string_view k_failure_context_sql =
    "SELECT test, worker, previous_test, test_name, previous_name FROM results INDEXED BY results_failing "
    "WHERE status IN (4, 6, 8)";
constexpr std::string_view k_since_clause = " AND run IN (SELECT id FROM runs WHERE started_ns >= ?1)";

std::optional<model::TimePoint> optional_time(const SQLite::Column& column)
{
  if (column.isNull()) {
    return std::nullopt;
  }
  return from_ns(column.getInt64());
}

double seconds_of(const SQLite::Column& column)
{
  return column.isNull() ? 0.0 : static_cast<double>(column.getInt64()) / 1e9;
}

std::int64_t since_ns(const StatsFilter& filter)
{
  return filter.since ? to_ns(*filter.since) : std::numeric_limits<std::int64_t>::min();
}

void sort_counts(std::vector<NamedCount>& counts)
{
  std::sort(counts.begin(), counts.end(), [](const NamedCount& a, const NamedCount& b) {
    return a.count != b.count ? a.count > b.count : a.name < b.name;
  });
}

// The name of each id, read once each and in id order: neighbouring ids share pages of the
// table (ten thousand predecessors looked up in the order of their failures touched a page each).
std::unordered_map<std::int64_t, std::string> read_names(SQLite::Database& db, const char* sql,
                                                         std::vector<std::int64_t> ids)
{
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  SQLite::Statement query(db, sql);
  std::unordered_map<std::int64_t, std::string> names;
  names.reserve(ids.size());
  for (const std::int64_t id : ids) {
    query.bind(1, id);
    names.emplace(id, query.executeStep() ? query.getColumn(0).getString() : std::string());
    query.reset();
  }
  return names;
}

// How often each name occurs, most frequent first (ties by name).
std::vector<NamedCount> count_names(std::vector<std::string_view>& names)
{
  std::sort(names.begin(), names.end());
  std::vector<NamedCount> counts;
  for (std::size_t i = 0; i < names.size();) {
    std::size_t j = i;
    while (j < names.size() && names[j] == names[i]) {
      ++j;
    }
    counts.push_back({std::string(names[i]), static_cast<std::int64_t>(j - i)});
    i = j;
  }
  sort_counts(counts);
  return counts;
}

// Names each listed test (tallies[i] is stats[i]) and adds its failure workers and predecessors
// (by name, most frequent first). A failed test's name comes with its failures; the others are
// looked up by id.
void add_names_and_failure_context(SQLite::Database& db, std::optional<std::int64_t> since,
                                   const std::vector<TestSummary>& tallies, std::vector<TestStats>& stats,
                                   const std::unordered_map<std::int64_t, std::size_t>& index_of)
{
  const std::string sql = std::string(k_failure_context_sql) + std::string(since ? k_since_clause : "");
  sqlite3_stmt* raw = nullptr;
  db.check(sqlite3_prepare_v2(db.getHandle(), sql.c_str(), -1, &raw, nullptr));
  const std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> query(raw, &sqlite3_finalize);
  if (since) {
    db.check(sqlite3_bind_int64(raw, 1, *since));
  }
  constexpr std::int64_t k_first = std::numeric_limits<std::int64_t>::min(); // no predecessor: it ran first
  // One entry per counted failure (a flat list, not two hash maps per test).
  struct Failure {
    std::size_t stat;
    std::int64_t worker;
    std::int64_t predecessor;
    std::optional<std::string> predecessor_name;  ///< as stored with the failure (schema v9)
  };
  std::vector<Failure> failures;
  std::vector<bool> has_name(stats.size(), false);
  const auto text_of = [raw](int column) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(raw, column));
    return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(raw, column)));
  };
  int status = SQLITE_ROW;
  while ((status = sqlite3_step(raw)) == SQLITE_ROW) {
    const auto found = index_of.find(sqlite3_column_int64(raw, 0));
    if (found == index_of.end()) {
      continue;
    }
    const bool first = sqlite3_column_type(raw, 2) == SQLITE_NULL;
    Failure failure{found->second, sqlite3_column_int64(raw, 1), first ? k_first : sqlite3_column_int64(raw, 2), {}};
    if (!first && sqlite3_column_type(raw, 4) != SQLITE_NULL) {
      failure.predecessor_name = text_of(4);
    }
    failures.push_back(std::move(failure));
    if (!has_name[found->second] && sqlite3_column_type(raw, 3) != SQLITE_NULL) {
      stats[found->second].test_id = text_of(3);
      has_name[found->second] = true;
    }
  }
  if (status != SQLITE_DONE) {
    db.check(status);
  }
  std::vector<std::int64_t> test_ids;
  std::vector<std::int64_t> worker_ids;
  for (std::size_t i = 0; i < stats.size(); ++i) {
    if (!has_name[i]) {
      test_ids.push_back(tallies[i].test);
    }
  }
  for (const Failure& failure : failures) {
    worker_ids.push_back(failure.worker);
    // A predecessor that is itself a listed test already has its name in stats.
    if (failure.predecessor != k_first && !failure.predecessor_name && !index_of.contains(failure.predecessor)) {
      test_ids.push_back(failure.predecessor);
    }
  }
  const auto test_names = read_names(db, "SELECT name FROM tests WHERE id = ?", std::move(test_ids));
  const auto worker_names = read_names(db, "SELECT name FROM workers WHERE id = ?", std::move(worker_ids));
  for (std::size_t i = 0; i < stats.size(); ++i) {
    if (!has_name[i]) {
      stats[i].test_id = test_names.at(tallies[i].test);
    }
  }
  const auto predecessor_name = [&](const Failure& failure) -> std::string_view {
    if (failure.predecessor == k_first) {
      return {};
    }
    if (failure.predecessor_name) {
      return *failure.predecessor_name;
    }
    const auto listed = index_of.find(failure.predecessor);
    return listed != index_of.end() ? std::string_view(stats[listed->second].test_id) : test_names.at(failure.predecessor);
  };
  // Different workers (one per run) share a name: their counts add up under it.
  std::stable_sort(failures.begin(), failures.end(), [](const Failure& a, const Failure& b) { return a.stat < b.stat; });
  std::vector<std::string_view> workers;
  std::vector<std::string_view> predecessors;
  for (std::size_t i = 0; i < failures.size();) {
    const std::size_t stat = failures[i].stat;
    workers.clear();
    predecessors.clear();
    for (; i < failures.size() && failures[i].stat == stat; ++i) {
      workers.push_back(worker_names.at(failures[i].worker));
      predecessors.push_back(predecessor_name(failures[i]));
    }
    stats[stat].failure_workers = count_names(workers);
    stats[stat].failure_predecessors = count_names(predecessors);
  }
}

} // namespace

SqliteHistory::SqliteHistory(SQLite::Database& db, std::filesystem::path file) : m_db(db), m_file(std::move(file)) {}

namespace {

std::vector<TestSummary> tally_tests(SQLite::Database& db, std::int64_t since, std::int64_t min_runs)
{
  return tally_counted(db, since, min_runs, true);
}

std::unordered_map<std::int64_t, model::TimePoint> run_starts(SQLite::Database& db)
{
  SQLite::Statement query(db, "SELECT id, started_ns FROM runs");
  std::unordered_map<std::int64_t, model::TimePoint> starts;
  while (query.executeStep()) {
    starts.emplace(query.getColumn(0).getInt64(), from_ns(query.getColumn(1).getInt64()));
  }
  return starts;
}

std::vector<TestStats> stats_of(SQLite::Database& db, const std::vector<TestSummary>& tallies)
{
  const auto starts = run_starts(db);
  std::vector<TestStats> stats;
  stats.reserve(tallies.size());
  for (const TestSummary& tally : tallies) {
    TestStats test; // named by add_names_and_failure_context
    test.runs = tally.runs;
    test.failures = tally.failures;
    test.flips = tally.flips;
    if (tally.failures > 0) {
      test.first_failure = starts.at(tally.first_failed_run);
      test.last_failure = starts.at(tally.last_failed_run);
    }
    stats.push_back(std::move(test));
  }
  return stats;
}

} // namespace

namespace {

// Names, failure times and failure context of the tallied tests, ordered by test id.
std::vector<TestStats> named_stats(SQLite::Database& db, const StatsFilter& filter, std::int64_t since,
                                   const std::vector<TestSummary>& tallies)
{
  std::vector<TestStats> stats = stats_of(db, tallies);
  std::unordered_map<std::int64_t, std::size_t> index_of;
  for (std::size_t i = 0; i < tallies.size(); ++i) {
    index_of.emplace(tallies[i].test, i);
  }
  add_names_and_failure_context(db, filter.since ? std::optional<std::int64_t>(since) : std::nullopt, tallies, stats,
                                index_of);
  std::sort(stats.begin(), stats.end(), [](const TestStats& a, const TestStats& b) { return a.test_id < b.test_id; });
  return stats;
}

} // namespace

std::vector<TestStats> SqliteHistory::test_stats(const StatsFilter& filter) const
{
  return guarded(m_file, [&] {
    const ReadTransaction snapshot(m_db);
    const std::int64_t since = since_ns(filter);
    // Without a since-filter the totals kept at commit (test_summary) equal the full scan.
    const std::vector<TestSummary> tallies =
        filter.since ? tally_tests(m_db, since, filter.min_runs) : read_test_summaries(m_db, filter.min_runs);
    return named_stats(m_db, filter, since, tallies);
  });
}

FailedTestStats SqliteHistory::failed_test_stats(const StatsFilter& filter) const
{
  return guarded(m_file, [&] {
    const ReadTransaction snapshot(m_db);
    const std::int64_t since = since_ns(filter);
    FailedTestStats result;
    std::vector<TestSummary> tallies;
    if (filter.since) {
      // The window's counts exist only as a scan of its results; the names, the costly part
      // (one lookup each), are read for the failed tests only.
      tallies = tally_tests(m_db, since, filter.min_runs);
      result.counted_tests = static_cast<std::int64_t>(tallies.size());
      std::erase_if(tallies, [](const TestSummary& tally) { return tally.failures == 0; });
    } else {
      result.counted_tests = count_test_summaries(m_db, filter.min_runs);
      tallies = read_failed_test_summaries(m_db, filter.min_runs);
    }
    result.tests = named_stats(m_db, filter, since, tallies);
    return result;
  });
}

std::vector<HistoryEntry> SqliteHistory::test_history(const std::string& test_id) const
{
  return guarded(m_file, [&] {
    const ReadTransaction snapshot(m_db);
    SQLite::Statement find(m_db, k_find_test_sql);
    find.bind(1, name_hash(test_id));
    find.bind(2, test_id);
    if (!find.executeStep()) {
      return std::vector<HistoryEntry>{};
    }
    const std::int64_t test = find.getColumn(0).getInt64();
    find.reset();
    SQLite::Statement query(m_db, "SELECT r.run, ru.started_ns, r.status, r.duration_ns, w.name, r.sequence, r.id "
                                  "FROM results r JOIN runs ru ON ru.id = r.run JOIN workers w ON w.id = r.worker "
                                  "WHERE r.test = ? ORDER BY r.run, r.id");
    query.bind(1, test);
    std::vector<std::pair<std::int64_t, HistoryEntry>> entries;  // by result id
    while (query.executeStep()) {
      HistoryEntry entry;
      entry.run = query.getColumn(0).getInt64();
      entry.started = from_ns(query.getColumn(1).getInt64());
      entry.status = static_cast<model::Status>(query.getColumn(2).getInt());
      entry.duration_seconds = seconds_of(query.getColumn(3));
      entry.worker = query.getColumn(4).getString();
      entry.sequence = query.getColumn(5).getInt64();
      entries.emplace_back(query.getColumn(6).getInt64(), std::move(entry));
    }
    // Runs written since schema v11 keep every result in chunks and their failures as rows too:
    // the chunks add the rest. There is no index by test over them: every chunk's entries are read
    // (not its names: an entry carries its test's id).
    const std::size_t from_rows = entries.size();
    const auto starts = run_starts(m_db);
    std::unordered_map<std::int64_t, std::string> worker_names;
    SQLite::Statement worker_name(m_db, "SELECT name FROM workers WHERE id = ?");
    for_each_block_entry_since(
        m_db, std::numeric_limits<std::int64_t>::min(), [&](std::int64_t run, std::int64_t worker, const BlockEntry& stored) {
          if (stored.test != test || model::is_failure(static_cast<model::Status>(stored.status))) {
            return;
          }
          auto known = worker_names.find(worker);
          if (known == worker_names.end()) {
            worker_name.bind(1, worker);
            known = worker_names.emplace(worker, worker_name.executeStep() ? worker_name.getColumn(0).getString() : "").first;
            worker_name.reset();
          }
          HistoryEntry entry;
          entry.run = run;
          entry.started = starts.at(run);
          entry.status = static_cast<model::Status>(stored.status);
          entry.duration_seconds = stored.start_ns && stored.stop_ns
                                       ? static_cast<double>(*stored.stop_ns - *stored.start_ns) / 1e9
                                       : 0.0;
          entry.worker = known->second;
          entry.sequence = stored.sequence;
          entries.emplace_back(stored.id, std::move(entry));
        });
    if (entries.size() != from_rows) {
      std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
        return a.second.run != b.second.run ? a.second.run < b.second.run : a.first < b.first;
      });
    }
    std::vector<HistoryEntry> history;
    history.reserve(entries.size());
    for (auto& [id, entry] : entries) {
      history.push_back(std::move(entry));
    }
    return history;
  });
}

RunComparison SqliteHistory::compare_runs(model::RunId a, model::RunId b, const CompareThresholds& thresholds) const
{
  return guarded(m_file, [&] { return compare_stored_runs(m_db, a, b, thresholds); });
}

RepositoryStats SqliteHistory::stats() const
{
  return guarded(m_file, [&] {
    RepositoryStats stats;
    SQLite::Statement runs(m_db,
                           "SELECT count(*), coalesce(sum(total), 0), min(started_ns), max(started_ns) FROM runs");
    runs.executeStep();
    stats.runs = runs.getColumn(0).getInt64();
    stats.results = runs.getColumn(1).getInt64();
    stats.oldest = optional_time(runs.getColumn(2));
    stats.newest = optional_time(runs.getColumn(3));
    // A test's row lives only while it has results (removing a run deletes the tests it alone
    // had; schema version 8 deleted those left by earlier versions).
    stats.tests = m_db.execAndGet("SELECT count(*) FROM tests").getInt64();
    stats.sessions = m_db.execAndGet("SELECT count(*) FROM sessions").getInt64();
    std::error_code error;
    for (const char* suffix : {"", "-wal"}) {
      const auto size = std::filesystem::file_size(m_file.string() + suffix, error);
      stats.size_bytes += error ? 0 : size;
    }
    return stats;
  });
}

namespace {

std::vector<model::RunId> runs_to_prune(SQLite::Database& db, const PruneRule& rule)
{
  SQLite::Statement query(db, "SELECT id FROM runs WHERE id NOT IN (SELECT id FROM runs ORDER BY id DESC LIMIT ?1) "
                              "OR started_ns < ?2 ORDER BY id");
  query.bind(1, rule.keep ? std::max<std::int64_t>(*rule.keep, 0) : std::int64_t{-1});
  query.bind(2, rule.older_than ? to_ns(*rule.older_than) : std::numeric_limits<std::int64_t>::min());
  std::vector<model::RunId> runs;
  while (query.executeStep()) {
    runs.push_back(query.getColumn(0).getInt64());
  }
  return runs;
}

} // namespace

PruneOutcome SqliteHistory::prune(const PruneRule& rule)
{
  return guarded(m_file, [&] {
    PruneOutcome outcome;
    WriteTransaction transaction(m_db);
    for (const model::RunId run : runs_to_prune(m_db, rule)) {
      outcome.results_removed += delete_run_rows(m_db, run).value_or(0);
      ++outcome.runs_removed;
    }
    forget_tests(m_db,
                 select_ids(m_db, "SELECT id FROM tests WHERE NOT EXISTS (SELECT 1 FROM results r WHERE r.test = tests.id)",
                            std::nullopt),
                 block_test_ids(m_db, std::nullopt));
    m_db.exec("DELETE FROM strings WHERE id NOT IN (SELECT name FROM attachments UNION SELECT mime FROM attachments)");
    if (outcome.runs_removed > 0) {
      rebuild_test_summaries(m_db, true);
    }
    transaction.commit();
    if (outcome.runs_removed > 0) {
      m_db.exec("VACUUM");
    }
    return outcome;
  });
}

} // namespace bisectr::repository::detail
