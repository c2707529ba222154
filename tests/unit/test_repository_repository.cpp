#include "bisectr/repository/history.hpp"
#include "bisectr/repository/repository.hpp"
#include "bisectr/repository/schema.hpp"
#include "bisectr/util/error.hpp"
#include "fakes/temp_dir.hpp"
#include "test_repository_support.hpp"
#include "wal_fold.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>
#include <array>
#include <fstream>
#include <stdexcept>

using namespace bisectr;
using bisectr::test::at;
using bisectr::test::make_result;
using bisectr::test::write_run;
using model::Status;

namespace {

std::string repeated(const std::string& piece, int times)
{
  std::string out;
  for (int i = 0; i < times; ++i) {
    out += piece;
  }
  return out;
}

model::TestResult failing_result()
{
  auto result = make_result("pkg.test_b", Status::Fail, "worker-0", 1, 10.0, 2.5);
  result.tags = {"slow", "net"};
  result.rss_before_bytes = 1000;
  result.rss_after_bytes = 5000;
  result.attachments.push_back(
      {"traceback", "text/x-traceback; charset=utf8", repeated("Traceback (most recent call last):\n  File x\n", 100)});
  result.attachments.push_back({"stdout", "text/plain", "hi"});
  return result;
}

model::WorkerInfo full_worker()
{
  model::WorkerInfo worker;
  worker.name = "worker-1";
  worker.resources.wall_seconds = 12.5;
  worker.resources.cpu_user_seconds = 3.25;
  worker.resources.cpu_system_seconds = 0.5;
  worker.resources.peak_rss_bytes = 123456789;
  worker.resources.exit_code = 1;
  worker.resources.signal = 9;
  worker.resources.killed_by_us = true;
  worker.resources.timed_out = false;
  worker.resources.oom_killed = true;
  worker.resources.memory_limit_method = "cgroup";
  worker.resources.in_progress_test = "pkg.test_hog";
  worker.memory_curve = {{0.0, 1000}, {0.25, 2000000}, {0.5, 123456789}};
  return worker;
}

} // namespace

TEST_CASE("repository::open_sqlite_repository")
{
  test::TempDir dir;
  SUBCASE("a missing repository is a usage error naming the directory")
  {
    try {
      (void)repository::open_sqlite_repository(dir / "repo", false);
      FAIL("expected UsageError");
    } catch (const util::UsageError& error) {
      CHECK(std::string(error.what()) ==
            "no repository at " + (dir / "repo").string() + " (run 'bisectr init' or 'bisectr load')");
    }
  }
  SUBCASE("create makes dir/bisectr.db in WAL mode and reopening keeps the runs")
  {
    {
      auto repo = repository::open_sqlite_repository(dir / "a" / "repo", true);
      CHECK(repo->list_runs().empty());
      CHECK_FALSE(repo->latest_run().has_value());
      write_run(*repo, {make_result("t", Status::Success, "worker-0", 0)});
    }
    CHECK(std::filesystem::exists(dir / "a" / "repo" / "bisectr.db"));
    SQLite::Database db((dir / "a" / "repo" / "bisectr.db").string());
    CHECK(db.execAndGet("PRAGMA journal_mode").getString() == "wal");
    CHECK(db.execAndGet("PRAGMA page_size").getInt() == repository::k_page_size);
    auto again = repository::open_sqlite_repository(dir / "a" / "repo", false);
    CHECK(again->list_runs().size() == 1);
  }
  SUBCASE("a repository made with another page size keeps it")
  {
    std::filesystem::create_directories(dir / "old");
    repository::migrate(dir / "old" / "bisectr.db", 10);  // as versions before 11 made them: 4,096
    {
      auto repo = repository::open_sqlite_repository(dir / "old", false);
      write_run(*repo, {make_result("t", Status::Success, "worker-0", 0)});
      CHECK(repo->list_runs().size() == 1);
    }
    SQLite::Database db((dir / "old" / "bisectr.db").string());
    CHECK(db.execAndGet("PRAGMA page_size").getInt() == 4096);
  }
  SUBCASE("a file that is not a database is a repository error")
  {
    std::filesystem::create_directories(dir / "bad");
    {
      std::ofstream out(dir / "bad" / "bisectr.db");
      out << repeated("this is not sqlite at all ", 100);
    }
    CHECK_THROWS_AS((void)repository::open_sqlite_repository(dir / "bad", false), util::RepositoryError);
  }
}

