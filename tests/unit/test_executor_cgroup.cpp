#include "bisectr/executor/cgroup.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include <csignal>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace bisectr::executor {

TEST_CASE("executor::Cgroup")
{
  const auto parent = Cgroup::find_parent();
  if (!parent) {
    MESSAGE("no writable cgroup v2 here: only the /proc fallback is tested");
    return;
  }
  const std::string name = "bisectr-test-" + std::to_string(::getpid());
  std::filesystem::path path;
  {
    const auto cgroup = Cgroup::create(*parent, name);
    REQUIRE(cgroup);
    path = cgroup->path();
    CHECK(std::filesystem::is_directory(path));
    CHECK(cgroup->procs_fd() >= 0);
    CHECK(cgroup->pids().empty());

    SUBCASE("holds a process and kills it")
    {
      char sleep_path[] = "/bin/sleep";
      char seconds[] = "30";
      char* argv[] = {sleep_path, seconds, nullptr};
      pid_t pid = 0;
      REQUIRE(::posix_spawn(&pid, sleep_path, nullptr, nullptr, argv, environ) == 0);
      REQUIRE(cgroup->add(pid));
      const auto pids = cgroup->pids();
      CHECK(std::find(pids.begin(), pids.end(), pid) != pids.end());
      CHECK(cgroup->kill_and_wait(std::chrono::milliseconds(1000)));
      int status = 0;
      ::waitpid(pid, &status, 0);
      CHECK(WIFSIGNALED(status));
      CHECK(WTERMSIG(status) == SIGKILL);
      CHECK(cgroup->pids().empty());
    }
    SUBCASE("memory figures are zero or real")
    {
      CHECK(cgroup->oom_kills() == 0);
      CHECK(cgroup->memory_peak() >= 0);
      if (!cgroup->has_memory_controller()) {
        MESSAGE("no memory controller in this cgroup v2: limits fall back to the watchdog");
      }
    }
  }
  CHECK_FALSE(std::filesystem::exists(path));  // removed on destruction
}

} // namespace bisectr::executor
