#include "bisectr/scheduler/until_failure.hpp"

#include "fakes/fake_clock.hpp"
#include "fakes/fake_process_runner.hpp"
#include "fakes/temp_dir.hpp"
#include "test_scheduler_support.hpp"

#include <doctest/doctest.h>

#include <atomic>

using bisectr::model::Status;
using bisectr::scheduler::describe_flakiness;
using bisectr::scheduler::run_until_failure;
using bisectr::scheduler::StopReason;
using bisectr::scheduler::SuiteRunner;
using bisectr::scheduler::UntilFailureOptions;
using bisectr::test::ScriptedRun;
using namespace std::chrono_literals;

namespace {

// Runs "stable" and "flaky"; flaky fails on the iterations listed; each run takes a minute of fake time.
struct Loop {
  bisectr::test::TempDir dir;
  std::unique_ptr<bisectr::repository::Repository> repo = bisectr::repository::open_sqlite_repository(dir.path(), true);
  bisectr::test::FakeProcessRunner fake;
  bisectr::test::FakeClock clock;
  bisectr::config::RunnerConfig config = bisectr::test::lines_config();
  SuiteRunner runner{config, fake, *repo, clock};
  std::atomic<int> iteration{0};

  explicit Loop(std::vector<int> failing_iterations, std::string failing_id = "flaky")
  {
    config.run_all_command = {"run-all"};
    fake.set_handler([this, failing_iterations, failing_id](const bisectr::executor::ProcessSpec&) {
      const int now = ++iteration;
      const bool fails = std::find(failing_iterations.begin(), failing_iterations.end(), now) != failing_iterations.end();
      clock.advance(1min);
      ScriptedRun run;
      run.stdout_bytes = bisectr::test::subunit_stream(
        {{"stable", Status::Success, 0, 1}, {"flaky", fails && failing_id == "flaky" ? Status::Fail : Status::Success, 1, 2},
         {"other", fails && failing_id == "other" ? Status::Fail : Status::Success, 2, 3}});
      return run;
    });
  }
};

} // namespace

