#include "bisectr/repository/repository.hpp"
#include "fakes/temp_dir.hpp"
#include "sqlite_run_writer.hpp"
#include "statement_cache.hpp"
#include "test_repository_support.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>
#include <sqlite3.h>

using namespace bisectr;
using bisectr::test::make_result;
using model::Status;
using repository::detail::SqliteRunWriter;
using repository::detail::StatementCache;

TEST_CASE("repository::StatementCache")
{
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2), (3)");
  StatementCache cache(db);

  SUBCASE("one statement per SQL text, reset and unbound when it is asked for again")
  {
    SQLite::Statement& first = cache.get("SELECT ?");
    first.bind(1, 42);
    REQUIRE(first.executeStep());
    CHECK(first.getColumn(0).getInt() == 42);
    SQLite::Statement& again = cache.get("SELECT ?");
    CHECK(&again == &first);
    CHECK(cache.size() == 1);
    REQUIRE(again.executeStep());  // would fail on a statement still done, or return the old row
    CHECK(again.getColumn(0).isNull());
    cache.get("SELECT x FROM t");
    CHECK(cache.size() == 2);
  }

  SUBCASE("raw statements too")
  {
    sqlite3_stmt* first = cache.raw("SELECT ?");
    sqlite3_bind_int(first, 1, 7);
    REQUIRE(sqlite3_step(first) == SQLITE_ROW);
    sqlite3_stmt* again = cache.raw("SELECT ?");
    CHECK(again == first);
    REQUIRE(sqlite3_step(again) == SQLITE_ROW);
    CHECK(sqlite3_column_type(again, 0) == SQLITE_NULL);
  }

  SUBCASE("reset_all ends every statement left on a row")
  {
    SQLite::Statement& rows = cache.get("SELECT x FROM t");
    REQUIRE(rows.executeStep());
    sqlite3_stmt* raw = cache.raw("SELECT x FROM t ORDER BY x DESC");
    REQUIRE(sqlite3_step(raw) == SQLITE_ROW);
    REQUIRE(sqlite3_stmt_busy(raw) != 0);
    CHECK(rows.hasRow());
    cache.reset_all();
    CHECK_FALSE(rows.hasRow());
    CHECK(sqlite3_stmt_busy(raw) == 0);
  }

  SUBCASE("a statement that does not prepare throws and is not kept")
  {
    CHECK_THROWS_AS(cache.get("SELECT nothing FROM nowhere"), SQLite::Exception);
    CHECK_THROWS_AS(cache.raw("SELECT nothing FROM nowhere"), SQLite::Exception);
    CHECK(cache.size() == 0);
  }
}

TEST_CASE("repository::SqliteRunWriter::prepare_statements covers a short run")
{
  test::TempDir dir;
  // The schema, as a repository creates it; then a connection of our own on the file.
  repository::open_sqlite_repository(dir / "repo", true);
  SQLite::Database db(dir / "repo" / "bisectr.db", SQLite::OPEN_READWRITE);
  StatementCache cache(db);
  SqliteRunWriter::prepare_statements(cache);
  const std::size_t prepared = cache.size();
  CHECK(prepared >= 15);

  for (int run = 0; run < 2; ++run) {  // a new test, then a known one failing
    SqliteRunWriter writer(cache, dir / "repo" / "bisectr.db", {test::at(run), "test", {{"seed", "1"}}});
    writer.add_result(make_result("pkg.test_a", run == 0 ? Status::Success : Status::Fail, "worker-0", 0));
    model::WorkerInfo worker;
    worker.name = "worker-0";
    writer.set_worker(worker);
    writer.commit();
    // Every statement the run used was already there: nothing was parsed on the way.
    CHECK(cache.size() == prepared);
  }
  auto repo = repository::open_sqlite_repository(dir / "repo", false);
  REQUIRE(repo->list_runs().size() == 2);
  CHECK(repo->run_summary(2)->counts.failed == 1);
  CHECK(repo->worker_order(1, "worker-0") == std::vector<std::string>{"pkg.test_a"});
}
