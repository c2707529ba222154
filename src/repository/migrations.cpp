#include "migrations.hpp"

#include "test_names.hpp"

#include "bisectr/repository/schema.hpp"
#include "bisectr/util/error.hpp"
#include "sqlite_support.hpp"
#include "test_summary.hpp"

#include <algorithm>
#include <array>
#include <string>

namespace bisectr::repository::detail {

namespace {

// Version 1: runs, workers, interned test ids, results, attachments.
constexpr std::string_view k_v1 = R"sql(
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  started_ns INTEGER NOT NULL,
  duration REAL NOT NULL DEFAULT 0,
  source TEXT NOT NULL,
  state INTEGER NOT NULL,
  total INTEGER NOT NULL DEFAULT 0,
  passed INTEGER NOT NULL DEFAULT 0,
  failed INTEGER NOT NULL DEFAULT 0,
  skipped INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE run_metadata (
  run INTEGER NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (run, key)
) WITHOUT ROWID;
CREATE TABLE workers (
  id INTEGER PRIMARY KEY,
  run INTEGER NOT NULL,
  name TEXT NOT NULL,
  wall_seconds REAL NOT NULL DEFAULT 0,
  cpu_user_seconds REAL NOT NULL DEFAULT 0,
  cpu_system_seconds REAL NOT NULL DEFAULT 0,
  peak_rss_bytes INTEGER NOT NULL DEFAULT 0,
  exit_code INTEGER,
  signal INTEGER,
  killed_by_us INTEGER NOT NULL DEFAULT 0,
  timed_out INTEGER NOT NULL DEFAULT 0,
  oom_killed INTEGER NOT NULL DEFAULT 0,
  memory_limit_method TEXT NOT NULL DEFAULT '',
  in_progress_test TEXT NOT NULL DEFAULT '',
  memory_curve BLOB,
  UNIQUE (run, name)
);
CREATE TABLE tests (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);
CREATE TABLE results (
  id INTEGER PRIMARY KEY,
  run INTEGER NOT NULL,
  test INTEGER NOT NULL,
  worker INTEGER NOT NULL,
  sequence INTEGER NOT NULL,
  status INTEGER NOT NULL,
  start_ns INTEGER,
  stop_ns INTEGER,
  rss_before_bytes INTEGER,
  rss_after_bytes INTEGER,
  tags TEXT,
  duration_ns INTEGER GENERATED ALWAYS AS (stop_ns - start_ns) VIRTUAL
);
CREATE INDEX results_order ON results (run, worker, sequence, test);
CREATE INDEX results_failing ON results (run, worker, sequence) WHERE status IN (4, 6, 8);
CREATE INDEX results_slowest ON results (run, duration_ns);
CREATE INDEX results_by_test ON results (test, run, status);
CREATE TABLE strings (
  id INTEGER PRIMARY KEY,
  text TEXT NOT NULL UNIQUE
);
CREATE TABLE attachments (
  id INTEGER PRIMARY KEY,
  run INTEGER NOT NULL,
  result INTEGER NOT NULL,
  name INTEGER NOT NULL,
  mime INTEGER NOT NULL,
  encoding INTEGER NOT NULL,
  size INTEGER NOT NULL,
  bytes BLOB NOT NULL
);
CREATE INDEX attachments_by_run ON attachments (run, result);
)sql";

// Version 2: bisect sessions and their trials (issue 4).
constexpr std::string_view k_v2 = R"sql(
CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  config TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  created_ns INTEGER NOT NULL,
  updated_ns INTEGER NOT NULL
);
CREATE TABLE session_trials (
  session INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  trial TEXT NOT NULL,
  run INTEGER,
  recorded_ns INTEGER NOT NULL,
  PRIMARY KEY (session, idx)
) WITHOUT ROWID;
CREATE INDEX session_trials_by_run ON session_trials (run) WHERE run IS NOT NULL;
)sql";

// Version 3: per-test totals kept at commit, so that flaky and the scheduler's durations read
// one row per test instead of every result (backfilled from the results in apply_migrations).
constexpr std::string_view k_v3 = R"sql(
CREATE TABLE test_summary (
  test INTEGER PRIMARY KEY,
  runs INTEGER NOT NULL,
  failures INTEGER NOT NULL,
  flips INTEGER NOT NULL,
  last_failed INTEGER NOT NULL,
  first_failed_run INTEGER NOT NULL,
  last_failed_run INTEGER NOT NULL,
  success_run INTEGER,
  success_ns INTEGER
);
)sql";

constexpr int k_summary_version = 3;

