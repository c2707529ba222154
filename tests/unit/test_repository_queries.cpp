#include "bisectr/repository/repository.hpp"
#include "bisectr/repository/session_store.hpp"
#include "bisectr/util/error.hpp"
#include "fakes/temp_dir.hpp"
#include "test_repository_support.hpp"
#include "blob_codec.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

using namespace bisectr;
using bisectr::test::at;
using bisectr::test::make_result;
using bisectr::test::write_run;
using model::Status;

namespace {

// Two workers interleaved as a parallel stream delivers them.
std::vector<model::TestResult> parallel_run()
{
  auto failing = make_result("t.fail", Status::Fail, "worker-1", 1, 2.0, 4.0);
  failing.attachments.push_back({"traceback", "text/plain", "boom"});
  return {
      make_result("t.a", Status::Success, "worker-0", 0, 0.0, 1.0),
      make_result("t.x", Status::Success, "worker-1", 0, 0.0, 2.0),
      make_result("t.b", Status::Success, "worker-0", 1, 1.0, 0.5),
      failing,
      make_result("t.c", Status::Error, "worker-0", 2, 1.5, 3.0),
      make_result("t.s", Status::Skip, "worker-0", 3, 4.5, 0.0),
  };
}

} // namespace

TEST_CASE("repository::list_runs")
{
  test::TempDir dir;
  auto repo = repository::open_sqlite_repository(dir.path(), true);
  const auto first = write_run(*repo, parallel_run(), 10.0, "load:one");
  auto writer = repo->begin_run({at(20.0), "run", {{"seed", "7"}}});
  writer->add_result(make_result("t.a", Status::Success, "worker-0", 0));
  const auto second = writer->commit();

  const auto runs = repo->list_runs();
  REQUIRE(runs.size() == 2);
  CHECK(runs[0].id == first);
  CHECK(runs[0].source == "load:one");
  CHECK(runs[0].counts.total == 6);
  CHECK(runs[0].counts.passed == 3);
  CHECK(runs[0].counts.failed == 2);
  CHECK(runs[0].counts.skipped == 1);
  CHECK(runs[0].metadata.empty());
  CHECK(runs[1].id == second);
  CHECK(runs[1].metadata.at("seed") == "7");
  CHECK(repo->latest_run() == second);
  CHECK_FALSE(repo->run_summary(second + 100).has_value());
}

TEST_CASE("repository::failing")
{
  test::TempDir dir;
  auto repo = repository::open_sqlite_repository(dir.path(), true);
  const auto id = write_run(*repo, parallel_run());
  const auto failing = repo->failing(id);
  REQUIRE(failing.size() == 2);
  CHECK(failing[0].test_id == "t.c");
  CHECK(failing[0].status == Status::Error);
  CHECK(failing[1].test_id == "t.fail");
  REQUIRE(failing[1].attachments.size() == 1);
  CHECK(failing[1].attachments[0].bytes == "boom");
  CHECK(repo->failing(id + 1).empty());
}

