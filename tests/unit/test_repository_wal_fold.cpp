#include "bisectr/repository/repository.hpp"
#include "fakes/temp_dir.hpp"
#include "test_repository_support.hpp"
#include "wal_fold.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace bisectr;
using bisectr::test::make_result;
using bisectr::test::write_run;
using model::Status;
using repository::detail::wal_longer_than;

namespace {

std::vector<model::TestResult> ten_results(int run)
{
  std::vector<model::TestResult> results;
  for (int i = 0; i < 10; ++i) {
    results.push_back(make_result("pkg.test_" + std::to_string(run) + "_" + std::to_string(i), Status::Success,
                                  "worker-0", i));
  }
  return results;
}

} // namespace

TEST_CASE("repository::wal_longer_than")
{
  test::TempDir dir;
  CHECK_FALSE(wal_longer_than(dir / "missing-wal", 0));
  std::ofstream(dir / "foreign") << std::string(100000, 'x');
  CHECK_FALSE(wal_longer_than(dir / "foreign", 0));
  std::ofstream(dir / "short") << "7";
  CHECK_FALSE(wal_longer_than(dir / "short", 0));

  const auto wal = dir / "repo" / "bisectr.db-wal";
  {
    auto repo = repository::open_sqlite_repository(dir / "repo", true);
    write_run(*repo, ten_results(0));
  }
  const auto size = std::filesystem::file_size(wal);
  constexpr std::uintmax_t frame = repository::k_page_size + 24;
  REQUIRE(size > frame);
  CHECK(wal_longer_than(wal, 0));
  CHECK(wal_longer_than(wal, size - frame - 1));  // the last frame still counts
  CHECK_FALSE(wal_longer_than(wal, size));
  CHECK_FALSE(wal_longer_than(wal, 100 * size));
}

TEST_CASE("repository: a write folds a long WAL back and starts it over in place")
{
  test::TempDir dir;
  const auto wal = dir / "repo" / "bisectr.db-wal";
  int runs = 0;
  {
    auto repo = repository::open_sqlite_repository(dir / "repo", true);
    while (!wal_longer_than(wal, repository::k_fold_wal_bytes)) {
      write_run(*repo, ten_results(runs++));
    }
  }
  // Closing left the log as it was (it is under k_checkpoint_wal_bytes)...
  const auto long_size = std::filesystem::file_size(wal);
  REQUIRE(long_size > repository::k_fold_wal_bytes);
  REQUIRE(long_size < repository::k_checkpoint_wal_bytes);
  {
    // ...and a new connection, which knows nothing of what was copied back, writes one run: it
    // folds the log first and writes from the start of the file, which keeps its size.
    auto repo = repository::open_sqlite_repository(dir / "repo", false);
    write_run(*repo, ten_results(runs++));
    CHECK(std::filesystem::file_size(wal) == long_size);
    CHECK(wal_longer_than(wal, 0));
    // One run's frames: fewer than 16 (a quarter of the limit when pages were 4 KiB).
    CHECK_FALSE(wal_longer_than(wal, 16 * (repository::k_page_size + 24)));
  }
  // Nothing was lost: the folded runs are in the database, the new one in the log.
  auto repo = repository::open_sqlite_repository(dir / "repo", false);
  REQUIRE(static_cast<int>(repo->list_runs().size()) == runs);
  for (int run = 1; run <= runs; ++run) {
    CHECK(repo->run_summary(run)->counts.total == 10);
  }
  CHECK(repo->worker_order(1, "worker-0").front() == "pkg.test_0_0");
  SQLite::Database db(dir / "repo" / "bisectr.db", SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
}
