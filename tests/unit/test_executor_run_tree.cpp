#include "bisectr/executor/run_tree.hpp"

#include "bisectr/executor/proc_fs.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <csignal>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

namespace bisectr::executor {

namespace {

// Spawns `sh -c script` as its own process group leader, with the marker in its environment.
pid_t spawn_group(const std::string& script, const std::string& marker)
{
  posix_spawnattr_t attr;
  ::posix_spawnattr_init(&attr);
  ::posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  ::posix_spawnattr_setpgroup(&attr, 0);
  std::string sh = "/bin/sh";
  std::string dash_c = "-c";
  std::string body = script;
  char* argv[] = {sh.data(), dash_c.data(), body.data(), nullptr};
  std::string env_entry = marker;
  char* envp[] = {env_entry.data(), nullptr};
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, "/bin/sh", nullptr, &attr, argv, envp);
  ::posix_spawnattr_destroy(&attr);
  REQUIRE(rc == 0);
  return pid;
}

} // namespace

TEST_CASE("executor::RunTree")
{
  const std::string marker = "BISECTR_RUN_MARKER=test-" + std::to_string(::getpid());
  RunTree tree(nullptr, marker);
  CHECK(tree.containment() == "process-tree");
  const pid_t root = spawn_group("/bin/sleep 30 & /bin/sleep 30 & wait", marker);
  tree.set_root(root);

  SUBCASE("sample_rss finds the descendants")
  {
    std::vector<pid_t> members;
    for (int i = 0; i < 100 && members.size() < 3; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      CHECK(tree.sample_rss() > 0);
      members = tree.members();
    }
    CHECK(members.size() == 3);
    CHECK(std::find(members.begin(), members.end(), root) != members.end());
  }
  SUBCASE("kill_all leaves nobody alive but the unreaped root")
  {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    tree.sample_rss();
    const std::vector<pid_t> members = tree.members();
    tree.kill_all();
    for (const pid_t pid : members) {
      if (pid != root) {
        CHECK_FALSE(is_alive(pid));
      }
    }
  }
  ::kill(-root, SIGKILL);
  ::waitpid(root, nullptr, 0);
}

} // namespace bisectr::executor