TEST_CASE("repository::RunWriter")
{
  test::TempDir dir;
  auto repo = repository::open_sqlite_repository(dir.path(), true);

  SUBCASE("a run reads back whole: results, attachments, workers, resources, metadata")
  {
    auto writer = repo->begin_run({at(100.0), "load:a.subunit", {{"seed", "42"}}});
    writer->add_result(make_result("pkg.test_a", Status::Success, "worker-0", 0, 5.0, 1.0));
    writer->add_result(make_result("pkg.test_c", Status::Skip, "worker-1", 0, 5.0, 0.0));
    writer->add_result(failing_result());
    writer->set_worker(full_worker());
    writer->set_metadata("command", "python -m unittest");
    writer->set_duration(12.5);
    writer->set_state(model::RunState::Interrupted);
    const model::RunId id = writer->commit();

    const auto summary = repo->run_summary(id);
    REQUIRE(summary.has_value());
    CHECK(summary->started == at(100.0));
    CHECK(summary->source == "load:a.subunit");
    CHECK(summary->duration_seconds == doctest::Approx(12.5));
    CHECK(summary->state == model::RunState::Interrupted);
    CHECK(summary->counts.total == 3);
    CHECK(summary->counts.passed == 1);
    CHECK(summary->counts.failed == 1);
    CHECK(summary->counts.skipped == 1);
    CHECK(summary->metadata == std::map<std::string, std::string>{{"command", "python -m unittest"}, {"seed", "42"}});

    const auto results = repo->results(id, true);
    REQUIRE(results.size() == 3);
    // worker-0 was seen first, so its results come first, in sequence order.
    CHECK(results[0].test_id == "pkg.test_a");
    CHECK(results[1].test_id == "pkg.test_b");
    CHECK(results[2].test_id == "pkg.test_c");
    const auto expected = failing_result();
    CHECK(results[1].status == Status::Fail);
    CHECK(results[1].start == expected.start);
    CHECK(results[1].stop == expected.stop);
    CHECK(results[1].tags == expected.tags);
    CHECK(results[1].rss_before_bytes == 1000);
    CHECK(results[1].rss_after_bytes == 5000);
    REQUIRE(results[1].attachments.size() == 2);
    CHECK(results[1].attachments[0].name == "traceback");
    CHECK(results[1].attachments[0].mime_type == expected.attachments[0].mime_type);
    CHECK(results[1].attachments[0].bytes == expected.attachments[0].bytes);
    CHECK(results[1].attachments[1].bytes == "hi");
    CHECK_FALSE(results[0].rss_before_bytes.has_value());
    CHECK(results[0].tags.empty());
    CHECK(repo->results(id, false)[1].attachments.empty());

    const auto workers = repo->workers(id);
    REQUIRE(workers.size() == 2);
    CHECK(workers[0].name == "worker-0");
    CHECK(workers[0].resources.peak_rss_bytes == 0);
    CHECK(workers[0].memory_curve.empty());
    const auto want = full_worker();
    CHECK(workers[1].name == "worker-1");
    CHECK(workers[1].resources.wall_seconds == want.resources.wall_seconds);
    CHECK(workers[1].resources.cpu_user_seconds == want.resources.cpu_user_seconds);
    CHECK(workers[1].resources.cpu_system_seconds == want.resources.cpu_system_seconds);
    CHECK(workers[1].resources.peak_rss_bytes == want.resources.peak_rss_bytes);
    CHECK(workers[1].resources.exit_code == 1);
    CHECK(workers[1].resources.signal == 9);
    CHECK(workers[1].resources.killed_by_us);
    CHECK_FALSE(workers[1].resources.timed_out);
    CHECK(workers[1].resources.oom_killed);
    CHECK(workers[1].resources.memory_limit_method == "cgroup");
    CHECK(workers[1].resources.in_progress_test == "pkg.test_hog");
    REQUIRE(workers[1].memory_curve.size() == 3);
    CHECK(workers[1].memory_curve[1].seconds == 0.25);
    CHECK(workers[1].memory_curve[2].rss_bytes == 123456789);
  }

  SUBCASE("large attachments are stored compressed and repeated names are interned")
  {
    auto writer = repo->begin_run({at(0.0), "test", {}});
    auto one = failing_result();
    auto two = failing_result();
    two.test_id = "pkg.other";
    writer->add_result(one);
    writer->add_result(two);
    writer->commit();
    SQLite::Database db(repository::repository_file(dir.path()).string());
    CHECK(db.execAndGet("SELECT count(*) FROM strings").getInt() == 4);
    SQLite::Statement query(db, "SELECT encoding, length(bytes), size FROM attachments ORDER BY id LIMIT 1");
    REQUIRE(query.executeStep());
    CHECK(query.getColumn(0).getInt() == 1);
    CHECK(query.getColumn(1).getInt() < query.getColumn(2).getInt() / 10);
  }

  SUBCASE("an attachment whose interned name is missing is reported, not dropped")
  {
    const auto id = write_run(*repo, {failing_result()});
    REQUIRE(repo->failing(id).at(0).attachments.size() == 2);
    {
      SQLite::Database db(repository::repository_file(dir.path()).string(), SQLite::OPEN_READWRITE);
      db.exec("DELETE FROM strings WHERE text = 'stdout'");
    }
    CHECK_THROWS_AS((void)repo->failing(id), util::RepositoryError);
  }

  SUBCASE("many interleaved results come back per worker in sequence order")
  {
    std::vector<model::TestResult> results;
    for (int i = 0; i < 1000; ++i) {
      results.push_back(
          make_result("t" + std::to_string(i), Status::Success, "worker-" + std::to_string(i % 3), i / 3));
    }
    const auto id = write_run(*repo, results);
    const auto stored = repo->results(id, false);
    REQUIRE(stored.size() == 1000);
    CHECK(stored[0].test_id == "t0");
    CHECK(stored[1].test_id == "t3");
    CHECK(stored[333].test_id == "t999");
    CHECK(stored[334].test_id == "t1");
    CHECK(stored[999].test_id == "t998");
    CHECK(repo->run_summary(id)->counts.total == 1000);
  }

  SUBCASE("test ids are interned once across runs")
  {
    write_run(*repo, {make_result("a", Status::Success, "w", 0), make_result("b", Status::Success, "w", 1)});
    write_run(*repo, {make_result("b", Status::Success, "w", 0), make_result("c", Status::Success, "w", 1)});
    SQLite::Database db(repository::repository_file(dir.path()).string());
    CHECK(db.execAndGet("SELECT count(*) FROM tests").getInt() == 3);
  }

  SUBCASE("a writer destroyed without commit leaves the repository as it was")
  {
    const auto first = write_run(*repo, {make_result("a", Status::Success, "w", 0)});
    {
      auto writer = repo->begin_run({at(1.0), "abandoned", {}});
      writer->add_result(make_result("new.test", Status::Fail, "w", 0));
      writer->set_worker(full_worker());
    }
    CHECK(repo->list_runs().size() == 1);
    CHECK(repo->latest_run() == first);
    SQLite::Database db(repository::repository_file(dir.path()).string());
    CHECK(db.execAndGet("SELECT count(*) FROM tests").getInt() == 1);
    CHECK(db.execAndGet("SELECT count(*) FROM workers").getInt() == 1);
    CHECK(db.execAndGet("SELECT count(*) FROM worker_order").getInt() == 1);
    CHECK(db.execAndGet("SELECT count(*) FROM results").getInt() == 0);  // the abandoned failure's row went
  }

  SUBCASE("an exception in the middle of an import rolls it back")
  {
    const auto import = [&] {
      auto writer = repo->begin_run({at(1.0), "load:broken", {}});
      for (int i = 0; i < 1000; ++i) {
        writer->add_result(make_result("t" + std::to_string(i), Status::Success, "w", i));
      }
      throw std::runtime_error("truncated stream");
    };
    CHECK_THROWS_AS(import(), std::runtime_error);
    CHECK(repo->list_runs().empty());
    SQLite::Database db(repository::repository_file(dir.path()).string());
    CHECK(db.execAndGet("SELECT count(*) FROM results").getInt() == 0);
    CHECK(db.execAndGet("SELECT count(*) FROM worker_order").getInt() == 0);
    CHECK(db.execAndGet("SELECT count(*) FROM worker_results").getInt() == 0);
    CHECK(db.execAndGet("SELECT count(*) FROM tests").getInt() == 0);
    // The write lock was released: the next import goes through.
    CHECK(write_run(*repo, {make_result("a", Status::Success, "w", 0)}) > 0);
  }

  SUBCASE("a row SQLite refuses in the middle of a batch fails the run, and nothing of it stays")
  {
    // The run's rows go in batches with INSERT OR FAIL: the rows of the batch before the refused
    // one are written, and must go with the rest of the run when its transaction rolls back.
    const auto first = write_run(*repo, {make_result("a", Status::Success, "w", 0)});
    {
      SQLite::Database db(repository::repository_file(dir.path()).string(), SQLite::OPEN_READWRITE);
      db.exec("CREATE TRIGGER refuse BEFORE INSERT ON tests WHEN NEW.name = 't700' "
              "BEGIN SELECT RAISE(FAIL, 'refused'); END");
    }
    const auto import = [&] {
      auto writer = repo->begin_run({at(1.0), "load:refused", {}});
      for (int i = 0; i < 2000; ++i) {
        writer->add_result(make_result("t" + std::to_string(i), Status::Success, "w", i));
      }
      writer->commit();
    };
    CHECK_THROWS_AS(import(), util::RepositoryError);
    CHECK(repo->list_runs().size() == 1);
    CHECK(repo->latest_run() == first);
    SQLite::Database db(repository::repository_file(dir.path()).string(), SQLite::OPEN_READWRITE);
    CHECK(db.execAndGet("SELECT count(*) FROM worker_order").getInt() == 1);
    CHECK(db.execAndGet("SELECT count(*) FROM tests").getInt() == 1);
    CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
    db.exec("DROP TRIGGER refuse");
    CHECK(write_run(*repo, {make_result("b", Status::Success, "w", 0)}) > first);
  }

  SUBCASE("a committed writer refuses further writes")
  {
    auto writer = repo->begin_run({at(1.0), "x", {}});
    writer->commit();
    CHECK_THROWS_AS(writer->add_result(make_result("a", Status::Success, "w", 0)), util::RepositoryError);
    CHECK_THROWS_AS(writer->commit(), util::RepositoryError);
  }
}

