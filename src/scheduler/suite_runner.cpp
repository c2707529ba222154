#include "bisectr/scheduler/suite_runner.hpp"

#include "bisectr/scheduler/partition.hpp"
#include "bisectr/scheduler/run_recorder.hpp"
#include "bisectr/scheduler/scratch_dir.hpp"
#include "bisectr/scheduler/test_lister.hpp"
#include "bisectr/scheduler/worker_command.hpp"
#include "bisectr/scheduler/worker_job.hpp"
#include "bisectr/util/error.hpp"

#include <algorithm>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>

namespace bisectr::scheduler {

namespace {

std::vector<std::string> latest_failing(const repository::Repository& repository)
{
  std::vector<std::string> ids;
  const auto latest = repository.latest_run();
  if (!latest) {
    return ids;
  }
  std::unordered_set<std::string> seen;
  for (const auto& result : repository.failing(*latest, false)) {
    if (seen.insert(result.test_id).second) {
      ids.push_back(result.test_id);
    }
  }
  return ids;
}

// Listing costs a whole start of the test runner, so a plain serial run of the whole suite
// skips it and runs the suite's own command, as the bare command would.
bool can_skip_listing(const config::RunnerConfig& config, const RunOptions& options, std::size_t parallel)
{
  return parallel == 1 && !options.seed && !config.run_all_command.empty() && config.ids == config::IdStyle::AsIs;
}

std::map<std::string, std::string> run_metadata(const config::RunnerConfig& config, const RunOptions& options,
                                                const SuiteRunner::Selection& selection, std::size_t workers)
{
  std::map<std::string, std::string> metadata = options.metadata;
  const auto& argv = selection.whole_suite ? config.run_all_command : config.run_command;
  metadata["command"] = describe_command(argv);
  metadata["parallel"] = std::to_string(workers);
  metadata["config"] = config.file.string();
  if (options.seed) {
    metadata["seed"] = std::to_string(*options.seed);
  }
  if (!options.extra_args.empty()) {
    metadata["extra_args"] = describe_command(options.extra_args);
  }
  if (options.memory_limit_bytes > 0) {
    metadata["memory_limit_bytes"] = std::to_string(options.memory_limit_bytes);
  }
  return metadata;
}

std::vector<WorkerJob> make_jobs(const config::RunnerConfig& config, const RunOptions& options, const SuiteRunner::Selection& selection,
                                 std::vector<std::vector<std::string>> lists, const std::filesystem::path& scratch)
{
  std::vector<WorkerJob> jobs;
  for (std::size_t i = 0; i < lists.size(); ++i) {
    WorkerJob job;
    job.name = "worker-" + std::to_string(i);
    job.command = make_worker_command(config, lists[i], selection.whole_suite, options.extra_args, scratch, i);
    job.ids = std::move(lists[i]);
    jobs.push_back(std::move(job));
  }
  return jobs;
}

std::vector<WorkerRun> run_jobs(const std::vector<WorkerJob>& jobs, const WorkerSettings& settings,
                                executor::ProcessRunner& processes, std::stop_token stop)
{
  if (jobs.size() == 1) {
    return {run_worker(jobs.front(), settings, processes, stop)};  // no thread to start and join
  }
  // Our own source so that a worker that cannot start stops the others before we rethrow.
  std::stop_source workers_stop;
  std::stop_callback forward(stop, [&workers_stop] { workers_stop.request_stop(); });
  std::vector<WorkerRun> runs(jobs.size());
  std::vector<std::exception_ptr> errors(jobs.size());
  {
    std::vector<std::jthread> threads;
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      threads.emplace_back([&, i] {
        try {
          runs[i] = run_worker(jobs[i], settings, processes, workers_stop.get_token());
        } catch (...) {
          errors[i] = std::current_exception();
          workers_stop.request_stop();
        }
      });
    }
  }
  for (const auto& error : errors) {
    if (error) {
      std::rethrow_exception(error);
    }
  }
  return runs;
}

} // namespace

SuiteRunner::SuiteRunner(const config::RunnerConfig& config, executor::ProcessRunner& processes,
                         repository::Repository& repository, const util::Clock& clock)
  : m_config(config), m_processes(processes), m_repository(m_wrapped.emplace(repository)), m_clock(clock)
{
}

