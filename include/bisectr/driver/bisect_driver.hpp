#pragma once

#include "bisectr/bisect/engine.hpp"
#include "bisectr/bisect/verdict.hpp"
#include "bisectr/config/runner_config.hpp"
#include "bisectr/driver/session_config.hpp"
#include "bisectr/executor/process_runner.hpp"
#include "bisectr/repository/repository.hpp"
#include "bisectr/repository/session_store.hpp"
#include "bisectr/util/clock.hpp"

#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

namespace bisectr::driver {

/// Opens a fresh connection to the repository (each trial thread writes through its own).
using RepositoryFactory = std::function<std::unique_ptr<repository::Repository>()>;

/// The side effects a session needs, passed in so tests can use fakes.
struct Services {
  RepositoryFactory open_repository;
  executor::ProcessRunner* processes = nullptr;
  const util::Clock* clock = nullptr;
};

/// How a session ended.
struct Outcome {
  repository::SessionId session = 0;
  bisect::Verdict verdict;
  bool interrupted = false;               ///< stopped by the stop token (Ctrl-C); resumable
  bool out_of_time = false;               ///< --max-duration reached; resumable
  std::vector<std::string> culprit_ids;   ///< the verdict's culprits as test ids
  std::vector<std::string> suspect_ids;   ///< the leading suspects' ids (first member of each), most probable first
};

/// Called after every completed trial with the engine's snapshot and the session's wall time.
using ProgressHandler = std::function<void(const bisect::Progress& progress, double elapsed_seconds)>;

/// Stores a new session (kind "bisect", status "created") and returns its id.
repository::SessionId create_session(repository::Repository& repository, const SessionConfig& config);

/// Runs a stored session (new or interrupted) to a verdict, the budget, or a stop request. Each
/// trial runs its subset + victim in one worker through the trial runner, repeatedly until the
/// oracle says it reproduced or the trial's run budget is spent; the K trials of a round run in
/// parallel. After every trial the session state is saved, so a crash loses only trials in flight.
Outcome run_session(const Services& services, const config::RunnerConfig& runner, repository::SessionId id,
                    std::stop_token stop, const ProgressHandler& on_progress);

/// The outcome an engine's state stands for: its verdict with culprits and suspects as test ids;
/// interrupted when the engine is not done.
Outcome outcome_of(const SessionConfig& config, repository::SessionId id, const bisect::Engine& engine);

/// The engine's status word for a stored session ("running", "found", ...).
std::string status_word(const Outcome& outcome);

} // namespace bisectr::driver
