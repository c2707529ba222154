#include "bisectr/scheduler/until_failure.hpp"

#include "bisectr/scheduler/partition.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

namespace bisectr::scheduler {

namespace {

struct Tally {
  std::int64_t failures = 0;
  std::int64_t runs = 0;
};

bool counts_as_failure(const RunOutcome& run, const std::optional<std::string>& test)
{
  if (!test) {
    return !run.passed() && !run.interrupted && run.ran;
  }
  return std::any_of(run.failing.begin(), run.failing.end(), [&](const FailingTest& f) { return f.test_id == *test; });
}

void tally(std::map<std::string, Tally>& tallies, const RunOutcome& run)
{
  std::map<std::string, bool> failed_here;
  for (const auto& result : run.results) {
    bool& failed = failed_here[result.test_id];
    failed = failed || model::is_failure(result.status);
  }
  for (const auto& [id, failed] : failed_here) {
    auto& entry = tallies[id];
    ++entry.runs;
    entry.failures += failed ? 1 : 0;
  }
}

std::vector<TestFlakiness> flakiness(const std::map<std::string, Tally>& tallies)
{
  std::vector<TestFlakiness> flaky;
  for (const auto& [id, entry] : tallies) {
    if (entry.failures > 0) {
      flaky.push_back({id, entry.failures, entry.runs, util::wilson_interval(entry.failures, entry.runs)});
    }
  }
  std::stable_sort(flaky.begin(), flaky.end(), [](const auto& a, const auto& b) { return a.failures > b.failures; });
  return flaky;
}

// The limit that ends the loop before the next iteration, if any.
std::optional<StopReason> limit_reached(const UntilFailureOptions& options, const UntilFailureOutcome& outcome,
                                        std::chrono::nanoseconds elapsed)
{
  const bool keep_going = options.repeat || options.max_failures;
  const std::size_t failures = outcome.failures.size();
  if (!keep_going && failures > 0) {
    return StopReason::Failure;
  }
  if (options.max_failures && failures >= *options.max_failures) {
    return StopReason::MaxFailures;
  }
  if (options.repeat && outcome.iterations >= *options.repeat) {
    return StopReason::Repeat;
  }
  if (options.max_runs && outcome.iterations >= *options.max_runs) {
    return StopReason::MaxRuns;
  }
  if (options.max_duration && elapsed >= *options.max_duration) {
    return StopReason::MaxDuration;
  }
  return std::nullopt;
}

RunOptions iteration_options(const UntilFailureOptions& options, std::size_t iteration)
{
  RunOptions run = options.run;
  if (options.shuffle) {
    run.seed = options.run.seed ? *options.run.seed + iteration : draw_seed();
  }
  run.metadata["until_failure_iteration"] = std::to_string(iteration + 1);
  return run;
}

} // namespace

UntilFailureOutcome run_until_failure(SuiteRunner& runner, const util::Clock& clock, const UntilFailureOptions& options,
                                      std::stop_token stop)
{
  UntilFailureOutcome outcome;
  std::map<std::string, Tally> tallies;
  const auto started = clock.now();
  while (true) {
    if (stop.stop_requested()) {
      outcome.reason = StopReason::Interrupted;
      break;
    }
    if (auto reason = limit_reached(options, outcome, clock.now() - started)) {
      outcome.reason = *reason;
      break;
    }
    const auto iteration_start = clock.now();
    RunOutcome run = runner.run(iteration_options(options, outcome.iterations), stop);
    if (run.interrupted || !run.ran) {
      outcome.reason = StopReason::Interrupted;
      break;
    }
    ++outcome.iterations;
    tally(tallies, run);
    const bool failed = counts_as_failure(run, options.test);
    if (failed) {
      outcome.failures.push_back({run.run_id, run.failing, run.problems});
    }
    if (options.on_iteration) {
      const auto now = clock.now();
      options.on_iteration({outcome.iterations, outcome.failures.size(), failed, run.run_id, now - started,
                            now - iteration_start, options.max_runs ? options.max_runs : options.repeat});
    }
  }
  outcome.elapsed = clock.now() - started;
  outcome.flaky = flakiness(tallies);
  return outcome;
}

std::string describe_flakiness(const TestFlakiness& flakiness)
{
  char figures[96];
  std::snprintf(figures, sizeof figures, "%.1f%% [%.1f%%, %.1f%%]", flakiness.rate.estimate * 100.0,
                flakiness.rate.lower * 100.0, flakiness.rate.upper * 100.0);
  return flakiness.test_id + ": " + std::to_string(flakiness.failures) + (flakiness.failures == 1 ? " failure" : " failures") +
         " in " + std::to_string(flakiness.runs) + (flakiness.runs == 1 ? " run, " : " runs, ") + figures;
}

} // namespace bisectr::scheduler