SuiteRunner::SuiteRunner(const config::RunnerConfig& config, executor::ProcessRunner& processes,
                         repository::LazyRepository& repository, const util::Clock& clock)
  : m_config(config), m_processes(processes), m_repository(repository), m_clock(clock)
{
}

RunOutcome SuiteRunner::run(const RunOptions& options, std::stop_token stop)
{
  const auto started_wall = m_clock.wall_now();
  const auto started = m_clock.now();
  const std::size_t parallel = std::max<std::size_t>(1, options.parallel == 0 ? m_config.parallel : options.parallel);
  const Selection selection = select(options, parallel, stop);
  if (selection.nothing) {
    return RunOutcome{};
  }
  const std::size_t workers = selection.whole_suite ? 1 : std::min(parallel, selection.ids.size());
  std::vector<std::vector<std::string>> lists;
  if (workers > 0) {
    lists = partition(selection.ids, workers, workers > 1 ? m_repository.get().recent_durations() : std::map<std::string, double>{});
    if (options.seed) {
      shuffle_each(lists, *options.seed);
    }
  }
  ProgressRelay relay(options.on_progress, selection.ids.size());
  WorkerSettings settings = make_settings(options, selection, relay);
  if (workers == 1 && !m_repository.is_open()) {
    // Opening and reading the schema (~1 ms) overlaps the worker's start instead of preceding it.
    settings.on_started = [this] { m_repository.get(); };
  }
  std::optional<ScratchDir> scratch;
  if (needs_scratch(m_config, selection.whole_suite)) {
    scratch.emplace();
  }
  const auto jobs = make_jobs(m_config, options, selection, std::move(lists), scratch ? scratch->path() : std::filesystem::path());

  FinishedRun finished;
  finished.workers = stop.stop_requested() ? std::vector<WorkerRun>{} : run_jobs(jobs, settings, m_processes, stop);
  finished.header.started = model::TimePoint{std::chrono::duration_cast<std::chrono::nanoseconds>(started_wall.time_since_epoch())};
  finished.header.source = options.source;
  finished.header.metadata = run_metadata(m_config, options, selection, jobs.size());
  finished.duration_seconds = std::chrono::duration<double>(m_clock.now() - started).count();
  finished.interrupted = stop.stop_requested();
  auto outcome = record_run(m_repository.get(), std::move(finished));
  outcome.seed = options.seed;
  return outcome;
}

SuiteRunner::Selection SuiteRunner::select(const RunOptions& options, std::size_t parallel, std::stop_token stop) const
{
  Selection selection;
  if (options.ids) {
    selection.ids = *options.ids;
  } else if (options.failing_only) {
    selection.ids = latest_failing(m_repository.get());
    selection.nothing = selection.ids.empty();
    return selection;
  } else if (can_skip_listing(m_config, options, parallel)) {
    selection.whole_suite = true;
    return selection;
  } else {
    selection.ids = list_tests(m_config, m_processes, stop);
    if (selection.ids.empty() && !stop.stop_requested()) {
      throw util::Error("the list command listed no tests (" + describe_command(m_config.list_command) + ")");
    }
  }
  if (selection.ids.empty() && !stop.stop_requested()) {
    throw util::Error("no tests to run");
  }
  return selection;
}

WorkerSettings SuiteRunner::make_settings(const RunOptions& options, const Selection& selection, ProgressRelay& relay) const
{
  WorkerSettings settings;
  settings.config = &m_config;
  settings.timeout = options.timeout.value_or(m_config.timeout);
  settings.memory_limit_bytes = options.memory_limit_bytes;
  settings.sample_interval = options.sample_interval;
  settings.env = options.env;
  settings.ids = m_config.ids == config::IdStyle::Pytest ? IdMap::pytest(selection.ids) : IdMap{};
  settings.clock = &m_clock;
  if (relay.active()) {
    settings.on_result = [&relay](const model::TestResult& result) { relay.report(result); };
  }
  return settings;
}

} // namespace bisectr::scheduler