TEST_CASE("repository::failing with many compressed tracebacks, passing results' attachments left out")
{
  // 300 failures, each with a traceback long enough to be stored compressed and one raw stdout,
  // between passing results that carry attachments too: enough compressed bodies for the second
  // inflating thread.
  test::TempDir dir;
  auto repo = repository::open_sqlite_repository(dir.path(), true);
  const auto traceback = [](int i) {
    std::string text = "Traceback (most recent call last):\n";
    for (int line = 0; line < 20; ++line) {
      text += "  File \"tests/test_" + std::to_string(i) + ".py\", line " + std::to_string(line) + ", in f\n";
    }
    return text + "AssertionError: " + std::to_string(i) + "\n";
  };
  std::vector<model::TestResult> results;
  for (int i = 0; i < 600; ++i) {
    auto result = make_result("t." + std::to_string(i), i % 2 == 1 ? Status::Fail : Status::Success, "worker-0", i);
    result.attachments.push_back({"traceback", "text/x-traceback", traceback(i)});
    result.attachments.push_back({"stdout", "text/plain", "out " + std::to_string(i)});
    results.push_back(std::move(result));
  }
  const auto id = write_run(*repo, results);
  const auto failing = repo->failing(id);
  REQUIRE(failing.size() == 300);
  for (std::size_t k = 0; k < failing.size(); ++k) {
    const int i = static_cast<int>(2 * k + 1);
    CHECK(failing[k].test_id == "t." + std::to_string(i));
    REQUIRE(failing[k].attachments.size() == 2);
    CHECK(failing[k].attachments[0].name == "traceback");
    CHECK(failing[k].attachments[0].bytes == traceback(i));
    CHECK(failing[k].attachments[1].bytes == "out " + std::to_string(i));
  }
  SQLite::Database db((dir.path() / "bisectr.db").string(), SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("SELECT count(*) FROM attachments WHERE encoding = 1").getInt() == 600);
  // Failures keep their name beside the id, passing results do not.
  CHECK(db.execAndGet("SELECT count(*) FROM results WHERE test_name IS NOT NULL").getInt() == 300);
  CHECK(db.execAndGet("SELECT count(*) FROM results r JOIN tests t ON t.id = r.test "
                      "WHERE r.test_name IS NOT NULL AND r.test_name <> t.name").getInt() == 0);
}

TEST_CASE("repository::worker_order")
{
  test::TempDir dir;
  auto repo = repository::open_sqlite_repository(dir.path(), true);
  const auto id = write_run(*repo, parallel_run());
  CHECK(repo->worker_order(id, "worker-0") == std::vector<std::string>{"t.a", "t.b", "t.c", "t.s"});
  CHECK(repo->worker_order(id, "worker-1") == std::vector<std::string>{"t.x", "t.fail"});
  CHECK(repo->worker_order(id, "worker-9").empty());
}

TEST_CASE("repository::workers_with_results")
{
  test::TempDir dir;
  auto repo = repository::open_sqlite_repository(dir.path(), true);
  auto writer = repo->begin_run({at(0.0), "run", {}});
  for (const auto& result : parallel_run()) {
    writer->add_result(result);
  }
  model::WorkerInfo idle;  // a worker that ran nothing (it died at once): it has no order
  idle.name = "worker-2";
  writer->set_worker(idle);
  const auto id = writer->commit();
  REQUIRE(repo->workers(id).size() == 3);
  CHECK(repo->workers_with_results(id, false) == std::vector<std::string>{"worker-0", "worker-1"});
  // worker-0 has an error (t.c) and worker-1 a failure (t.fail); a passing run has none
  CHECK(repo->workers_with_results(id, true) == std::vector<std::string>{"worker-0", "worker-1"});
  const auto passing = write_run(*repo, {make_result("t.a", Status::Success, "worker-0", 0),
                                         make_result("t.s", Status::Skip, "worker-1", 0)});
  CHECK(repo->workers_with_results(passing, false) == std::vector<std::string>{"worker-0", "worker-1"});
  CHECK(repo->workers_with_results(passing, true).empty());
  CHECK(repo->workers_with_results(passing + 1, false).empty());
}

