#pragma once

#include "bisectr/model/run.hpp"
#include "bisectr/repository/repository.hpp"
#include "bisectr/scheduler/suite_runner.hpp"
#include "bisectr/scheduler/worker_job.hpp"

#include <map>
#include <string>
#include <vector>

namespace bisectr::scheduler {

/// Everything about a finished run that gets recorded.
struct FinishedRun {
  repository::NewRun header;       ///< start time, source, metadata
  std::vector<WorkerRun> workers;  ///< in worker order
  double duration_seconds = 0.0;
  bool interrupted = false;
};

/// Writes the run in one transaction (results worker by worker in execution order, each
/// worker's resources, state, duration, a "problem.<worker>" metadata entry per worker problem)
/// and returns the outcome built from it, results moved in.
RunOutcome record_run(repository::Repository& repository, FinishedRun run);

/// Counts results the way testr/stestr count them (xfail passes; fail, error, uxsuccess fail).
model::Counts count_results(const std::vector<model::TestResult>& results);

} // namespace bisectr::scheduler
