#pragma once

#include "bisectr/executor/process_runner.hpp"
#include "bisectr/executor/run_tree.hpp"

#include <chrono>
#include <stop_token>

#include <sys/types.h>

namespace bisectr::executor {

/// A child just spawned in its own process group, with the parent's ends of its output pipes.
struct SpawnedChild {
  pid_t pid = 0;
  int stdout_fd = -1;                               ///< read end, owned (closed) by supervise
  int stderr_fd = -1;                               ///< read end, owned (closed) by supervise
  std::chrono::steady_clock::time_point started{};
  std::chrono::system_clock::time_point started_wall{};
  bool cgroup_limits_memory = false;                ///< memory.max holds the limit; else the sampler is the watchdog
};

/// Watches child to its end: streams its output to the spec's callbacks, samples its tree,
/// enforces timeout, memory limit and stop, kills whatever of the tree is left, and reaps it
/// with wait4; if a callback throws, the tree is killed and reaped before the exception leaves.
ProcessResult supervise(const ProcessSpec& spec, const SpawnedChild& child, RunTree& tree, std::stop_token stop);

} // namespace bisectr::executor