TEST_CASE("repository::worker_order across stored chunks")
{
  test::TempDir dir;
  auto repo = repository::open_sqlite_repository(dir.path(), true);
  // 2 workers x 10,000 results: several 4,096-name chunks each, the last one partial; ids with
  // bytes a line-based format would break on.
  std::vector<std::string> expected0;
  std::vector<std::string> expected1;
  auto writer = repo->begin_run({at(0.0), "run", {}});
  for (int i = 0; i < 10000; ++i) {
    const std::string id0 = "pkg.test_" + std::to_string(i) + (i % 1000 == 7 ? std::string("\nline\0nul", 9) : "");
    const std::string id1 = "other.t" + std::to_string(i * 7);
    writer->add_result(make_result(id0, Status::Success, "worker-0", i));
    writer->add_result(make_result(id1, Status::Success, "worker-1", i));
    expected0.push_back(id0);
    expected1.push_back(id1);
  }
  const auto id = writer->commit();
  CHECK(repo->worker_order(id, "worker-0") == expected0);
  CHECK(repo->worker_order(id, "worker-1") == expected1);
  const std::filesystem::path file = dir.path() / "bisectr.db";
  {
    SQLite::Database db(file.string(), SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("SELECT count(*) FROM worker_order WHERE run = " + std::to_string(id)).getInt() == 6);
    CHECK(db.execAndGet("SELECT sum(order_chunks) FROM workers").getInt() == 6);
  }
  SUBCASE("the chunks are the results (schema v11): read back in worker and sequence order")
  {
    std::vector<std::string> names0;
    std::vector<std::string> names1;
    for (const auto& result : repo->results(id, false)) {
      CHECK(result.status == Status::Success);
      (result.worker == "worker-0" ? names0 : names1).push_back(result.test_id);
    }
    CHECK(names0 == expected0);
    CHECK(names1 == expected1);
    SQLite::Database db(file.string(), SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("SELECT count(*) FROM results").getInt() == 0);  // passes are not rows
    CHECK(db.execAndGet("SELECT blocks FROM runs").getInt() == 1);
  }
  SUBCASE("a missing chunk is reported, not silently skipped")
  {
    {
      SQLite::Database db(file.string(), SQLite::OPEN_READWRITE);
      db.exec("DELETE FROM worker_order WHERE chunk = 1");
    }
    CHECK_THROWS_WITH_AS(repo->worker_order(id, "worker-0"), doctest::Contains("order chunks"), util::RepositoryError);
  }
  SUBCASE("a damaged chunk is an error")
  {
    // Sets chunk 0 of every worker (`assignments` of an UPDATE), then reads worker-0's order.
    const auto read_damaged = [&](const std::string& assignments) {
      {
        SQLite::Database db(file.string(), SQLite::OPEN_READWRITE);
        db.exec("UPDATE worker_order SET " + assignments + " WHERE chunk = 0");
      }
      return repo->worker_order(id, "worker-0");
    };
    CHECK_THROWS_WITH_AS(read_damaged("names = X'FF'"), doctest::Contains("malformed"), util::RepositoryError);
    // Front-coded (schema v10): shares nothing, then 5 bytes of which only 2 are there.
    CHECK_THROWS_WITH_AS(read_damaged("names = X'00056162'"), doctest::Contains("past its end"), util::RepositoryError);
    // The first name of a chunk has no name before it to share bytes with.
    CHECK_THROWS_WITH_AS(read_damaged("names = X'030161'"), doctest::Contains("shares more"), util::RepositoryError);
    CHECK_THROWS_WITH_AS(read_damaged("names = X'056162', coding = 0"), doctest::Contains("past its end"),
                         util::RepositoryError);
    CHECK_THROWS_WITH_AS(read_damaged("coding = 7"), doctest::Contains("unknown coding 7"), util::RepositoryError);
  }
  SUBCASE("new chunks are front-coded and smaller; chunks written whole before v10 still read")
  {
    SQLite::Database db(file.string(), SQLite::OPEN_READWRITE);
    CHECK(db.execAndGet("SELECT count(*) FROM worker_order WHERE coding <> 2").getInt() == 0);
    SQLite::Statement chunk(db, "SELECT names FROM worker_order w JOIN workers k ON k.id = w.worker "
                                "WHERE k.name = 'worker-1' AND chunk = 0");
    REQUIRE(chunk.executeStep());
    const std::size_t coded = static_cast<std::size_t>(chunk.getColumn(0).getBytes());
    chunk.reset();
    // The first chunk written whole, as a v6-v9 writer did.
    std::string plain;
    for (std::size_t i = 0; i < repository::detail::k_order_chunk_names; ++i) {
      repository::detail::append_name(plain, expected1[i]);
    }
    CHECK(coded < plain.size() * 3 / 4);
    SQLite::Statement update(db, "UPDATE worker_order SET names = ?, coding = 0 WHERE chunk = 0 AND worker = "
                                 "(SELECT id FROM workers WHERE name = 'worker-1')");
    update.bind(1, plain.data(), static_cast<int>(plain.size()));
    CHECK(update.exec() == 1);
    CHECK(repo->worker_order(id, "worker-1") == expected1);
  }
  SUBCASE("remove_run removes them")
  {
    CHECK(repo->remove_run(id));
    SQLite::Database db(file.string(), SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("SELECT count(*) FROM worker_order").getInt() == 0);
    CHECK(db.execAndGet("SELECT count(*) FROM worker_results").getInt() == 0);
  }
}

