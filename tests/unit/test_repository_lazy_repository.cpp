#include "bisectr/repository/lazy_repository.hpp"
#include "bisectr/util/error.hpp"
#include "fakes/temp_dir.hpp"
#include "test_repository_support.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>

using namespace bisectr;

TEST_CASE("repository::LazyRepository")
{
  test::TempDir dir;
  std::atomic<int> calls{0};
  std::thread::id opened_on;
  int failures_left = 0;
  auto opener = [&]() -> std::unique_ptr<repository::Repository> {
    ++calls;
    opened_on = std::this_thread::get_id();
    if (failures_left > 0) {
      --failures_left;
      throw util::RepositoryError("repository busy");
    }
    return repository::open_sqlite_repository(dir.path(), true);
  };

  SUBCASE("get() opens it once, on the caller's thread")
  {
    repository::LazyRepository lazy(opener);
    CHECK_FALSE(lazy.is_open());
    CHECK(lazy.get().list_runs().empty());
    CHECK(&lazy.get() == &lazy.get());
    CHECK(lazy.is_open());
    CHECK(calls == 1);
    CHECK(opened_on == std::this_thread::get_id());
  }
  SUBCASE("open_in_background() opens it on another thread; get() waits for it")
  {
    repository::LazyRepository lazy(opener);
    lazy.open_in_background();
    lazy.open_in_background();  // already opening: nothing more
    test::write_run(lazy.get(), {test::make_result("pkg.test_a", model::Status::Success, "worker-0", 0, 1.0, 0.5)});
    CHECK(calls == 1);
    CHECK(opened_on != std::this_thread::get_id());
    CHECK(lazy.get().list_runs().size() == 1);
  }
  SUBCASE("an error on the background thread is rethrown by get(), and the next get() tries again")
  {
    failures_left = 1;
    repository::LazyRepository lazy(opener);
    lazy.open_in_background();
    CHECK_THROWS_WITH_AS(lazy.get(), "repository busy", util::RepositoryError);
    CHECK_FALSE(lazy.is_open());
    CHECK(lazy.get().list_runs().empty());
    CHECK(calls == 2);
  }
  SUBCASE("destroying it waits for an opening still running")
  {
    std::atomic<bool> finished{false};
    {
      repository::LazyRepository lazy([&]() -> std::unique_ptr<repository::Repository> {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        auto repo = repository::open_sqlite_repository(dir.path(), true);
        finished = true;
        return repo;
      });
      lazy.open_in_background();
    }
    CHECK(finished);
  }
  SUBCASE("a repository given open is used as is")
  {
    auto open = repository::open_sqlite_repository(dir.path(), true);
    repository::LazyRepository lazy(*open);
    CHECK(lazy.is_open());
    lazy.open_in_background();
    CHECK(&lazy.get() == open.get());
    CHECK(calls == 0);
  }
}
