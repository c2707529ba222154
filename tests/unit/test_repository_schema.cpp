#include "bisectr/repository/history.hpp"
#include "bisectr/repository/repository.hpp"
#include "bisectr/repository/schema.hpp"
#include "bisectr/repository/session_store.hpp"
#include "bisectr/util/error.hpp"
#include "fakes/temp_dir.hpp"
#include "test_names.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <tuple>

using namespace bisectr;

namespace {

// Run 1 with worker w0 (id 1) in a file at version 7 or 8: the given tests, results (id, run,
// test, worker, sequence, status, previous_test, test_name) and test_summary rows, as VALUES lists.
void seed_run(const std::filesystem::path& file, int total, int failed, const std::string& tests,
              const std::string& results, const std::string& summaries)
{
  SQLite::Database db(file.string(), SQLite::OPEN_READWRITE);
  db.exec("INSERT INTO runs (id, started_ns, source, state, total, passed, failed) VALUES (1, 5, 'old', 0, " +
          std::to_string(total) + ", " + std::to_string(total - failed) + ", " + std::to_string(failed) + ")");
  db.exec("INSERT INTO workers (id, run, name) VALUES (1, 1, 'w0')");
  db.exec("INSERT INTO tests (id, name) VALUES " + tests);
  db.exec("INSERT INTO results (id, run, test, worker, sequence, status, previous_test, test_name) VALUES " + results);
  db.exec("INSERT INTO test_summary (test, runs, failures, flips, last_failed, first_failed_run, last_failed_run) "
          "VALUES " + summaries);
}

// The details of SQLite's plan for `sql`, one step after another.
std::string query_plan(SQLite::Database& db, const std::string& sql)
{
  SQLite::Statement plan(db, "EXPLAIN QUERY PLAN " + sql);
  std::string details;
  while (plan.executeStep()) {
    details += plan.getColumn(3).getString() + ";";
  }
  return details;
}

} // namespace

