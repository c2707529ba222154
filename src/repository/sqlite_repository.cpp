#include "sqlite_repository.hpp"

#include "block_scan.hpp"

#include "bisectr/repository/schema.hpp"
#include "bisectr/util/error.hpp"
#include "migrations.hpp"
#include "run_queries.hpp"
#include "sqlite_history.hpp"
#include "sqlite_run_writer.hpp"
#include "sqlite_session_store.hpp"
#include "sqlite_support.hpp"
#include "test_names.hpp"
#include "test_summary.hpp"
#include "wal_fold.hpp"
#include "wal_vfs.hpp"

#include <sqlite3.h>

#include <chrono>
#include <system_error>
#include <thread>

namespace bisectr::repository {

namespace {

constexpr const char* k_select_runs =
    "SELECT id, started_ns, duration, source, state, total, passed, failed, skipped FROM runs";

int open_flags(bool create)
{
  // NOMUTEX: a Repository is used by one thread at a time (see repository.hpp).
  const int flags = SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX;
  return create ? flags | SQLite::OPEN_CREATE : flags;
}

int timeout_ms(const SqliteOptions& options)
{
  return static_cast<int>(options.busy_timeout.count());
}

SQLite::Database open_database(const std::filesystem::path& file, bool create, const SqliteOptions& options)
{
  SQLite::Database db(file, open_flags(create), timeout_ms(options), detail::wal_vfs_name());
  // A new file gets pages of k_page_size bytes; an existing one keeps its own (SQLite ignores the
  // pragma once the file has content, and WAL mode fixes it for good).
  db.exec("PRAGMA page_size = " + std::to_string(k_page_size));
  // WAL lets readers work while a run is imported. FULL: each commit (a recorded run, a bisect
  // trial) fsyncs the WAL, so a power loss loses no recorded run; NORMAL would make commits
  // durable only at checkpoints, which no longer happen at every close (see below).
  db.exec("PRAGMA journal_mode = WAL");
  // Reads through the mapping skip a copy into the page cache; writes still go through it.
  db.exec("PRAGMA synchronous = FULL; PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY; "
          "PRAGMA mmap_size = 1073741824");
  // SQLite's own checkpoint at close (fsyncs, then re-creating the WAL and fsyncing the
  // directory at the next write) was about 3 ms of a short `bisectr run`; bisectr keeps the WAL
  // short itself (see fold_wal_before_write and ~SqliteRepository).
  sqlite3_db_config(db.getHandle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  // Nor does SQLite copy the log back right after a commit that made it longer than 1,000 pages:
  // a failure there (a full disk) was reported as the failure of the COMMIT, of a run that was
  // recorded. A write folds the log first, and closing copies back a long one (see above).
  db.exec("PRAGMA wal_autocheckpoint = 0");
  return db;
}

// Opening can meet a lock without SQLite calling the busy handler (a database being created or
// switched to WAL by another process, WAL recovery): retry the whole open until the busy timeout.
SQLite::Database open_migrated(const std::filesystem::path& file, bool create, const SqliteOptions& options)
{
  const auto deadline = std::chrono::steady_clock::now() + options.busy_timeout;
  for (;;) {
    try {
      SQLite::Database db = open_database(file, create, options);
      detail::apply_migrations(db, k_schema_version);
      return db;
    } catch (const SQLite::Exception& error) {
      if (!detail::is_busy(error) || std::chrono::steady_clock::now() >= deadline) {
        throw;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

model::RunSummary summary_from_row(const SQLite::Statement& row)
{
  model::RunSummary run;
  run.id = row.getColumn(0).getInt64();
  run.started = detail::from_ns(row.getColumn(1).getInt64());
  run.duration_seconds = row.getColumn(2).getDouble();
  run.source = row.getColumn(3).getString();
  run.state = static_cast<model::RunState>(row.getColumn(4).getInt());
  run.counts.total = row.getColumn(5).getInt64();
  run.counts.passed = row.getColumn(6).getInt64();
  run.counts.failed = row.getColumn(7).getInt64();
  run.counts.skipped = row.getColumn(8).getInt64();
  return run;
}

std::map<std::string, std::string> read_metadata(SQLite::Database& db, model::RunId run)
{
  SQLite::Statement query(db, "SELECT key, value FROM run_metadata WHERE run = ?");
  query.bind(1, run);
  std::map<std::string, std::string> metadata;
  while (query.executeStep()) {
    metadata.emplace(query.getColumn(0).getString(), query.getColumn(1).getString());
  }
  return metadata;
}

} // namespace

namespace detail {

SqliteRepository::SqliteRepository(std::filesystem::path file, bool create, const SqliteOptions& options)
    : m_file(std::move(file)), m_busy(std::make_unique<BusyWait>(m_file, options.busy_timeout, options.on_busy)),
      m_db(guarded(m_file, [&] { return open_migrated(m_file, create, options); })), m_statements(m_db)
{
  m_busy->install(m_db);
  m_sessions = std::make_unique<SqliteSessionStore>(m_db, m_file, options.clock);
  m_history = std::make_unique<SqliteHistory>(m_db, m_file);
}

SqliteRepository::~SqliteRepository()
{
  // Their statements would keep a read transaction open.
  m_history.reset();
  m_sessions.reset();
  // Commits stay in the WAL when a connection closes. The next process to open the file rebuilds
  // the WAL's index by reading it (about 1.7 ms per MiB here) and forgets how much of it was
  // already copied back. Writes keep the log short (see fold_wal_before_write); a log file grown
  // past k_checkpoint_wal_bytes by a large import is copied back and emptied here, so that the
  // read commands after the import do not each rebuild its index. With another process reading
  // or writing, it copies what it can without waiting and returns SQLITE_BUSY; a later close retries.
  // Where SQLite keeps the WAL (beside the real file when bisectr.db is a symbolic link). Its
  // current generation counts, not the file's size: the VFS keeps the blocks of a WAL that was
  // copied back and emptied (see buffered_file.cpp).
  const char* wal = sqlite3_filename_wal(sqlite3_db_filename(m_db.getHandle(), "main"));
  if (wal != nullptr && wal_longer_than(wal, k_checkpoint_wal_bytes)) {
    sqlite3_busy_timeout(m_db.getHandle(), 0);  // no waiting for another process's readers at close
    sqlite3_wal_checkpoint_v2(m_db.getHandle(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
  }
}

std::unique_ptr<RunWriter> SqliteRepository::begin_run(const NewRun& run)
{
  return guarded(m_file, [&] { return std::make_unique<SqliteRunWriter>(m_statements, m_file, run); });
}

void SqliteRepository::prepare_to_record()
{
  guarded(m_file, [&] { SqliteRunWriter::prepare_statements(m_statements); });
}

std::vector<model::RunSummary> SqliteRepository::list_runs() const
{
  return guarded(m_file, [&] {
    std::vector<model::RunSummary> runs;
    std::map<model::RunId, std::size_t> index_of;
    SQLite::Statement query(m_db, std::string(k_select_runs) + " ORDER BY id");
    while (query.executeStep()) {
      index_of.emplace(query.getColumn(0).getInt64(), runs.size());
      runs.push_back(summary_from_row(query));
    }
    SQLite::Statement metadata(m_db, "SELECT run, key, value FROM run_metadata");
    while (metadata.executeStep()) {
      if (const auto found = index_of.find(metadata.getColumn(0).getInt64()); found != index_of.end()) {
        runs[found->second].metadata.emplace(metadata.getColumn(1).getString(), metadata.getColumn(2).getString());
      }
    }
    return runs;
  });
}

std::optional<model::RunId> SqliteRepository::latest_run() const
{
  return guarded(m_file, [&]() -> std::optional<model::RunId> {
    const SQLite::Column newest = m_db.execAndGet("SELECT max(id) FROM runs");
    return optional_int64(newest);
  });
}

std::optional<model::RunSummary> SqliteRepository::run_summary(model::RunId id) const
{
  return guarded(m_file, [&]() -> std::optional<model::RunSummary> {
    SQLite::Statement query(m_db, std::string(k_select_runs) + " WHERE id = ?");
    query.bind(1, id);
    if (!query.executeStep()) {
      return std::nullopt;
    }
    model::RunSummary run = summary_from_row(query);
    run.metadata = read_metadata(m_db, id);
    return run;
  });
}

std::vector<model::TestResult> SqliteRepository::results(model::RunId id, bool with_attachments) const
{
  return guarded(m_file, [&] { return read_results(m_db, id, ResultFilter::All, with_attachments); });
}

std::vector<model::TestResult> SqliteRepository::failing(model::RunId id, bool with_attachments) const
{
  return guarded(m_file, [&] { return read_results(m_db, id, ResultFilter::Failing, with_attachments); });
}

std::vector<model::WorkerInfo> SqliteRepository::workers(model::RunId id) const
{
  return guarded(m_file, [&] { return read_workers(m_db, id); });
}

std::vector<std::string> SqliteRepository::workers_with_results(model::RunId id, bool failing_only) const
{
  return guarded(m_file, [&] { return read_workers_with_results(m_db, id, failing_only); });
}

std::vector<std::string> SqliteRepository::worker_order(model::RunId id, const std::string& worker) const
{
  return guarded(m_file, [&] { return read_worker_order(m_db, id, worker); });
}

std::vector<TestTiming> SqliteRepository::slowest(model::RunId id, std::size_t n) const
{
  return guarded(m_file, [&] { return read_slowest(m_db, id, n); });
}

std::map<std::string, double> SqliteRepository::recent_durations() const
{
  return guarded(m_file, [&] { return read_recent_durations(m_db); });
}

bool SqliteRepository::remove_run(model::RunId id)
{
  return guarded(m_file, [&] {
    WriteTransaction transaction(m_db);
    const bool removed = delete_run_rows(m_db, id).has_value();
    if (removed) {
      rebuild_test_summaries(m_db, true);
    }
    transaction.commit();
    return removed;
  });
}

SessionStore& SqliteRepository::sessions()
{
  return *m_sessions;
}

History& SqliteRepository::history()
{
  return *m_history;
}

std::optional<std::int64_t> delete_run_rows(SQLite::Database& db, model::RunId run)
{
  const auto run_delete = [&](const char* sql) {
    SQLite::Statement statement(db, sql);
    statement.bind(1, run);
    return statement.exec();
  };
  const bool blocks = run_has_blocks(db, run);  // before its row goes
  if (run_delete("DELETE FROM runs WHERE id = ?") == 0) {
    return std::nullopt;
  }
  run_delete("DELETE FROM attachments WHERE run = ?");
  // The tests only this run had go with it (schema version 8: `stats` counts the tests table):
  // those no other run has as a row (results_by_test) or holds in its chunks (schema v11).
  std::vector<std::int64_t> candidates = select_ids(db,
                                                    "SELECT DISTINCT test FROM results WHERE run = ?1 AND NOT EXISTS "
                                                    "(SELECT 1 FROM results r WHERE r.test = results.test AND r.run <> ?1)",
                                                    run);
  std::int64_t results = 0;
  if (blocks) {
    SQLite::Statement elsewhere(db, "SELECT 1 FROM results WHERE test = ?1 AND run <> ?2");
    std::unordered_set<std::int64_t> seen(candidates.begin(), candidates.end());
    for_each_block_result(db, run, [&](std::int64_t, std::int64_t, const std::string&, const BlockEntry& entry) {
      ++results;
      if (!seen.insert(entry.test).second) {
        return;
      }
      elsewhere.bind(1, entry.test);
      elsewhere.bind(2, run);
      if (!elsewhere.executeStep()) {
        candidates.push_back(entry.test);
      }
      elsewhere.reset();
    });
  }
  forget_tests(db, candidates, block_test_ids(db, run));
  const std::int64_t rows = run_delete("DELETE FROM results WHERE run = ?");
  results = std::max(results, rows);
  run_delete("DELETE FROM run_slowest WHERE run = ?");
  run_delete("DELETE FROM worker_order WHERE run = ?");
  run_delete("DELETE FROM worker_results WHERE run = ?");
  run_delete("DELETE FROM workers WHERE run = ?");
  run_delete("DELETE FROM run_metadata WHERE run = ?");
  run_delete("UPDATE session_trials SET run = NULL WHERE run = ?");
  return results;
}

} // namespace detail

std::filesystem::path repository_file(const std::filesystem::path& dir)
{
  return dir / "bisectr.db";
}

std::unique_ptr<Repository> open_sqlite_repository(const std::filesystem::path& dir, bool create)
{
  return open_sqlite_repository(dir, create, SqliteOptions{});
}

std::unique_ptr<Repository> open_sqlite_repository(const std::filesystem::path& dir, bool create,
                                                   const SqliteOptions& options)
{
  const std::filesystem::path file = repository_file(dir);
  std::error_code error;
  if (!std::filesystem::exists(file, error)) {
    if (!create) {
      throw util::UsageError("no repository at " + dir.string() + " (run 'bisectr init' or 'bisectr load')");
    }
    std::filesystem::create_directories(dir, error);
    if (error) {
      throw util::RepositoryError("cannot create repository directory: " + error.message() + ", " + dir.string());
    }
  }
  return std::make_unique<detail::SqliteRepository>(file, create, options);
}

int schema_version(const std::filesystem::path& db_file)
{
  return detail::guarded(db_file, [&] {
    SQLite::Database db(db_file, SQLite::OPEN_READONLY);
    return db.execAndGet("PRAGMA user_version").getInt();
  });
}

void migrate(const std::filesystem::path& db_file, int version)
{
  detail::guarded(db_file, [&] {
    SQLite::Database db(db_file, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, 60000);
    db.exec("PRAGMA journal_mode = WAL");
    detail::apply_migrations(db, version);
  });
}

} // namespace bisectr::repository
