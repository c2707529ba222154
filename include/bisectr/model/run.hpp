#pragma once

#include "bisectr/model/event.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bisectr::model {

using RunId = std::int64_t;

/// Resources one worker process tree used (filled by the runner; empty for imported streams).
struct Resources {
  double wall_seconds = 0.0;
  double cpu_user_seconds = 0.0;
  double cpu_system_seconds = 0.0;
  std::int64_t peak_rss_bytes = 0;        ///< peak resident memory of the whole process tree
  std::optional<int> exit_code;
  std::optional<int> signal;               ///< signal that ended the process, if any
  bool killed_by_us = false;               ///< bisectr sent the fatal signal (timeout, limit, Ctrl-C)
  bool timed_out = false;
  bool oom_killed = false;                 ///< SIGKILL bisectr did not send, or the memory limit hit
  std::string memory_limit_method;         ///< "cgroup", "watchdog" or "" when no limit
  std::string containment;                 ///< how the tree was tracked and killed: "cgroup", "process-tree" or "" (not run here)
  std::string in_progress_test;            ///< the test that had started but not ended when the stream stopped
};

/// One memory sample of a worker's process tree.
struct MemoryPoint {
  double seconds = 0.0;        ///< since the worker started
  std::int64_t rss_bytes = 0;  ///< resident memory of the whole tree
};

/// One worker of a run: its name, the resources it used, its memory curve (runner only).
struct WorkerInfo {
  std::string name;
  Resources resources;
  std::vector<MemoryPoint> memory_curve;
};

/// Counts of a run's results by outcome.
struct Counts {
  std::int64_t total = 0;
  std::int64_t passed = 0;    ///< success and xfail
  std::int64_t failed = 0;    ///< fail, error, uxsuccess
  std::int64_t skipped = 0;
};

/// How a run ended.
enum class RunState : unsigned char { Complete = 0, Interrupted = 1, Running = 2 };

/// A run's header as listed by `runs`: no results.
struct RunSummary {
  RunId id = 0;
  TimePoint started{};
  double duration_seconds = 0.0;
  std::string source;                           ///< "load:<file>", "run", "bisect:<session>"
  RunState state = RunState::Complete;
  Counts counts;
  std::map<std::string, std::string> metadata;  ///< e.g. seed, command, bisect session id
};

} // namespace bisectr::model
