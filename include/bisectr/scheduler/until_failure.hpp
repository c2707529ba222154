#pragma once

#include "bisectr/scheduler/suite_runner.hpp"
#include "bisectr/util/clock.hpp"
#include "bisectr/util/stats.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

namespace bisectr::scheduler {

/// Reported after every iteration.
struct IterationProgress {
  std::size_t iteration = 0;                  ///< iterations finished, from 1
  std::size_t failing_runs = 0;               ///< iterations so far that counted as a failure
  bool last_failed = false;
  model::RunId last_run = 0;
  std::chrono::nanoseconds elapsed{0};        ///< since the loop started
  std::chrono::nanoseconds last_duration{0};  ///< the last iteration's time
  std::optional<std::size_t> max_runs;        ///< the run budget, when there is one
};

/// When the loop stops and what it reports.
struct UntilFailureOptions {
  RunOptions run;                                      ///< each iteration's options (on_progress passes through)
  bool shuffle = false;                                ///< shuffle each iteration: run.seed + i, or a fresh seed when run.seed is unset
  std::optional<std::size_t> max_runs;                 ///< stop after this many iterations
  std::optional<std::chrono::nanoseconds> max_duration;///< start no new iteration after this much time
  std::optional<std::string> test;                     ///< only this test failing counts as a failure
  std::optional<std::size_t> repeat;                   ///< run exactly this many iterations, failures or not (unless another limit stops first)
  std::optional<std::size_t> max_failures;             ///< keep going until this many failing iterations
  std::function<void(const IterationProgress&)> on_iteration;  ///< may be empty
};

/// How often one test failed over the loop, with a 95% Wilson interval.
struct TestFlakiness {
  std::string test_id;
  std::int64_t failures = 0;
  std::int64_t runs = 0;  ///< completed iterations in which the test reported a result
  util::Proportion rate;
};

/// One failing iteration: the run and what failed in it.
struct FailedRun {
  model::RunId run_id = 0;
  std::vector<FailingTest> failing;  ///< empty when the run failed through a worker problem only
  std::map<std::string, std::string> problems;
};

/// Why the loop ended.
enum class StopReason { Failure, MaxFailures, Repeat, MaxRuns, MaxDuration, Interrupted };

/// What the loop found.
struct UntilFailureOutcome {
  std::size_t iterations = 0;
  std::vector<FailedRun> failures;     ///< failing iterations, in order
  std::vector<TestFlakiness> flaky;    ///< per test that failed at least once, most failures first
  StopReason reason = StopReason::MaxRuns;
  std::chrono::nanoseconds elapsed{0};

  /// True when at least one iteration failed.
  bool found_failure() const { return !failures.empty(); }
};

/// Runs the suite again and again (each iteration a recorded run) until a failure, a limit or a
/// stop; an interrupted iteration is recorded but not counted in the flakiness figures.
UntilFailureOutcome run_until_failure(SuiteRunner& runner, const util::Clock& clock, const UntilFailureOptions& options,
                                      std::stop_token stop);

/// "test_x: 4 failures in 120 runs, 3.3% [1.3%, 8.3%]".
std::string describe_flakiness(const TestFlakiness& flakiness);

} // namespace bisectr::scheduler
