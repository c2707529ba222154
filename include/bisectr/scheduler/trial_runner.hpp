#pragma once

#include "bisectr/config/runner_config.hpp"
#include "bisectr/executor/process_runner.hpp"
#include "bisectr/model/run.hpp"
#include "bisectr/model/status.hpp"
#include "bisectr/repository/repository.hpp"
#include "bisectr/util/clock.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

namespace bisectr::scheduler {

/// One bisect trial: these ids, in this order, in one worker.
struct TrialRequest {
  std::vector<std::string> ids;                      ///< the candidates to keep, then the victim (appended if absent)
  std::string victim;
  std::string session;                               ///< bisect session id, recorded as metadata bisect_session
  std::int64_t trial = 0;                            ///< trial number, recorded as metadata trial
  std::int64_t trial_run = 0;                        ///< which run of the trial this is (0, 1, ...)
  std::vector<std::string> extra_args;               ///< appended to the run command
  std::optional<std::chrono::milliseconds> timeout;  ///< nullopt = the config's timeout
  std::int64_t memory_limit_bytes = 0;               ///< 0 = none
};

/// What a trial showed about the victim.
struct TrialOutcome {
  model::RunId run_id = 0;                                  ///< the recorded run (source "bisect:<session>")
  model::Status victim_status = model::Status::Undefined;   ///< Undefined when the victim never reported
  bool worker_killed = false;                               ///< ended by a signal we did not send for a stop request (timeout, memory, crash)
  bool oom_killed = false;
  bool timed_out = false;
  std::int64_t peak_rss_bytes = 0;
  bool interrupted = false;                                 ///< stopped by the stop token
  double duration_seconds = 0.0;

  /// True when the victim's status counts as a failure (fail, error, uxsuccess).
  bool victim_failed() const { return model::is_failure(victim_status); }
};

/// Runs one trial through the suite runner's machinery (one worker, order kept, no shuffle,
/// stream parsed live) and records it as a run; throws as SuiteRunner::run does.
TrialOutcome run_trial(const config::RunnerConfig& config, executor::ProcessRunner& processes,
                       repository::Repository& repository, const util::Clock& clock, const TrialRequest& request,
                       std::stop_token stop);

} // namespace bisectr::scheduler