TEST_CASE("repository::RunWriter test names")
{
  test::TempDir dir;
  auto repo = repository::open_sqlite_repository(dir.path(), true);
  const auto name = [](int i) { return "pkg.test_" + std::to_string(i); };

  SUBCASE("new names over several batches, repeated in a run and across runs, keep one id each")
  {
    // 300 names (more than one 128-row batch), each run twice in the first run.
    std::vector<model::TestResult> first;
    for (int i = 0; i < 600; ++i) {
      first.push_back(make_result(name(i % 300), Status::Success, "worker-0", i));
    }
    const model::RunId a = write_run(*repo, first);
    // Half known names, half new ones.
    std::vector<model::TestResult> second;
    for (int i = 150; i < 450; ++i) {
      second.push_back(make_result(name(i), Status::Fail, "worker-0", i - 150));
    }
    const model::RunId b = write_run(*repo, second, 10.0);

    const auto order_a = repo->worker_order(a, "worker-0");
    REQUIRE(order_a.size() == 600);
    CHECK(order_a[0] == name(0));
    CHECK(order_a[299] == name(299));
    CHECK(order_a[300] == name(0));
    CHECK(order_a[599] == name(299));
    const auto order_b = repo->worker_order(b, "worker-0");
    REQUIRE(order_b.size() == 300);
    CHECK(order_b.front() == name(150));
    CHECK(order_b.back() == name(449));

    CHECK(repo->history().test_history(name(0)).size() == 2);
    CHECK(repo->history().test_history(name(200)).size() == 3);
    CHECK(repo->history().test_history(name(400)).size() == 1);
  }
  SUBCASE("a run looks known names up one by one, then caches them all, keeping the ids met so far")
  {
    std::vector<model::TestResult> known;
    for (int i = 0; i < 3200; ++i) {
      known.push_back(make_result(name(i), Status::Success, "worker-0", i));
    }
    write_run(*repo, known);
    // 150 new names (a 128-row batch reaches the table), 300 known ones (the cache is filled
    // after 3200 / 16 lookups), the 150 new names again, then 10 more new ones.
    std::vector<model::TestResult> run;
    const auto add = [&](const std::string& test) {
      run.push_back(make_result(test, Status::Success, "worker-0", static_cast<int>(run.size())));
    };
    for (int i = 0; i < 150; ++i) {
      add("new.test_" + std::to_string(i));
    }
    for (int i = 1000; i < 1300; ++i) {
      add(name(i));
    }
    for (int i = 0; i < 160; ++i) {
      add("new.test_" + std::to_string(i));
    }
    write_run(*repo, run, 10.0);
    SQLite::Database db((dir.path() / "bisectr.db").string(), SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("SELECT count(*) FROM tests").getInt() == 3200 + 160);
    CHECK(repo->history().test_history("new.test_0").size() == 2);
    CHECK(repo->history().test_history("new.test_149").size() == 2);
    CHECK(repo->history().test_history("new.test_155").size() == 1);
    CHECK(repo->history().test_history(name(1000)).size() == 2);
    CHECK(repo->history().test_history(name(1299)).size() == 2);
    CHECK(repo->history().test_history(name(2000)).size() == 1);
  }
}

