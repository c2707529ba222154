#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace bisectr::executor {

/// A cgroup v2 made for one run: holds its whole process tree (even processes that left the
/// process group or session), kills it at once, and caps and measures its memory when the
/// memory controller is available; removed on destruction.
class Cgroup
{
public:
  /// The cgroup v2 directory runs may be created under (our own cgroup in a writable cgroup2 mount); nullopt if none.
  static std::optional<std::filesystem::path> find_parent();
  /// Creates parent/name; nullptr if it cannot be made.
  static std::unique_ptr<Cgroup> create(const std::filesystem::path& parent, const std::string& name);
  /// Opens an existing cgroup (e.g. one a killed bisectr left behind) so that destroying it kills what it holds and removes it; nullptr if it cannot.
  static std::unique_ptr<Cgroup> open(const std::filesystem::path& path);

  ~Cgroup();
  Cgroup(const Cgroup&) = delete;
  Cgroup& operator=(const Cgroup&) = delete;

  /// The cgroup's directory.
  const std::filesystem::path& path() const { return m_path; }
  /// An O_CLOEXEC descriptor of cgroup.procs a forked child writes "0" to before exec to join.
  int procs_fd() const { return m_procs_fd; }
  /// Moves pid into the cgroup; false on failure.
  bool add(pid_t pid) const;
  /// The pids in the cgroup now.
  std::vector<pid_t> pids() const;
  /// Whether the memory controller is enabled for this cgroup (memory.max exists).
  bool has_memory_controller() const;
  /// Sets memory.max (and memory.oom.group so the kernel kills the whole tree); false if not possible.
  bool set_memory_max(std::int64_t bytes) const;
  /// memory.peak (or 0 if the kernel lacks it).
  std::int64_t memory_peak() const;
  /// memory.current (or 0 without the memory controller).
  std::int64_t memory_current() const;
  /// The oom_kill count of memory.events (0 without the memory controller).
  std::int64_t oom_kills() const;
  /// Sends sig to every process in the cgroup (SIGKILL uses cgroup.kill where the kernel has it).
  void signal_all(int sig) const;
  /// SIGKILLs everything in the cgroup and waits (up to timeout) until it is empty; true if it emptied.
  bool kill_and_wait(std::chrono::milliseconds timeout) const;

private:
  Cgroup(std::filesystem::path path, int procs_fd);
  std::int64_t read_number(const char* file) const;

  std::filesystem::path m_path;
  int m_procs_fd = -1;
};

} // namespace bisectr::executor
