#pragma once

#include "bisectr/model/run.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

namespace bisectr::executor {

/// What to run and how to bound it; argv is passed as is, never through a shell.
struct ProcessSpec {
  std::vector<std::string> argv{};                 ///< argv[0] is searched on PATH (env's PATH if set) if it has no '/'; the program sees the resolved path as argv[0]
  std::filesystem::path cwd{};                     ///< empty = the caller's working directory
  std::map<std::string, std::string> env{};        ///< added or overridden; the rest is inherited
  std::chrono::milliseconds timeout{0};            ///< 0 = none; then SIGTERM to the tree, SIGKILL after kill_grace
  std::chrono::milliseconds kill_grace{2000};      ///< time between SIGTERM and SIGKILL
  std::int64_t memory_limit_bytes = 0;             ///< 0 = none; cgroup memory.max where possible, else a watchdog
  std::chrono::milliseconds sample_interval{50};   ///< how often the tree's memory is sampled
  std::function<void(std::string_view)> on_stdout{}; ///< each chunk (<= 64 KiB) as it arrives, in order, on run()'s own thread (a slow callback delays sampling and timeouts); null = discard
  std::function<void(std::string_view)> on_stderr{}; ///< as on_stdout, for standard error
  /// Called once on run()'s thread right after the spawn, before any output is read or the tree
  /// sampled: work to overlap with the child's start-up. If it throws, the tree is killed and
  /// run() rethrows.
  std::function<void()> on_started{};
};

/// One memory sample of the process tree.
struct MemorySample {
  std::chrono::nanoseconds at{0};  ///< since the spawn (ProcessResult::started); the first sample is one interval in
  std::int64_t rss_bytes = 0;      ///< resident memory summed over the whole tree
};

/// How a run ended and what it used; resources.containment says how its tree was tracked.
struct ProcessResult {
  model::Resources resources{};
  std::vector<MemorySample> samples{};
  std::chrono::system_clock::time_point started{};  ///< wall-clock time of the spawn (MemorySample::at counts from it)
};

/// Runs one command to completion; implementations are thread-safe (run() may be called from many threads at once).
class ProcessRunner
{
public:
  virtual ~ProcessRunner() = default;
  /// Runs spec to the end, killing its whole tree on timeout, memory limit or stop; throws util::ProcessError naming argv[0] if it cannot start.
  virtual ProcessResult run(const ProcessSpec& spec, std::stop_token stop) = 0;
};

/// How the real runner may contain a run's process tree.
enum class Containment : unsigned char {
  Auto,         ///< a cgroup v2 per run where one can be made, else the /proc tree walk
  ProcessTree,  ///< never a cgroup: process group, /proc ppid walk and an environment marker
};

/// Options of the real runner (defaults suit production; tests force the fallbacks).
struct RunnerOptions {
  Containment containment = Containment::Auto;
  /// Start children inside their cgroup with clone3(CLONE_INTO_CGROUP) where the kernel allows;
  /// false: Boost.Process's launcher, the child joining through cgroup.procs (slower by an RCU
  /// grace period per run; kept for kernels and sandboxes that refuse clone3).
  bool clone_into_cgroup = true;
};

/// The real runner (Boost.Process spawn, POSIX process groups, wait4, /proc and cgroup v2 sampling).
std::unique_ptr<ProcessRunner> make_process_runner();
/// As make_process_runner(), with options.
std::unique_ptr<ProcessRunner> make_process_runner(const RunnerOptions& options);

} // namespace bisectr::executor