TEST_CASE("scheduler::run_until_failure")
{
  SUBCASE("stops at the first failing run and reports it")
  {
    Loop loop({3});
    UntilFailureOptions options;
    std::vector<std::size_t> seen;
    options.on_iteration = [&](const bisectr::scheduler::IterationProgress& p) {
      seen.push_back(p.iteration);
      CHECK(p.last_duration == 1min);
      CHECK(p.elapsed == p.iteration * 1min);
      CHECK(p.last_failed == (p.iteration == 3));
    };
    const auto outcome = run_until_failure(loop.runner, loop.clock, options, {});
    CHECK(outcome.reason == StopReason::Failure);
    CHECK(outcome.iterations == 3);
    CHECK(seen == std::vector<std::size_t>{1, 2, 3});
    REQUIRE(outcome.failures.size() == 1);
    CHECK(outcome.failures[0].failing.at(0).test_id == "flaky");
    CHECK(outcome.failures[0].failing.at(0).worker == "worker-0");
    CHECK(outcome.failures[0].run_id == loop.repo->latest_run());
    CHECK(loop.repo->list_runs().size() == 3);
    CHECK(loop.repo->run_summary(outcome.failures[0].run_id)->metadata.at("until_failure_iteration") == "3");
  }
  SUBCASE("--max-runs ends a loop that finds nothing")
  {
    Loop loop({});
    UntilFailureOptions options;
    options.max_runs = 4;
    const auto outcome = run_until_failure(loop.runner, loop.clock, options, {});
    CHECK(outcome.reason == StopReason::MaxRuns);
    CHECK(outcome.iterations == 4);
    CHECK_FALSE(outcome.found_failure());
    CHECK(outcome.flaky.empty());
  }
  SUBCASE("--max-duration starts no iteration once the time is spent")
  {
    Loop loop({});
    UntilFailureOptions options;
    options.max_duration = 5min;
    const auto outcome = run_until_failure(loop.runner, loop.clock, options, {});
    CHECK(outcome.reason == StopReason::MaxDuration);
    CHECK(outcome.iterations == 5);
    CHECK(outcome.elapsed == 5min);
  }
  SUBCASE("--test ignores other tests' failures")
  {
    Loop loop({2}, "other");
    UntilFailureOptions options;
    options.test = "flaky";
    options.max_runs = 6;
    const auto outcome = run_until_failure(loop.runner, loop.clock, options, {});
    CHECK(outcome.reason == StopReason::MaxRuns);
    CHECK_FALSE(outcome.found_failure());
    REQUIRE(outcome.flaky.size() == 1);  // still counted in the figures
    CHECK(outcome.flaky[0].test_id == "other");
  }
  SUBCASE("--repeat keeps going and measures each failing test with a Wilson interval")
  {
    Loop loop({2, 5, 9, 11});
    UntilFailureOptions options;
    options.repeat = 12;
    const auto outcome = run_until_failure(loop.runner, loop.clock, options, {});
    CHECK(outcome.reason == StopReason::Repeat);
    CHECK(outcome.iterations == 12);
    CHECK(outcome.failures.size() == 4);
    REQUIRE(outcome.flaky.size() == 1);
    CHECK(outcome.flaky[0].failures == 4);
    CHECK(outcome.flaky[0].runs == 12);
    CHECK(outcome.flaky[0].rate.estimate == doctest::Approx(4.0 / 12.0));
    CHECK(outcome.flaky[0].rate.lower > 0.0);
    CHECK(outcome.flaky[0].rate.upper < 1.0);
  }
  SUBCASE("--max-failures stops at the K-th failing run")
  {
    Loop loop({2, 4, 6, 8});
    UntilFailureOptions options;
    options.max_failures = 2;
    const auto outcome = run_until_failure(loop.runner, loop.clock, options, {});
    CHECK(outcome.reason == StopReason::MaxFailures);
    CHECK(outcome.iterations == 4);
    CHECK(outcome.failures.size() == 2);
  }
  SUBCASE("a stop request ends the loop as interrupted, the cut iteration uncounted")
  {
    Loop loop({});
    std::stop_source stop;
    loop.fake.set_handler([&](const bisectr::executor::ProcessSpec&) {
      if (++loop.iteration == 3) {
        stop.request_stop();
      }
      return ScriptedRun{bisectr::test::subunit_stream({{"stable", Status::Success, 0, 1}})};
    });
    const auto outcome = run_until_failure(loop.runner, loop.clock, UntilFailureOptions{}, stop.get_token());
    CHECK(outcome.reason == StopReason::Interrupted);
    CHECK(outcome.iterations == 2);
    CHECK(loop.repo->list_runs().size() == 3);
    CHECK(loop.repo->list_runs().back().state == bisectr::model::RunState::Interrupted);
  }
  SUBCASE("shuffled iterations use seed + iteration, each recorded")
  {
    Loop loop({});
    UntilFailureOptions options;
    options.shuffle = true;
    options.run.seed = 100;
    options.max_runs = 2;
    run_until_failure(loop.runner, loop.clock, options, {});
    const auto runs = loop.repo->list_runs();
    REQUIRE(runs.size() == 2);
    CHECK(runs[0].metadata.at("seed") == "100");
    CHECK(runs[1].metadata.at("seed") == "101");
  }
}

TEST_CASE("scheduler::describe_flakiness")
{
  bisectr::scheduler::TestFlakiness f{"test_x", 4, 120, bisectr::util::wilson_interval(4, 120)};
  CHECK(describe_flakiness(f) == "test_x: 4 failures in 120 runs, 3.3% [1.3%, 8.3%]");
  bisectr::scheduler::TestFlakiness one{"t", 1, 1, bisectr::util::wilson_interval(1, 1)};
  CHECK(describe_flakiness(one).starts_with("t: 1 failure in 1 run, 100.0% ["));
}
