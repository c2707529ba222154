#pragma once

#include "bisectr/config/runner_config.hpp"
#include "bisectr/executor/process_runner.hpp"
#include "bisectr/model/run.hpp"
#include "bisectr/model/test_result.hpp"
#include "bisectr/scheduler/id_map.hpp"
#include "bisectr/scheduler/worker_command.hpp"
#include "bisectr/util/clock.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <stop_token>
#include <string>
#include <vector>

namespace bisectr::scheduler {

/// What every worker of a run shares.
struct WorkerSettings {
  const config::RunnerConfig* config = nullptr;
  std::chrono::milliseconds timeout{0};
  std::int64_t memory_limit_bytes = 0;
  std::chrono::milliseconds sample_interval{50};
  /// Added to the config's environment; every worker also gets BISECTR_WORKER=<its name>.
  std::map<std::string, std::string> env;
  IdMap ids;
  const util::Clock* clock = nullptr;
  /// Called for each completed result; must be safe to call from several worker threads at once.
  std::function<void(const model::TestResult&)> on_result;
  /// Called right after the worker's process starts (ProcessSpec::on_started); may be empty.
  std::function<void()> on_started;
};

/// One worker of a run: its name ("worker-<i>"), its ids in run order and its command.
struct WorkerJob {
  std::string name;
  std::vector<std::string> ids;
  WorkerCommand command;
};

/// What one worker did.
struct WorkerRun {
  model::WorkerInfo info;                   ///< resources (in_progress_test filled) and memory curve
  std::vector<model::TestResult> results;   ///< in execution order, memory figures attached
  std::string problem;                      ///< why this worker's part of the run is not trustworthy, or empty
};

/// The most memory curve points kept per worker.
inline constexpr std::size_t k_max_curve_points = 2000;

/// Why a worker's end cut its test short: "timed out after 10s", "worker killed (likely out of
/// memory)", "worker killed: memory limit reached (cgroup)", "worker killed by signal 11 (SIGSEGV)";
/// empty when the worker was not killed (or killed by a stop request).
std::string worker_end_reason(const model::Resources& resources, std::chrono::milliseconds timeout);

/// Runs one worker to its end and turns its stream into results; a test left in progress by a
/// worker that died (not stopped by us) is added as an error result whose "bisectr" attachment says why.
WorkerRun run_worker(const WorkerJob& job, const WorkerSettings& settings, executor::ProcessRunner& processes,
                     std::stop_token stop);

} // namespace bisectr::scheduler
