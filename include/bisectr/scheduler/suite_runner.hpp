#pragma once

#include "bisectr/config/runner_config.hpp"
#include "bisectr/executor/process_runner.hpp"
#include "bisectr/model/run.hpp"
#include "bisectr/model/test_result.hpp"
#include "bisectr/repository/lazy_repository.hpp"
#include "bisectr/repository/repository.hpp"
#include "bisectr/scheduler/worker_job.hpp"
#include "bisectr/util/clock.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

namespace bisectr::scheduler {

/// One completed test as it is reported during a run (calls are serialised, from worker threads).
struct TestProgress {
  const model::TestResult* result = nullptr;  ///< valid during the call only
  std::size_t done = 0;                       ///< results completed so far in this run, all workers
  std::size_t total = 0;                      ///< tests planned, 0 when the suite was run whole without listing
};

/// How to run the suite; the defaults run the whole suite as the config says.
struct RunOptions {
  std::size_t parallel = 0;                           ///< workers; 0 = the config's parallel
  std::optional<std::vector<std::string>> ids;        ///< run exactly these ids (load-list); nullopt = list the suite
  bool failing_only = false;                          ///< run the failing tests of the latest run (ignored when ids is set)
  std::optional<std::uint64_t> seed;                  ///< shuffle each worker's order with this seed
  std::vector<std::string> extra_args;                ///< appended to every run command
  std::optional<std::chrono::milliseconds> timeout;   ///< per worker; nullopt = the config's timeout
  std::int64_t memory_limit_bytes = 0;                ///< per worker tree; 0 = none
  std::chrono::milliseconds sample_interval{50};      ///< memory sampling period
  std::string source = "run";                         ///< the recorded run's source
  std::map<std::string, std::string> metadata;        ///< extra metadata recorded with the run
  std::map<std::string, std::string> env;             ///< added to every worker's environment (after the config's)
  std::function<void(const TestProgress&)> on_progress;  ///< called per completed test; may be empty
};

/// A failing test of a run and the worker that ran it.
struct FailingTest {
  std::string test_id;
  std::string worker;
  model::Status status = model::Status::Fail;
};

/// What a run did; the run itself is in the repository under run_id.
struct RunOutcome {
  bool ran = false;                             ///< false when there was nothing to run (failing_only with no failures)
  model::RunId run_id = 0;
  model::Counts counts;
  std::vector<FailingTest> failing;             ///< in worker order, then execution order
  std::vector<model::WorkerInfo> workers;       ///< resources per worker (memory curves left out)
  std::vector<model::TestResult> results;       ///< every result, worker by worker (attachments included)
  bool interrupted = false;                     ///< stopped by the stop token; recorded as RunState::Interrupted
  std::optional<std::uint64_t> seed;            ///< the shuffle seed used, if shuffled
  double duration_seconds = 0.0;
  std::map<std::string, std::string> problems;  ///< worker -> why its part is not trustworthy (killed, bad stream, no results)

  /// True when the run completed with no failing test and no worker problem.
  bool passed() const { return ran && !interrupted && failing.empty() && problems.empty(); }
};

/// Serialises progress reports from the worker threads and counts completed tests.
class ProgressRelay
{
public:
  ProgressRelay(std::function<void(const TestProgress&)> sink, std::size_t total) : m_sink(std::move(sink)), m_total(total) {}
  /// True when somebody listens.
  bool active() const { return static_cast<bool>(m_sink); }
  /// Reports one completed result; safe from several threads.
  void report(const model::TestResult& result)
  {
    const std::lock_guard lock(m_mutex);
    m_sink(TestProgress{&result, ++m_done, m_total});
  }

private:
  std::function<void(const TestProgress&)> m_sink;
  std::size_t m_total = 0;
  std::size_t m_done = 0;
  std::mutex m_mutex;
};

/// Runs a test suite over parallel workers, one process tree each, parses each worker's stream
/// as it arrives, and records the whole run in one repository transaction. A runner's exit code
/// is not the verdict: statuses come from the stream. A test that was in progress when its worker
/// was killed for memory or time (or died on a signal, or exited early) is recorded as error with
/// a "bisectr" attachment saying why, so the failure is visible and countable; a test cut short by
/// a stop request is only named as in progress (Resources::in_progress_test).
class SuiteRunner
{
public:
  /// The collaborators must outlive the runner.
  SuiteRunner(const config::RunnerConfig& config, executor::ProcessRunner& processes, repository::Repository& repository,
              const util::Clock& clock);
  /// As above, with a repository opened on first need: a run with one worker and nothing to read
  /// first (the whole suite, or --load-list) opens it while the worker's process starts.
  SuiteRunner(const config::RunnerConfig& config, executor::ProcessRunner& processes,
              repository::LazyRepository& repository, const util::Clock& clock);
  /// Runs the suite once and records it; throws util::Error when the list command fails, nothing is
  /// listed, or a worker cannot start (nothing is recorded then).
  RunOutcome run(const RunOptions& options, std::stop_token stop);

  /// The ids a run covers; whole_suite means the suite's own all-tests command, unlisted.
  struct Selection {
    std::vector<std::string> ids;
    bool whole_suite = false;
    bool nothing = false;  ///< failing_only and no failing test
  };

private:
  Selection select(const RunOptions& options, std::size_t parallel, std::stop_token stop) const;
  WorkerSettings make_settings(const RunOptions& options, const Selection& selection, ProgressRelay& relay) const;

  const config::RunnerConfig& m_config;
  executor::ProcessRunner& m_processes;
  std::optional<repository::LazyRepository> m_wrapped;  ///< for the constructor given an open repository
  repository::LazyRepository& m_repository;
  const util::Clock& m_clock;
};

} // namespace bisectr::scheduler