// Version 4: each run's 1,000 (k_slowest_kept) slowest results, ranked as `slowest` returns
// them (duration descending, then newest result first), replace the randomly-written index.
constexpr std::string_view k_v4 = R"sql(
CREATE TABLE run_slowest (
  run INTEGER NOT NULL,
  rank INTEGER NOT NULL,
  test INTEGER NOT NULL,
  duration_ns INTEGER NOT NULL,
  PRIMARY KEY (run, rank)
) WITHOUT ROWID;
INSERT INTO run_slowest (run, rank, test, duration_ns)
  SELECT run, place, test, duration_ns FROM (
    SELECT run, test, duration_ns,
           row_number() OVER (PARTITION BY run ORDER BY duration_ns DESC, id DESC) AS place
    FROM results WHERE duration_ns IS NOT NULL)
  WHERE place <= 1000;
DROP INDEX results_slowest;
)sql";

// Version 5: each failing result names the test just before it on its worker (NULL when it ran
// first), so that `flaky` reads its failure context without one index probe per failure.
constexpr std::string_view k_v5 = R"sql(
ALTER TABLE results ADD COLUMN previous_test INTEGER;
UPDATE results SET previous_test = (
  SELECT p.test FROM results p
  WHERE p.run = results.run AND p.worker = results.worker AND p.sequence = results.sequence - 1)
WHERE status IN (4, 6, 8);
)sql";

// Version 6: each worker's execution order as chunks of test names written at import, so that
// `order` and `bisect` read a 250,000-test worker without one tests lookup per result.
// workers.order_chunks counts them; NULL (runs written before v6, or a worker whose results
// did not arrive in sequence order) means: read the order through results.
constexpr std::string_view k_v6 = R"sql(
CREATE TABLE worker_order (
  run INTEGER NOT NULL,
  worker INTEGER NOT NULL,
  chunk INTEGER NOT NULL,
  names BLOB NOT NULL,
  PRIMARY KEY (run, worker, chunk)
) WITHOUT ROWID;
ALTER TABLE workers ADD COLUMN order_chunks INTEGER;
)sql";

// Version 7: failing results also keep their test's name (NULL for every other status), and the
// partial index of failing results covers every column `failing` and `flaky` read, so that
// 10,000 failures in a 1,000,000-result run cost no lookup into results or tests (each one on
// its own page): `failing` read 68 ms -> 49 ms of rows from results, and the tests lookups were
// 40 of the 60 ms left.
constexpr std::string_view k_v7 = R"sql(
ALTER TABLE results ADD COLUMN test_name TEXT;
UPDATE results SET test_name = (SELECT name FROM tests WHERE tests.id = results.test) WHERE status IN (4, 6, 8);
DROP INDEX results_failing;
CREATE INDEX results_failing ON results (run, worker, sequence, test, status, start_ns, stop_ns, tags,
  rss_before_bytes, rss_after_bytes, previous_test, test_name) WHERE status IN (4, 6, 8);
)sql";

// Version 8: `flaky` reads the summaries of the tests that failed from a covering partial index
// instead of all of them (a run of 1,000,000 tests: 8.8 s -> see docs/performance.md), and
// `stats` counts tests without probing results for each: a test's row now lives only while it
// has results (removing a run deletes the tests only it had; earlier versions left them).
constexpr std::string_view k_v8 = R"sql(
CREATE INDEX test_summary_failed ON test_summary (test, runs, failures, flips, last_failed, first_failed_run,
  last_failed_run, success_run, success_ns) WHERE failures > 0;
DELETE FROM tests WHERE NOT EXISTS (SELECT 1 FROM results r WHERE r.test = tests.id);
)sql";

// Version 9: failing results also keep the name of the test before them (NULL when none), in
// the failing index too, so that `flaky` names failure predecessors with no lookup into tests:
// 10,000 failures after 10,000 different tests were a third of `flaky` on a 1,000,000-test
// repository (each lookup on a page of its own).
constexpr std::string_view k_v9 = R"sql(
ALTER TABLE results ADD COLUMN previous_name TEXT;
UPDATE results SET previous_name = (SELECT name FROM tests WHERE tests.id = results.previous_test)
WHERE status IN (4, 6, 8) AND previous_test IS NOT NULL;
DROP INDEX results_failing;
CREATE INDEX results_failing ON results (run, worker, sequence, test, status, start_ns, stop_ns, tags,
  rss_before_bytes, rss_after_bytes, previous_test, test_name, previous_name) WHERE status IN (4, 6, 8);
)sql";