TEST_CASE("repository: closing leaves small WALs and folds large ones back")
{
  test::TempDir dir;
  const auto wal = dir / "repo" / "bisectr.db-wal";
  const auto wal_bytes = [&] { return std::filesystem::exists(wal) ? std::filesystem::file_size(wal) : 0; };
  {
    auto repo = repository::open_sqlite_repository(dir / "repo", true);
    write_run(*repo, {make_result("pkg.test_a", Status::Success, "worker-0", 0, 1.0, 0.5)});
  }
  // One small run stays in the WAL (no checkpoint and its fsyncs at close)...
  const auto small = wal_bytes();
  CHECK(small > 0);
  CHECK(small <= repository::k_checkpoint_wal_bytes);
  {
    // ...and the next process sees it.
    auto repo = repository::open_sqlite_repository(dir / "repo", false);
    CHECK(repo->list_runs().size() == 1);
    // A run that pushes the WAL past the threshold is folded into the database at close.
    std::vector<model::TestResult> results;
    for (int i = 0; i < 5000; ++i) {
      results.push_back(make_result("pkg.test_" + std::to_string(i) + repeated("x", 100), Status::Success, "worker-0", i,
                                    1.0 + i, 0.5));
    }
    write_run(*repo, results);
    CHECK(wal_bytes() > repository::k_checkpoint_wal_bytes);
  }
  // Folded back and emptied: the file keeps its blocks (it is under k_kept_wal_bytes), but its
  // header no longer holds the WAL magic number, so it holds no frame.
  const auto kept = wal_bytes();
  CHECK(kept > repository::k_checkpoint_wal_bytes);
  CHECK(kept < repository::k_kept_wal_bytes);
  CHECK_FALSE(repository::detail::wal_longer_than(wal, 0));
  {
    std::ifstream file(wal, std::ios::binary);
    std::array<char, 32> header{};
    REQUIRE(file.read(header.data(), header.size()));
    CHECK(header == std::array<char, 32>{});
  }
  {
    // SQLite's own VFS finds everything in the database file.
    SQLite::Database plain((dir / "repo" / "bisectr.db").string(), SQLite::OPEN_READONLY);
    CHECK(plain.execAndGet("SELECT count(*) FROM runs").getInt() == 2);
    CHECK(plain.execAndGet("SELECT count(*) FROM tests").getInt() == 5001);
  }
  auto repo = repository::open_sqlite_repository(dir / "repo", false);
  CHECK(repo->list_runs().size() == 2);
  CHECK(repo->run_summary(2)->counts.total == 5000);
  // The next write starts a generation at the start of the file, over the old frames.
  write_run(*repo, {make_result("pkg.test_b", Status::Success, "worker-0", 0, 1.0, 0.5)});
  CHECK(repository::detail::wal_longer_than(wal, 0));
  CHECK_FALSE(repository::detail::wal_longer_than(wal, 16 * (repository::k_page_size + 24)));
  CHECK(wal_bytes() == kept);
  auto other = repository::open_sqlite_repository(dir / "repo", false);
  CHECK(other->list_runs().size() == 3);
  CHECK(other->run_summary(2)->counts.total == 5000);
  SQLite::Database db((dir / "repo" / "bisectr.db").string(), SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
}
