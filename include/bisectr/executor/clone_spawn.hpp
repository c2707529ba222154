#pragma once

#include <sys/types.h>

namespace bisectr::executor {

/// What spawn_into_cgroup() starts: all of it prepared by the caller, since the child runs on
/// the caller's memory and may not allocate.
struct CloneSpawnRequest {
  const char* path = nullptr;        ///< the program, already found on PATH
  char* const* argv = nullptr;       ///< null-terminated
  char* const* envp = nullptr;       ///< null-terminated
  const char* cwd = nullptr;         ///< nullptr: stay in ours
  int stdin_fd = -1;
  int stdout_fd = -1;
  int stderr_fd = -1;
  int cgroup_dir_fd = -1;            ///< an open directory of the cgroup v2 the child starts in
};

struct CloneSpawnResult {
  pid_t pid = -1;       ///< > 0: a child was made (reap it even if exec_error is set)
  int exec_error = 0;   ///< errno of the child's failed chdir or exec (it exited with 127)
  int clone_error = 0;  ///< errno of clone3 itself (no child): ENOSYS etc. mean "use another launcher"
};

/// True where spawn_into_cgroup() is compiled in (x86-64 Linux); elsewhere it returns ENOSYS.
bool clone_spawn_available();

/// Starts a child directly inside a cgroup with clone3(CLONE_INTO_CGROUP | CLONE_VM |
/// CLONE_VFORK), on its own small stack, as posix_spawn does. Joining a cgroup by writing
/// cgroup.procs makes the kernel wait for an RCU grace period (measured here: ~7 ms per spawn
/// after an idle moment); starting inside it costs ~0.4 ms. The child leads its own process
/// group, gets default handling of the signals bisectr catches or ignores and an empty signal
/// mask, then execs. Returns after the child has exec'd or exited.
CloneSpawnResult spawn_into_cgroup(const CloneSpawnRequest& request);

} // namespace bisectr::executor