TEST_CASE("repository::worker_order with long ids closes chunks by size")
{
  test::TempDir dir;
  auto repo = repository::open_sqlite_repository(dir.path(), true);
  std::vector<std::string> expected;
  auto writer = repo->begin_run({at(0.0), "run", {}});
  for (int i = 0; i < 600; ++i) {  // 600 x ~4 KB: over 1 MiB, far under 4,096 names
    expected.push_back(std::to_string(i) + std::string(4000, 'x'));
    writer->add_result(make_result(expected.back(), Status::Success, "worker-0", i));
  }
  const auto id = writer->commit();
  CHECK(repo->worker_order(id, "worker-0") == expected);
  SQLite::Database db((dir.path() / "bisectr.db").string(), SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("SELECT order_chunks FROM workers WHERE name = 'worker-0'").getInt() == 3);
  CHECK(db.execAndGet("SELECT max(length(names)) FROM worker_order").getInt() < 1024 * 1024 + 8192);
}

TEST_CASE("repository::worker_order when results arrive out of sequence order")
{
  test::TempDir dir;
  auto repo = repository::open_sqlite_repository(dir.path(), true);
  auto writer = repo->begin_run({at(0.0), "run", {}});
  writer->add_result(make_result("t.second", Status::Success, "worker-0", 1));
  writer->add_result(make_result("t.first", Status::Success, "worker-0", 0));
  writer->add_result(make_result("t.x", Status::Success, "worker-1", 0));
  const auto id = writer->commit();
  CHECK(repo->worker_order(id, "worker-0") == std::vector<std::string>{"t.first", "t.second"});
  CHECK(repo->worker_order(id, "worker-1") == std::vector<std::string>{"t.x"});
  // The worker's chunk was sorted at commit, its results with it.
  const auto results = repo->results(id, false);
  REQUIRE(results.size() == 3);
  CHECK(results[0].test_id == "t.first");
  CHECK(results[0].sequence == 0);
  CHECK(results[1].test_id == "t.second");
  CHECK(results[1].sequence == 1);
  SQLite::Database db((dir.path() / "bisectr.db").string(), SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("SELECT order_chunks FROM workers WHERE name = 'worker-0'").getInt() == 1);
  CHECK(db.execAndGet("SELECT order_chunks FROM workers WHERE name = 'worker-1'").getInt() == 1);
}

TEST_CASE("repository::slowest")
{
  test::TempDir dir;
  auto repo = repository::open_sqlite_repository(dir.path(), true);
  auto results = parallel_run();
  auto untimed = make_result("t.untimed", Status::Success, "worker-1", 2);
  untimed.stop.reset();
  results.push_back(untimed);
  const auto id = write_run(*repo, results);
  const auto slowest = repo->slowest(id, 3);
  REQUIRE(slowest.size() == 3);
  CHECK(slowest[0].test_id == "t.fail");
  CHECK(slowest[0].seconds == doctest::Approx(4.0));
  CHECK(slowest[1].test_id == "t.c");
  CHECK(slowest[2].test_id == "t.x");
  CHECK(repo->slowest(id, 100).size() == 6);
}

