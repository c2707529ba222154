#pragma once

#include "bisectr/executor/process_runner.hpp"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <optional>

namespace bisectr::executor {

/// The real ProcessRunner: spawns with Boost.Process into a new process group (and a cgroup v2
/// per run where one can be made), then supervises the child with POSIX calls (see supervisor.hpp).
class BoostProcessRunner final : public ProcessRunner
{
public:
  /// Looks once for a cgroup v2 parent unless options forbid cgroups.
  explicit BoostProcessRunner(const RunnerOptions& options);
  /// See ProcessRunner::run; every descendant inherits BISECTR_RUN_MARKER, which identifies it to the /proc fallback.
  ProcessResult run(const ProcessSpec& spec, std::stop_token stop) override;

private:
  ProcessResult run_once(const ProcessSpec& spec, const std::filesystem::path& exe, bool use_cgroup, std::stop_token stop);

  RunnerOptions m_options;
  std::optional<std::filesystem::path> m_cgroup_parent;
  std::atomic<bool> m_cgroups_usable{true};  ///< false once a child could not join its cgroup
  std::atomic<bool> m_clone_into_cgroup{true};  ///< false once clone3(CLONE_INTO_CGROUP) was refused
  std::atomic<std::uint64_t> m_runs{0};
};

/// The path of program: as is if it contains '/', else the first executable match in path_list (colon-separated); empty if none.
std::filesystem::path find_program(const std::string& program, const std::string& path_list);

} // namespace bisectr::executor
