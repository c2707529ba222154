#include "bisectr/repository/repository.hpp"
#include "fakes/temp_dir.hpp"
#include "test_repository_support.hpp"
#include "wal_fold.hpp"

#include <doctest/doctest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <array>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <fstream>
#include <string>
#include <vector>

#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/wait.h>
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

namespace {

// Read or write system calls (pread and pwrite included) this process has made so far, from
// /proc/self/io: `counter` is "syscr:" or "syscw:".
long io_calls(const std::string& counter)
{
  std::ifstream io("/proc/self/io");
  std::string key;
  long value = 0;
  while (io >> key >> value) {
    if (key == counter) {
      return value;
    }
  }
  FAIL("no " << counter << " in /proc/self/io");
  return 0;
}

long write_calls()
{
  return io_calls("syscw:");
}

// `count` results of new tests with long names, spread over two workers.
std::vector<model::TestResult> many_results(int count, const std::string& prefix)
{
  std::vector<model::TestResult> results;
  for (int i = 0; i < count; ++i) {
    const std::string worker = "worker-" + std::to_string(i % 2);
    results.push_back(make_result(prefix + ".module_" + std::to_string(i % 97) + ".TestSomething.test_case_number_" +
                                      std::to_string(i),
                                  i % 50 == 0 ? Status::Fail : Status::Success, worker, i / 2, i * 0.01, 0.005));
  }
  return results;
}

std::string integrity(const std::filesystem::path& dir)
{
  SQLite::Database db(repository::repository_file(dir).string(), SQLite::OPEN_READONLY);
  return db.execAndGet("PRAGMA integrity_check").getString();
}

} // namespace

TEST_CASE("repository: a run's WAL frames reach the file in a few large writes, and are read back so")
{
  test::TempDir dir;
  std::unique_ptr<repository::Repository> repo = repository::open_sqlite_repository(dir.path(), true);
  write_run(*repo, many_results(10, "warm"));
  const auto wal = dir.path() / "bisectr.db-wal";
  const long before = write_calls();
  write_run(*repo, many_results(20000, "pkg"), 1.0);
  const long calls = write_calls() - before;
  // Every frame is a 24-byte header and a page, each of which SQLite writes with a call of its
  // own; gathered, 64 KiB go in one call. The checkpoint's pages are gathered the same way.
  const auto frames = static_cast<long>(std::filesystem::file_size(wal) / (repository::k_page_size + 24));
  INFO("frames " << frames << ", write calls " << calls);
  REQUIRE(frames > 200);
  CHECK(calls < frames / 2);
  // What was written is all there, for this connection and for a new one.
  CHECK(repo->list_runs().size() == 2);
  CHECK(repo->results(2, false).size() == 20000);
  // Closing copies the long WAL back: the checkpoint reads every frame's page, in the order of
  // the frames, 64 KiB at a time.
  REQUIRE(repository::detail::wal_longer_than(wal, repository::k_checkpoint_wal_bytes));
  const long reads_before = io_calls("syscr:");
  repo.reset();
  const long reads = io_calls("syscr:") - reads_before;
  INFO("read calls at close " << reads);
  CHECK_FALSE(repository::detail::wal_longer_than(wal, 0));
  CHECK(reads < frames / 2);
  // All of it is in the database file now, for bisectr and for SQLite's own VFS.
  auto other = repository::open_sqlite_repository(dir.path(), false);
  CHECK(other->results(2, false).size() == 20000);
  CHECK(other->worker_order(2, "worker-1").size() == 10000);
  CHECK(other->worker_order(2, "worker-0").front() == many_results(1, "pkg").front().test_id);
  CHECK(integrity(dir.path()) == "ok");
  SQLite::Database plain(repository::repository_file(dir.path()).string(), SQLite::OPEN_READONLY);
  CHECK(plain.execAndGet("SELECT count(*) FROM tests").getInt() == 20010);
}

TEST_CASE("repository: a connection without bisectr's VFS reads every commit while the writer stays open")
{
  test::TempDir dir;
  auto repo = repository::open_sqlite_repository(dir.path(), true);
  SQLite::Database plain(repository::repository_file(dir.path()).string(), SQLite::OPEN_READONLY);
  for (int run = 1; run <= 3; ++run) {
    write_run(*repo, many_results(3000, "run" + std::to_string(run)), run);
    // The frames went out gathered; SQLite's own unix VFS in this connection finds them all.
    CHECK(plain.execAndGet("SELECT count(*) FROM runs").getInt() == run);
    CHECK(plain.execAndGet("SELECT count(*) FROM tests").getInt() == 3000 * run);
    CHECK(plain.execAndGet("SELECT count(*) FROM results").getInt() == 60 * run);  // the failures
  }
  CHECK(plain.execAndGet("PRAGMA integrity_check").getString() == "ok");
}

TEST_CASE("repository: a gathered write that fails fails the import, or its copy back, and leaves the repository whole")
{
  test::TempDir dir;
  {
    auto repo = repository::open_sqlite_repository(dir.path(), true);
    write_run(*repo, many_results(60000, "first"));
  }
  const auto db_bytes = std::filesystem::file_size(repository::repository_file(dir.path()));
  // Two limits on the size of any file the child writes: far below the new run's WAL (writing
  // its frames fails), and above that WAL but below the database its copy back makes (the
  // frames go in, the copy back at close fails).
  for (const std::uintmax_t extra : {std::uintmax_t{64} << 10, std::uintmax_t{2} << 20}) {
    CAPTURE(extra);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      std::signal(SIGXFSZ, SIG_IGN);  // a write past the limit fails with EFBIG instead
      const rlimit limit{db_bytes + extra, db_bytes + extra};
      int code = ::setrlimit(RLIMIT_FSIZE, &limit) == 0 ? 0 : 3;
      try {
        auto repo = repository::open_sqlite_repository(dir.path(), false);
        write_run(*repo, many_results(60000, "second"), 1.0);
        code = code == 0 ? 1 : code;  // committed
      } catch (const std::exception&) {
        code = code == 0 ? 2 : code;  // refused
      }
      std::_Exit(code);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    const bool frames_fit = extra > (std::uintmax_t{1} << 20);
    CHECK(WEXITSTATUS(status) == (frames_fit ? 1 : 2));
    // The file is whole, the run is all there (its frames in the log, not yet copied back) or
    // not at all, and the repository takes the next run.
    CHECK(integrity(dir.path()) == "ok");
    auto repo = repository::open_sqlite_repository(dir.path(), false);
    const auto runs = repo->list_runs();
    REQUIRE(runs.size() == (frames_fit ? 2U : 1U));
    for (const auto& run : runs) {
      CHECK(repo->results(run.id, false).size() == 60000);
      CHECK(repo->worker_order(run.id, "worker-0").size() == 30000);
    }
    write_run(*repo, many_results(100, "third"), 2.0);
    CHECK(repo->list_runs().size() == runs.size() + 1);
    CHECK(repo->remove_run(repo->list_runs().back().id));
  }
  CHECK(integrity(dir.path()) == "ok");
}