// Version 10: a test's id is found through test_hashes (the 64-bit FNV-1a hash of its name, and
// its id; test_names.hpp), which the writer fills at commit in hash order, instead of tests'
// UNIQUE index on name, which SQLite filled in arrival order: one random-position insert of a
// ~60-byte key per new test, 3 of the 8.5 s an import of 1,000,000 new tests took. The tests
// table is rebuilt without the constraint (SQLite cannot drop one); apply_migrations fills
// test_hashes from it (the hash is computed in C++).
// worker_order chunks written from now on are front-coded (coding 1: each name as the length it
// shares with the name before it in the chunk, then the rest; see blob_codec.hpp): a worker's
// consecutive tests share their module and class, and the chunks were a sixth of the file.
constexpr int k_test_hashes_version = 10;
constexpr std::string_view k_v10 = R"sql(
ALTER TABLE worker_order ADD COLUMN coding INTEGER NOT NULL DEFAULT 0;
CREATE TABLE tests_v10 (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL
);
INSERT INTO tests_v10 (id, name) SELECT id, name FROM tests ORDER BY id;
DROP TABLE tests;
ALTER TABLE tests_v10 RENAME TO tests;
CREATE TABLE test_hashes (
  hash INTEGER NOT NULL,
  id INTEGER NOT NULL,
  PRIMARY KEY (hash, id)
) WITHOUT ROWID;
)sql";

// Version 11: a run keeps its results beside its workers' order chunks (a chunk of coding 2 has
// its names as in coding 1, and worker_results the chunk's results: each one's id, test id,
// sequence, status, times, memory figures and tags; result_block.hpp) and only its failures as
// rows as well, which `failing`, `flaky` and the attachments read. A row of results took about 80
// bytes with its two indices and was two fifths of an import's time (docs/performance.md, session
// 19). The results are a table of their own so that the queries about one test read them without
// the names (SQLite walks a row's overflow pages to reach a later column). Runs written before keep
// their rows (`blocks` = 0), so nothing is rewritten here.
constexpr std::string_view k_v11 = R"sql(
CREATE TABLE worker_results (
  run INTEGER NOT NULL,
  worker INTEGER NOT NULL,
  chunk INTEGER NOT NULL,
  results BLOB NOT NULL,
  PRIMARY KEY (run, worker, chunk)
) WITHOUT ROWID;
ALTER TABLE runs ADD COLUMN blocks INTEGER NOT NULL DEFAULT 0;
)sql";

constexpr std::array<Migration, 11> k_migrations = {{{1, k_v1},
                                                    {2, k_v2},
                                                    {k_summary_version, k_v3},
                                                    {4, k_v4},
                                                    {5, k_v5},
                                                    {6, k_v6},
                                                    {7, k_v7},
                                                    {8, k_v8},
                                                    {9, k_v9},
                                                    {k_test_hashes_version, k_v10},
                                                    {11, k_v11}}};

int read_version(SQLite::Database& db)
{
  return db.execAndGet("PRAGMA user_version").getInt();
}

void check_version(SQLite::Database& db, int current)
{
  if (current > k_schema_version) {
    throw util::RepositoryError("repository schema version " + std::to_string(current) +
                                " is newer than this bisectr supports (" + std::to_string(k_schema_version) +
                                "); use a newer bisectr, " + db.getFilename());
  }
  if (current == 0 && db.execAndGet("SELECT count(*) FROM sqlite_master").getInt() != 0) {
    throw util::RepositoryError("not a bisectr repository (tables without a schema version), " + db.getFilename());
  }
}

} // namespace

std::span<const Migration> migrations()
{
  return k_migrations;
}

void apply_migrations(SQLite::Database& db, int target_version)
{
  if (target_version < 1 || target_version > k_schema_version) {
    throw util::RepositoryError("no schema version " + std::to_string(target_version));
  }
  int current = read_version(db);
  check_version(db, current);
  if (current >= target_version) {
    return;
  }
  WriteTransaction transaction(db);
  current = read_version(db); // another process may have migrated while we waited for the lock
  check_version(db, current);
  for (const Migration& migration : k_migrations) {
    if (migration.version > current && migration.version <= target_version) {
      db.exec(std::string(migration.sql));
    }
  }
  if (current < k_summary_version && target_version >= k_summary_version) {
    rebuild_test_summaries(db, false);  // runs written before v11 keep their results as rows
  }
  if (current < k_test_hashes_version && target_version >= k_test_hashes_version) {
    fill_test_hashes(db);
  }
  db.exec("PRAGMA user_version = " + std::to_string(std::max(current, target_version)));
  transaction.commit();
}

} // namespace bisectr::repository::detail
