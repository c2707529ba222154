#include "bisectr/scheduler/trial_runner.hpp"

#include "bisectr/scheduler/suite_runner.hpp"

#include <algorithm>

namespace bisectr::scheduler {

TrialOutcome run_trial(const config::RunnerConfig& config, executor::ProcessRunner& processes,
                       repository::Repository& repository, const util::Clock& clock, const TrialRequest& request,
                       std::stop_token stop)
{
  RunOptions options;
  options.parallel = 1;
  options.ids = request.ids;
  if (std::find(options.ids->begin(), options.ids->end(), request.victim) == options.ids->end()) {
    options.ids->push_back(request.victim);
  }
  options.extra_args = request.extra_args;
  options.timeout = request.timeout;
  options.memory_limit_bytes = request.memory_limit_bytes;
  options.source = "bisect:" + request.session;
  options.metadata = {{"bisect_session", request.session}, {"trial", std::to_string(request.trial)}, {"victim", request.victim}};
  // Lets a test command tell trials apart (a fixture's seeded draws, a scratch directory per trial).
  options.env = {{"BISECTR_BISECT_SESSION", request.session},
                 {"BISECTR_TRIAL", std::to_string(request.trial)},
                 {"BISECTR_TRIAL_RUN", std::to_string(request.trial_run)}};

  SuiteRunner runner(config, processes, repository, clock);
  const RunOutcome run = runner.run(options, stop);

  TrialOutcome outcome;
  outcome.run_id = run.run_id;
  outcome.interrupted = run.interrupted;
  outcome.duration_seconds = run.duration_seconds;
  for (const auto& result : run.results) {
    if (result.test_id == request.victim) {
      outcome.victim_status = result.status;
    }
  }
  for (const auto& worker : run.workers) {
    const auto& r = worker.resources;
    outcome.oom_killed = outcome.oom_killed || r.oom_killed;
    outcome.timed_out = outcome.timed_out || r.timed_out;
    outcome.worker_killed = outcome.worker_killed || r.oom_killed || r.timed_out || (r.signal && !r.killed_by_us);
    outcome.peak_rss_bytes = std::max(outcome.peak_rss_bytes, r.peak_rss_bytes);
  }
  return outcome;
}

} // namespace bisectr::scheduler