TEST_CASE("repository::migrate")
{
  test::TempDir dir;
  const auto file = repository::repository_file(dir.path());

  SUBCASE("a new repository is at the current version")
  {
    (void)repository::open_sqlite_repository(dir.path(), true);
    CHECK(repository::schema_version(file) == repository::k_schema_version);
  }
  SUBCASE("a version-1 repository is migrated on open and keeps its runs")
  {
    repository::migrate(file, 1);
    CHECK(repository::schema_version(file) == 1);
    {
      SQLite::Database db(file.string(), SQLite::OPEN_READWRITE);
      CHECK_FALSE(db.tableExists("sessions"));
      db.exec("INSERT INTO runs (started_ns, source, state, total, passed) VALUES (5, 'load:old', 0, 1, 1)");
    }
    auto repo = repository::open_sqlite_repository(dir.path(), false);
    CHECK(repository::schema_version(file) == repository::k_schema_version);
    const auto runs = repo->list_runs();
    REQUIRE(runs.size() == 1);
    CHECK(runs[0].source == "load:old");
    CHECK(runs[0].counts.passed == 1);
    CHECK(repo->sessions().create_session("bisect", "{}") == 1);
  }
  SUBCASE("a version-3 repository gains each run's slowest results, in the same order")
  {
    repository::migrate(file, 3);
    {
      SQLite::Database db(file.string(), SQLite::OPEN_READWRITE);
      CHECK_FALSE(db.tableExists("run_slowest"));
      db.exec("INSERT INTO runs (id, started_ns, source, state, total, passed) VALUES (1, 5, 'old', 0, 4, 4), "
              "(2, 6, 'old', 0, 1, 1)");
      db.exec("INSERT INTO workers (id, run, name) VALUES (1, 1, 'w0'), (2, 2, 'w0')");
      db.exec("INSERT INTO tests (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd')");
      db.exec("INSERT INTO results (id, run, test, worker, sequence, status, start_ns, stop_ns) VALUES "
              "(1, 1, 1, 1, 0, 3, 0, 2000000000), (2, 1, 2, 1, 1, 3, 0, 5000000000), "
              "(3, 1, 3, 1, 2, 3, 0, 2000000000), (4, 1, 4, 1, 3, 3, 0, NULL), (5, 2, 1, 2, 0, 3, 0, 1000000000)");
    }
    auto repo = repository::open_sqlite_repository(dir.path(), false);
    CHECK(repository::schema_version(file) == repository::k_schema_version);
    for (const std::size_t n : {std::size_t{3}, std::size_t{5000}}) {
      const auto slowest = repo->slowest(1, n);
      REQUIRE(slowest.size() == 3);
      CHECK(slowest[0].test_id == "b");
      CHECK(slowest[0].seconds == doctest::Approx(5.0));
      CHECK(slowest[1].test_id == "c"); // a tie: the later result first
      CHECK(slowest[2].test_id == "a");
    }
    REQUIRE(repo->slowest(2, 10).size() == 1);
    CHECK(repo->slowest(2, 10)[0].test_id == "a");
    SQLite::Database db(file.string(), SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("SELECT count(*) FROM sqlite_master WHERE name = 'results_slowest'").getInt() == 0);
  }
  SUBCASE("an older repository gains each failure's previous test, as flaky reports it")
  {
    repository::migrate(file, 2); // version 3 then builds test_summary from these results
    {
      SQLite::Database db(file.string(), SQLite::OPEN_READWRITE);
      db.exec("INSERT INTO runs (id, started_ns, source, state, total, passed, failed) VALUES "
              "(1, 5, 'old', 0, 3, 1, 2), (2, 6, 'old', 0, 2, 1, 1)");
      db.exec("INSERT INTO workers (id, run, name) VALUES (1, 1, 'w0'), (2, 1, 'w1'), (3, 2, 'w0')");
      db.exec("INSERT INTO tests (id, name) VALUES (1, 'setter'), (2, 'victim'), (3, 'other')");
      // Run 1: w0 runs setter then victim (fails); w1 runs other (fails, first). Run 2: w0 runs
      // other then victim (fails).
      db.exec("INSERT INTO results (id, run, test, worker, sequence, status) VALUES "
              "(1, 1, 1, 1, 0, 3), (2, 1, 3, 2, 0, 6), (3, 1, 2, 1, 1, 6), (4, 2, 3, 3, 0, 3), (5, 2, 2, 3, 1, 8)");
    }
    auto repo = repository::open_sqlite_repository(dir.path(), false);
    CHECK(repository::schema_version(file) == repository::k_schema_version);
    {
      SQLite::Database db(file.string(), SQLite::OPEN_READONLY);
      CHECK(db.execAndGet("SELECT previous_test FROM results WHERE id = 3").getInt() == 1);
      CHECK(db.execAndGet("SELECT previous_test FROM results WHERE id = 5").getInt() == 3);
      CHECK(db.execAndGet("SELECT previous_test IS NULL FROM results WHERE id = 2").getInt() == 1);
      CHECK(db.execAndGet("SELECT count(*) FROM results WHERE previous_test IS NOT NULL").getInt() == 2);
    }
    int seen = 0;
    for (const auto& test : repo->history().test_stats({})) {
      seen += test.test_id == "victim" || test.test_id == "other" ? 1 : 0;
      if (test.test_id == "victim") {
        REQUIRE(test.failure_predecessors.size() == 2);
        CHECK(test.failure_predecessors[0].name == "other"); // a tie: by name
        CHECK(test.failure_predecessors[1].name == "setter");
        REQUIRE(test.failure_workers.size() == 1);
        CHECK(test.failure_workers[0].name == "w0");
        CHECK(test.failure_workers[0].count == 2);
      } else if (test.test_id == "other") {
        REQUIRE(test.failure_predecessors.size() == 1);
        CHECK(test.failure_predecessors[0].name == "");
      }
    }
    CHECK(seen == 2);
  }
  SUBCASE("a run written before version 6 keeps its worker order, read through results")
  {
    repository::migrate(file, 5);
    {
      SQLite::Database db(file.string(), SQLite::OPEN_READWRITE);
      db.exec("INSERT INTO runs (id, started_ns, source, state, total, passed, failed) VALUES (1, 5, 'old', 0, 3, 3, 0)");
      db.exec("INSERT INTO workers (id, run, name) VALUES (1, 1, 'w0')");
      db.exec("INSERT INTO tests (id, name) VALUES (1, 'first'), (2, 'second'), (3, 'third')");
      db.exec("INSERT INTO results (id, run, test, worker, sequence, status) VALUES "
              "(1, 1, 3, 1, 2, 3), (2, 1, 1, 1, 0, 3), (3, 1, 2, 1, 1, 3)");
    }
    auto repo = repository::open_sqlite_repository(dir.path(), false);
    CHECK(repository::schema_version(file) == repository::k_schema_version);
    CHECK(repo->worker_order(1, "w0") == std::vector<std::string>{"first", "second", "third"});
    SQLite::Database db(file.string(), SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("SELECT order_chunks IS NULL FROM workers WHERE id = 1").getInt() == 1);
  }
  SUBCASE("version 8 indexes the summaries of failed tests and drops tests left without results")
  {
    repository::migrate(file, 7);
    // 'gone' stayed behind when an earlier version removed the run that had it.
    seed_run(file, 2, 1, "(1, 'setter'), (2, 'victim'), (3, 'gone')",
             "(1, 1, 1, 1, 0, 3, NULL, NULL), (2, 1, 2, 1, 1, 6, 1, 'victim')",
             "(1, 1, 0, 0, 0, 0, 0), (2, 1, 1, 0, 1, 1, 1)");
    auto repo = repository::open_sqlite_repository(dir.path(), false);
    CHECK(repository::schema_version(file) == repository::k_schema_version);
    CHECK(repo->history().stats().tests == 2);
    const auto failed = repo->history().failed_test_stats({});
    CHECK(failed.counted_tests == 2);
    REQUIRE(failed.tests.size() == 1);
    CHECK(failed.tests[0].test_id == "victim");
    REQUIRE(failed.tests[0].failure_predecessors.size() == 1);
    CHECK(failed.tests[0].failure_predecessors[0].name == "setter");
    SQLite::Database db(file.string(), SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("SELECT count(*) FROM tests WHERE name = 'gone'").getInt() == 0);
    CHECK(db.execAndGet("SELECT count(*) FROM sqlite_master WHERE name = 'test_summary_failed'").getInt() == 1);
  }
  SUBCASE("version 7 names failures beside their ids and makes the failing index covering; v6 failures read the same")
  {
    repository::migrate(file, 6);
    {
      SQLite::Database db(file.string(), SQLite::OPEN_READWRITE);
      db.exec("INSERT INTO runs (id, started_ns, source, state, total, passed, failed) VALUES (1, 5, 'old', 0, 2, 1, 1)");
      db.exec("INSERT INTO workers (id, run, name) VALUES (1, 1, 'w0')");
      db.exec("INSERT INTO tests (id, name) VALUES (1, 'setter'), (2, 'victim')");
      db.exec("INSERT INTO results (id, run, test, worker, sequence, status, start_ns, stop_ns, tags, previous_test) "
              "VALUES (1, 1, 1, 1, 0, 3, 10, 20, NULL, NULL), (2, 1, 2, 1, 1, 6, 30, 45, 'slow', 1)");
      db.exec("INSERT INTO strings (id, text) VALUES (1, 'traceback'), (2, 'text/plain')");
      db.exec("INSERT INTO attachments (run, result, name, mime, encoding, size, bytes) "
              "VALUES (1, 2, 1, 2, 0, 4, CAST('boom' AS BLOB))");
    }
    auto repo = repository::open_sqlite_repository(dir.path(), false);
    CHECK(repository::schema_version(file) == repository::k_schema_version);
    const auto failures = repo->failing(1);
    REQUIRE(failures.size() == 1);
    CHECK(failures[0].test_id == "victim");
    CHECK(failures[0].worker == "w0");
    CHECK(failures[0].sequence == 1);
    CHECK(failures[0].tags == std::vector<std::string>{"slow"});
    REQUIRE(failures[0].attachments.size() == 1);
    CHECK(failures[0].attachments[0].bytes == "boom");
    SQLite::Database db(file.string(), SQLite::OPEN_READONLY);
    // The failure's name was copied beside its id; the passing result has none.
    CHECK(db.execAndGet("SELECT test_name FROM results WHERE id = 2").getString() == "victim");
    CHECK(db.execAndGet("SELECT test_name IS NULL FROM results WHERE id = 1").getInt() == 1);
    CHECK(query_plan(db, "SELECT test, status, tags, previous_test, test_name FROM results "
                         "WHERE run = 1 AND status IN (4, 6, 8)")
              .find("COVERING INDEX results_failing") != std::string::npos);
  }
  SUBCASE("version 9 keeps each failure's predecessor's name in the failing index; new runs write it")
  {
    repository::migrate(file, 8);
    seed_run(file, 3, 2, "(1, 'setter'), (2, 'victim'), (3, 'first')",
             "(1, 1, 3, 1, 0, 6, NULL, 'first'), (2, 1, 1, 1, 1, 3, NULL, NULL), (3, 1, 2, 1, 2, 6, 1, 'victim')",
             "(1, 1, 0, 0, 0, 0, 0), (2, 1, 1, 0, 1, 1, 1), (3, 1, 1, 0, 1, 1, 1)");
    auto repo = repository::open_sqlite_repository(dir.path(), false);
    CHECK(repository::schema_version(file) == repository::k_schema_version);
    {
      SQLite::Database db(file.string(), SQLite::OPEN_READONLY);
      CHECK(db.execAndGet("SELECT previous_name FROM results WHERE id = 3").getString() == "setter");
      CHECK(db.execAndGet("SELECT previous_name IS NULL FROM results WHERE id = 1").getInt() == 1);  // ran first
      CHECK(db.execAndGet("SELECT previous_name IS NULL FROM results WHERE id = 2").getInt() == 1);  // passed
      CHECK(query_plan(db, "SELECT test, worker, previous_test, test_name, previous_name "
                           "FROM results INDEXED BY results_failing WHERE status IN (4, 6, 8)")
                .find("COVERING INDEX results_failing") != std::string::npos);
    }
    const auto failed = repo->history().failed_test_stats({});
    REQUIRE(failed.tests.size() == 2);
    CHECK(failed.tests[1].test_id == "victim");
    REQUIRE(failed.tests[1].failure_predecessors.size() == 1);
    CHECK(failed.tests[1].failure_predecessors[0].name == "setter");
    REQUIRE(failed.tests[0].failure_predecessors.size() == 1);
    CHECK(failed.tests[0].failure_predecessors[0].name.empty());
    // A run written now stores the name itself.
    {
      auto writer = repo->begin_run({model::TimePoint{}, "new", {}});
      for (const auto& [id, status, sequence] :
           {std::tuple{"a", model::Status::Success, 0}, std::tuple{"b", model::Status::Fail, 1}}) {
        model::TestResult result;
        result.test_id = id;
        result.status = status;
        result.worker = "worker-0";
        result.sequence = sequence;
        writer->add_result(result);
      }
      writer->commit();
    }
    SQLite::Database db(file.string(), SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("SELECT previous_name FROM results r JOIN tests t ON t.id = r.test WHERE t.name = 'b'")
              .getString() == "a");
  }
  SUBCASE("version 10 finds test names through test_hashes, in step with tests; old order chunks still read")
  {
    repository::migrate(file, 9);
    seed_run(file, 3, 1, "(1, 'setter'), (2, 'victim'), (3, 'first')",
             "(1, 1, 3, 1, 0, 3, NULL, NULL), (2, 1, 1, 1, 1, 3, NULL, NULL), (3, 1, 2, 1, 2, 6, 1, 'victim')",
             "(1, 1, 0, 0, 0, 0, 0), (2, 1, 0, 0, 0, 0, 0), (3, 1, 1, 0, 1, 1, 1)");
    {
      // A v6-v9 order chunk: each name whole (a LEB128 length, then the bytes).
      SQLite::Database db(file.string(), SQLite::OPEN_READWRITE);
      db.exec("INSERT INTO worker_order (run, worker, chunk, names) VALUES "
              "(1, 1, 0, X'05" "6669727374" "06" "736574746572" "06" "76696374696D')");
      db.exec("UPDATE workers SET order_chunks = 1 WHERE id = 1");
    }
    auto repo = repository::open_sqlite_repository(dir.path(), false);
    CHECK(repository::schema_version(file) == repository::k_schema_version);
    {
      SQLite::Database db(file.string(), SQLite::OPEN_READONLY);
      CHECK(db.execAndGet("SELECT group_concat(name || '=' || id, ',') FROM (SELECT t.name, t.id FROM test_hashes h "
                          "JOIN tests t ON t.id = h.id ORDER BY t.name)")
                .getString() == "first=3,setter=1,victim=2");
      for (const auto& [name, id] : {std::pair{"first", 3}, std::pair{"setter", 1}, std::pair{"victim", 2}}) {
        SQLite::Statement find(db, repository::detail::k_find_test_sql);
        find.bind(1, repository::detail::name_hash(name));
        find.bind(2, name);
        REQUIRE(find.executeStep());
        CHECK(find.getColumn(0).getInt() == id);
      }
      CHECK(db.execAndGet("SELECT coding FROM worker_order").getInt() == 0);
      // No index on names any more.
      CHECK(db.execAndGet("SELECT count(*) FROM sqlite_master WHERE tbl_name = 'tests' AND type = 'index'").getInt() == 0);
    }
    CHECK(repo->worker_order(1, "w0") == std::vector<std::string>{"first", "setter", "victim"});
    const auto history = repo->history().test_history("victim");
    REQUIRE(history.size() == 1);
    CHECK(history[0].status == model::Status::Fail);
    // A new run finds the known tests by name and adds only the new one.
    {
      auto writer = repo->begin_run({model::TimePoint{}, "new", {}});
      int sequence = 0;
      for (const char* id : {"victim", "zeta", "first"}) {
        model::TestResult result;
        result.test_id = id;
        result.status = model::Status::Success;
        result.worker = "worker-0";
        result.sequence = sequence++;
        writer->add_result(result);
      }
      writer->commit();
    }
    {
      SQLite::Database db(file.string(), SQLite::OPEN_READONLY);
      CHECK(db.execAndGet("SELECT count(*) FROM tests").getInt() == 4);
      CHECK(db.execAndGet("SELECT id FROM test_hashes WHERE hash = " +
                          std::to_string(repository::detail::name_hash("zeta"))).getInt() == 4);
      // The new run keeps its passes in its order chunk (schema v11); run 1's rows are as they were.
      CHECK(db.execAndGet("SELECT count(*) FROM results WHERE test = 2").getInt() == 1);
    }
    CHECK(repo->worker_order(2, "worker-0") == std::vector<std::string>{"victim", "zeta", "first"});
    // Run 1's results are rows, run 2's are in its order chunk (v11): history and tallies read both.
    const auto both = repo->history().test_history("victim");
    REQUIRE(both.size() == 2);
    CHECK(both[0].run == 1);
    CHECK(both[0].status == model::Status::Fail);
    CHECK(both[1].run == 2);
    CHECK(both[1].status == model::Status::Success);
    CHECK(both[1].worker == "worker-0");
    CHECK(both[1].sequence == 0);
    for (const auto& stats : repo->history().test_stats({model::TimePoint{}, 0})) {
      CHECK_MESSAGE(stats.runs == (stats.test_id == "setter" || stats.test_id == "zeta" ? 1 : 2), stats.test_id);
      CHECK(stats.failures == (stats.test_id == "victim" ? 1 : 0));
    }
    // compare reads run 1 from its rows and run 2 from its chunk.
    const auto diff = repo->history().compare_runs(1, 2, {});
    bool victim_fixed = false;
    for (const auto& change : diff.status_changes) {
      victim_fixed = victim_fixed || (change.test_id == "victim" && change.before == model::Status::Fail &&
                                      change.after == model::Status::Success);
    }
    CHECK(victim_fixed);
    // Removing run 1 deletes setter, which only it had, from tests and from test_hashes.
    CHECK(repo->remove_run(1));
    // ... and the summaries are rebuilt from what is left: run 2's chunk.
    CHECK(repo->history().test_history("victim").size() == 1);
    {
      SQLite::Database db(file.string(), SQLite::OPEN_READONLY);
      CHECK(db.execAndGet("SELECT runs || ',' || failures FROM test_summary s JOIN tests t ON "
                          "t.id = s.test WHERE t.name = 'victim'").getString() == "1,0");
    }
    SQLite::Database db(file.string(), SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("SELECT group_concat(name, ',') FROM (SELECT t.name FROM test_hashes h JOIN tests t "
                        "ON t.id = h.id ORDER BY t.name)").getString() == "first,victim,zeta");
    CHECK(db.execAndGet("SELECT count(*) FROM test_hashes").getInt() == 3);
    CHECK(db.execAndGet("SELECT count(*) FROM tests").getInt() == 3);
  }
  SUBCASE("a repository from a newer bisectr is refused with a clear error")
  {
    repository::migrate(file, repository::k_schema_version);
    {
      SQLite::Database db(file.string(), SQLite::OPEN_READWRITE);
      db.exec("PRAGMA user_version = " + std::to_string(repository::k_schema_version + 1));
    }
    try {
      (void)repository::open_sqlite_repository(dir.path(), false);
      FAIL("expected RepositoryError");
    } catch (const util::RepositoryError& error) {
      const std::string what = error.what();
      CHECK(what.find("is newer than this bisectr supports") != std::string::npos);
      CHECK(what.find(file.string()) != std::string::npos);
    }
  }
  SUBCASE("a SQLite file that is not a bisectr repository is refused")
  {
    {
      SQLite::Database db(file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
      db.exec("CREATE TABLE other (x INTEGER)");
    }
    CHECK_THROWS_WITH_AS((void)repository::open_sqlite_repository(dir.path(), false),
                         doctest::Contains("not a bisectr repository"), util::RepositoryError);
  }
  SUBCASE("an unknown target version is an error")
  {
    CHECK_THROWS_AS(repository::migrate(file, repository::k_schema_version + 1), util::RepositoryError);
  }
}