TEST_CASE("repository::slowest beyond the kept top 1,000")
{
  test::TempDir dir;
  auto repo = repository::open_sqlite_repository(dir.path(), true);
  // 2,500 results with many equal durations (ties rank the later result first).
  std::vector<model::TestResult> results;
  for (int i = 0; i < 2500; ++i) {
    results.push_back(make_result("t." + std::to_string(i), Status::Success, "worker-" + std::to_string(i % 3),
                                  i / 3, 0.0, static_cast<double>((i * 37) % 400)));
  }
  const auto id = write_run(*repo, results);
  const auto all = repo->slowest(id, 5000); // beyond the kept rows: sorted from the results
  REQUIRE(all.size() == 2500);
  for (std::size_t i = 1; i < all.size(); ++i) {
    CHECK(all[i - 1].seconds >= all[i].seconds);
  }
  CHECK(all[0].seconds == doctest::Approx(399.0));
  const auto kept = repo->slowest(id, 1000); // from run_slowest
  REQUIRE(kept.size() == 1000);
  for (std::size_t i = 0; i < kept.size(); ++i) {
    CHECK(kept[i].test_id == all[i].test_id);
  }
  const auto first = repo->slowest(id, 3);
  REQUIRE(first.size() == 3);
  CHECK(first[0].test_id == all[0].test_id);
  CHECK(first[2].test_id == all[2].test_id);
  CHECK(repo->slowest(id, 1001).size() == 1001);
  CHECK(repo->remove_run(id));
  CHECK(repo->slowest(id, 10).empty());
}

TEST_CASE("repository::recent_durations")
{
  test::TempDir dir;
  auto repo = repository::open_sqlite_repository(dir.path(), true);
  write_run(*repo,
            {make_result("a", Status::Success, "w", 0, 0.0, 1.0), make_result("b", Status::Success, "w", 1, 1.0, 2.0)});
  write_run(*repo,
            {make_result("a", Status::Success, "w", 0, 0.0, 3.0), make_result("b", Status::Fail, "w", 1, 3.0, 9.0)});
  const auto durations = repo->recent_durations();
  CHECK(durations.size() == 2);
  CHECK(durations.at("a") == doctest::Approx(3.0));
  CHECK(durations.at("b") == doctest::Approx(2.0)); // the failed run does not count
}

TEST_CASE("repository::remove_run")
{
  test::TempDir dir;
  auto repo = repository::open_sqlite_repository(dir.path(), true);
  const auto keep = write_run(*repo, {make_result("a", Status::Success, "w", 0)});
  auto writer = repo->begin_run({at(1.0), "x", {{"k", "v"}}});
  for (const auto& result : parallel_run()) {
    writer->add_result(result);
  }
  model::WorkerInfo worker;
  worker.name = "worker-0";
  worker.memory_curve = {{0.0, 1}};
  writer->set_worker(worker);
  const auto gone = writer->commit();
  const auto session = repo->sessions().create_session("bisect", "{}");
  repo->sessions().add_trial(session, "{\"n\":1}", gone);

  CHECK(repo->remove_run(gone));
  CHECK_FALSE(repo->remove_run(gone));
  CHECK(repo->list_runs().size() == 1);
  CHECK(repo->latest_run() == keep);
  SQLite::Database db(repository::repository_file(dir.path()).string());
  for (const char* table : {"results", "workers", "run_metadata", "attachments"}) {
    CAPTURE(table);
    SQLite::Statement count(db, std::string("SELECT count(*) FROM ") + table + " WHERE run = ?");
    count.bind(1, gone);
    REQUIRE(count.executeStep());
    CHECK(count.getColumn(0).getInt() == 0);
  }
  CHECK(repo->results(keep, false).size() == 1);
  const auto loaded = repo->sessions().load_session(session);
  REQUIRE(loaded.has_value());
  REQUIRE(loaded->trials.size() == 1);
  CHECK_FALSE(loaded->trials[0].run.has_value());
}
