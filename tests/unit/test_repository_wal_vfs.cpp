#include "bisectr/repository/repository.hpp"
#include "fakes/temp_dir.hpp"
#include "test_repository_support.hpp"

#include <doctest/doctest.h>

#include <array>
#include <filesystem>

#include <sys/inotify.h>
#include <unistd.h>

using namespace bisectr;
using bisectr::test::make_result;
using bisectr::test::write_run;
using model::Status;

namespace {

// Counts the times `dir` itself (not a file in it) is opened while `work` runs: SQLite opens a
// directory only to fsync it.
template <typename Work>
int directory_opens(const std::filesystem::path& dir, Work work)
{
  const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  REQUIRE(fd >= 0);
  REQUIRE(::inotify_add_watch(fd, dir.c_str(), IN_OPEN | IN_ONLYDIR) >= 0);
  work();
  int opens = 0;
  alignas(inotify_event) std::array<char, 65536> buffer{};
  for (;;) {
    const ssize_t got = ::read(fd, buffer.data(), buffer.size());
    if (got <= 0) {
      break;
    }
    for (ssize_t at = 0; at < got;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer.data() + at);
      if (event->len == 0 && (event->mask & IN_ISDIR) != 0) {
        ++opens;
      }
      at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
    }
  }
  ::close(fd);
  return opens;
}

void write_one(const std::filesystem::path& dir, bool create)
{
  auto repo = repository::open_sqlite_repository(dir, create);
  write_run(*repo, {make_result("pkg.test_a", Status::Success, "worker-0", 0, 1.0, 0.5)});
}

} // namespace

TEST_CASE("repository: a commit fsyncs the directory only when it created the WAL")
{
  test::TempDir dir;
  const auto repo_dir = dir / "repo";
  std::filesystem::create_directories(repo_dir);
  // Creating the repository creates its files (the rollback journal of the schema, then the
  // WAL): their directory entries must be made durable, so the directory is synced.
  CHECK(directory_opens(repo_dir, [&] { write_one(repo_dir, true); }) >= 1);
  REQUIRE(std::filesystem::exists(repo_dir / "bisectr.db-wal"));
  // Later processes find the WAL in place (closing does not checkpoint a small one): no
  // directory sync, yet every commit is there.
  CHECK(directory_opens(repo_dir, [&] { write_one(repo_dir, false); }) == 0);
  CHECK(directory_opens(repo_dir, [&] { write_one(repo_dir, false); }) == 0);
  auto repo = repository::open_sqlite_repository(repo_dir, false);
  CHECK(repo->list_runs().size() == 3);
}
