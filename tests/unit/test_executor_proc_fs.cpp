#include "bisectr/executor/proc_fs.hpp"

#include "fakes/temp_dir.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <csignal>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace bisectr::executor {

namespace {

// A child that sleeps until killed, started without the code under test.
pid_t spawn_sleeper(std::vector<std::string> argv)
{
  std::vector<char*> raw;
  for (std::string& arg : argv) {
    raw.push_back(arg.data());
  }
  raw.push_back(nullptr);
  pid_t pid = 0;
  REQUIRE(::posix_spawn(&pid, raw[0], nullptr, nullptr, raw.data(), environ) == 0);
  return pid;
}

} // namespace

TEST_CASE("executor::read_stat")
{
  SUBCASE("our own process")
  {
    const auto stat = read_stat(::getpid());
    REQUIRE(stat);
    CHECK(stat->pid == ::getpid());
    CHECK(stat->ppid == ::getppid());
    CHECK(stat->pgid == ::getpgrp());
    CHECK(stat->session == ::getsid(0));
    CHECK(stat->state == 'R');
  }
  SUBCASE("a command name with spaces and parentheses")
  {
    // /proc/<pid>/stat shows the name in parentheses; ") 1 2 (" inside it must not confuse the parser.
    const pid_t pid = spawn_sleeper({"/usr/bin/python3", "-c",
                                     "import ctypes, time\n"
                                     "ctypes.CDLL(None).prctl(15, b'a) S 1 2 (b', 0, 0, 0)\n"
                                     "time.sleep(30)"});
    std::optional<ProcStat> stat;
    for (int i = 0; i < 200; ++i) {
      stat = read_stat(pid);
      ::usleep(10000);
      if (stat && stat->state == 'S') {
        break;
      }
    }
    REQUIRE(stat);
    CHECK(stat->ppid == ::getpid());
    CHECK(stat->pgid == ::getpgrp());
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
  SUBCASE("a process that is gone")
  {
    const pid_t pid = spawn_sleeper({"/bin/true"});
    ::waitpid(pid, nullptr, 0);
    CHECK_FALSE(read_stat(pid));
    CHECK_FALSE(is_alive(pid));
    CHECK(read_rss_bytes(pid) == 0);
  }
}

TEST_CASE("executor::is_alive")
{
  const pid_t pid = spawn_sleeper({"/bin/sleep", "30"});
  CHECK(is_alive(pid));
  ::kill(pid, SIGKILL);
  siginfo_t info{};
  ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT);
  CHECK_FALSE(is_alive(pid));  // a zombie is not alive
  ::waitpid(pid, nullptr, 0);
}

TEST_CASE("executor::read_rss_bytes")
{
  const std::int64_t rss = read_rss_bytes(::getpid());
  CHECK(rss > 1024 * 1024);
  CHECK(rss < std::int64_t{64} * 1024 * 1024 * 1024);
}

TEST_CASE("executor::list_pids")
{
  const std::vector<pid_t> pids = list_pids();
  CHECK(std::find(pids.begin(), pids.end(), ::getpid()) != pids.end());
  CHECK(std::find(pids.begin(), pids.end(), 1) != pids.end());
}

TEST_CASE("executor::environ_contains")
{
  const char* path = std::getenv("PATH");
  REQUIRE(path != nullptr);
  CHECK(environ_contains(::getpid(), std::string("PATH=") + path));
  CHECK_FALSE(environ_contains(::getpid(), std::string("PATH=") + path + "x"));
  CHECK_FALSE(environ_contains(::getpid(), "PATH"));
}

TEST_CASE("executor::read_children")
{
  const pid_t pid = spawn_sleeper({"/bin/sleep", "30"});
  const auto children = read_children(::getpid());
  if (children) {  // kernels built without CONFIG_PROC_CHILDREN lack the file
    CHECK(std::find(children->begin(), children->end(), pid) != children->end());
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
}

TEST_CASE("executor::read_whole_file")
{
  test::TempDir dir;
  CHECK(read_whole_file((dir / "missing").c_str()).empty());
  // Sizes around the 4096-byte chunk: the whole file each time, nothing more.
  for (const std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{4095}, std::size_t{4096},
                                 std::size_t{4097}, std::size_t{10000}}) {
    std::string text;
    for (std::size_t i = 0; i < size; ++i) {
      text += static_cast<char>('a' + i % 26);
    }
    const auto path = dir / ("file-" + std::to_string(size));
    std::ofstream(path, std::ios::binary) << text;
    CHECK(read_whole_file(path.c_str()) == text);
  }
  // A procfs file, whose size stat() reports as 0.
  CHECK(read_whole_file("/proc/self/mountinfo").find(" - ") != std::string::npos);
}

} // namespace bisectr::executor
