#include "bisectr/repository/repository.hpp"
#include "bisectr/util/error.hpp"
#include "fakes/temp_dir.hpp"
#include "test_repository_support.hpp"

#include <atomic>
#include <doctest/doctest.h>
#include <thread>

using namespace bisectr;
using bisectr::test::at;
using bisectr::test::make_result;
using bisectr::test::write_run;
using model::Status;

TEST_CASE("repository::two_connections")
{
  test::TempDir dir;
  auto writer_repo = repository::open_sqlite_repository(dir.path(), true);
  auto reader_repo = repository::open_sqlite_repository(dir.path(), false);
  const auto first = write_run(*writer_repo, {make_result("a", Status::Success, "w", 0)});

  SUBCASE("a reader sees the last committed state while a run is being written")
  {
    auto writer = writer_repo->begin_run({at(5.0), "run", {}});
    for (int i = 0; i < 100; ++i) {
      writer->add_result(make_result("t" + std::to_string(i), Status::Fail, "w", i));
    }
    CHECK(reader_repo->list_runs().size() == 1);
    CHECK(reader_repo->latest_run() == first);
    const auto second = writer->commit();
    CHECK(reader_repo->latest_run() == second);
    CHECK(reader_repo->failing(second).size() == 100);
  }

  SUBCASE("a second writer waits, then fails with 'repository busy' after its timeout")
  {
    repository::SqliteOptions quick;
    quick.busy_timeout = std::chrono::milliseconds(100);
    auto impatient = repository::open_sqlite_repository(dir.path(), false, quick);
    auto writer = writer_repo->begin_run({at(5.0), "run", {}});
    const auto started = std::chrono::steady_clock::now();
    try {
      (void)impatient->begin_run({at(6.0), "other", {}});
      FAIL("expected RepositoryError");
    } catch (const util::RepositoryError& error) {
      CHECK(std::string(error.what()).find("repository busy") == 0);
    }
    CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(90));
    writer.reset();
    CHECK(impatient->begin_run({at(6.0), "other", {}})->commit() > first);
  }
}

TEST_CASE("repository::concurrent_writers")
{
  test::TempDir dir;
  (void)repository::open_sqlite_repository(dir.path(), true);
  constexpr int k_threads = 2;
  constexpr int k_runs = 5;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < k_threads; ++t) {
    threads.emplace_back([&, t] {
      try {
        auto repo = repository::open_sqlite_repository(dir.path(), false);
        for (int r = 0; r < k_runs; ++r) {
          auto writer = repo->begin_run({at(r), "thread-" + std::to_string(t), {}});
          for (int i = 0; i < 200; ++i) {
            writer->add_result(make_result("t" + std::to_string(i), Status::Success, "w", i));
          }
          writer->commit();
        }
      } catch (const std::exception&) {
        ++failures;
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  CHECK(failures.load() == 0);
  auto repo = repository::open_sqlite_repository(dir.path(), false);
  const auto runs = repo->list_runs();
  CHECK(runs.size() == k_threads * k_runs);
  for (const auto& run : runs) {
    CHECK(run.counts.total == 200);
    CHECK(repo->results(run.id, false).size() == 200);
  }
}
