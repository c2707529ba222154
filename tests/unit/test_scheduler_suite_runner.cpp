#include "bisectr/scheduler/suite_runner.hpp"

#include "bisectr/scheduler/partition.hpp"
#include "bisectr/util/error.hpp"
#include "fakes/fake_clock.hpp"
#include "fakes/fake_process_runner.hpp"
#include "fakes/temp_dir.hpp"
#include "test_scheduler_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <mutex>
#include <set>
#include <utility>
#include <vector>

using bisectr::model::Status;
using bisectr::scheduler::RunOptions;
using bisectr::scheduler::SuiteRunner;
using bisectr::test::FakeProcessRunner;
using bisectr::test::ScriptedRun;
using bisectr::test::ScriptedTest;
using Ids = std::vector<std::string>;

namespace {

// A suite of t1..t4 in which t3 fails; each worker reports its ids in argv order, 10ms apart.
ScriptedRun scripted_suite(const bisectr::executor::ProcessSpec& spec)
{
  ScriptedRun run;
  if (spec.argv.front() == "list-tests") {
    run.stdout_bytes = "t1\nt2\nt3\nt4\n";
    return run;
  }
  std::vector<ScriptedTest> tests;
  int at = 0;
  for (const auto& id : bisectr::test::ids_in_argv(spec.argv)) {
    tests.push_back({id, id == "t3" ? Status::Fail : Status::Success, at, at + 5});
    at += 10;
  }
  run.stdout_bytes = bisectr::test::subunit_stream(tests);
  run.chunk_size = 7;
  return run;
}

struct Fixture {
  bisectr::test::TempDir dir;
  std::unique_ptr<bisectr::repository::Repository> repo = bisectr::repository::open_sqlite_repository(dir.path(), true);
  FakeProcessRunner fake;
  bisectr::test::FakeClock clock;
  bisectr::config::RunnerConfig config = bisectr::test::lines_config();
  SuiteRunner runner{config, fake, *repo, clock};
};

} // namespace

TEST_CASE("scheduler::SuiteRunner::run")
{
  Fixture f;
  f.fake.set_handler(scripted_suite);

  SUBCASE("two workers: listed, split round-robin, every result recorded with its worker and order")
  {
    RunOptions options;
    options.parallel = 2;
    const auto outcome = f.runner.run(options, {});
    CHECK(outcome.ran);
    CHECK_FALSE(outcome.interrupted);
    CHECK(outcome.counts.total == 4);
    CHECK(outcome.counts.failed == 1);
    CHECK(outcome.counts.passed == 3);
    REQUIRE(outcome.failing.size() == 1);
    CHECK(outcome.failing[0].test_id == "t3");
    CHECK(outcome.failing[0].worker == "worker-0");
    CHECK_FALSE(outcome.passed());
    CHECK(f.repo->worker_order(outcome.run_id, "worker-0") == Ids{"t1", "t3"});
    CHECK(f.repo->worker_order(outcome.run_id, "worker-1") == Ids{"t2", "t4"});
    const auto summary = f.repo->run_summary(outcome.run_id);
    REQUIRE(summary);
    CHECK(summary->source == "run");
    CHECK(summary->state == bisectr::model::RunState::Complete);
    CHECK(summary->metadata.at("parallel") == "2");
    CHECK(summary->metadata.at("command") == "run-tests {ids}");
    CHECK(summary->metadata.at("config") == "/project/bisectr.toml");
    CHECK(f.repo->workers(outcome.run_id).size() == 2);
    const auto failing = f.repo->failing(outcome.run_id);
    REQUIRE(failing.size() == 1);
    CHECK(failing[0].attachments.at(0).bytes == "AssertionError: scripted\n");
  }
  SUBCASE("workers are balanced by the durations recorded in the repository")
  {
    // First run serially: t1..t4 take 5ms each except what we script next.
    f.fake.set_handler([](const bisectr::executor::ProcessSpec& spec) {
      ScriptedRun run = scripted_suite(spec);
      if (spec.argv.front() == "run-tests") {
        std::vector<ScriptedTest> tests;
        for (const auto& id : bisectr::test::ids_in_argv(spec.argv)) {
          const int ms = id == "t1" ? 900 : 100;  // t1 is slow
          tests.push_back({id, Status::Success, 0, ms});
        }
        run.stdout_bytes = bisectr::test::subunit_stream(tests);
      }
      return run;
    });
    RunOptions serial;
    serial.parallel = 1;
    f.runner.run(serial, {});
    RunOptions options;
    options.parallel = 2;
    const auto outcome = f.runner.run(options, {});
    CHECK(f.repo->worker_order(outcome.run_id, "worker-0") == Ids{"t1"});
    CHECK(f.repo->worker_order(outcome.run_id, "worker-1") == Ids{"t2", "t3", "t4"});
  }
  SUBCASE("explicit ids skip the list command and keep their order in one worker")
  {
    RunOptions options;
    options.parallel = 1;
    options.ids = Ids{"t4", "t2"};
    const auto outcome = f.runner.run(options, {});
    const auto specs = f.fake.specs();
    REQUIRE(specs.size() == 1);
    CHECK(specs[0].argv == Ids{"run-tests", "t4", "t2"});
    CHECK(f.repo->worker_order(outcome.run_id, "worker-0") == Ids{"t4", "t2"});
    CHECK(outcome.passed());
  }
  SUBCASE("failing_only reruns the latest run's failures, and nothing when there are none")
  {
    RunOptions options;
    options.parallel = 2;
    f.runner.run(options, {});
    RunOptions failing;
    failing.failing_only = true;
    const auto rerun = f.runner.run(failing, {});
    CHECK(rerun.ran);
    CHECK(f.fake.specs().back().argv == Ids{"run-tests", "t3"});
    f.fake.set_handler([](const bisectr::executor::ProcessSpec&) {
      ScriptedRun run;
      run.stdout_bytes = bisectr::test::subunit_stream({{"t3", Status::Success, 0, 1}});
      return run;
    });
    const auto fixed = f.runner.run(failing, {});
    CHECK(fixed.passed());
    const auto nothing = f.runner.run(failing, {});
    CHECK_FALSE(nothing.ran);
    CHECK(f.repo->list_runs().size() == 3);
  }
  SUBCASE("a seed shuffles each worker reproducibly and is recorded")
  {
    RunOptions options;
    options.parallel = 2;
    options.seed = 99;
    const auto outcome = f.runner.run(options, {});
    std::vector<Ids> expected{{"t1", "t3"}, {"t2", "t4"}};
    bisectr::scheduler::shuffle_each(expected, 99);
    CHECK(f.repo->worker_order(outcome.run_id, "worker-0") == expected[0]);
    CHECK(f.repo->worker_order(outcome.run_id, "worker-1") == expected[1]);
    CHECK(f.repo->run_summary(outcome.run_id)->metadata.at("seed") == "99");
    CHECK(outcome.seed == 99U);
  }
  SUBCASE("a serial whole-suite run with run_all_command does not list first")
  {
    f.config.run_all_command = {"run-tests", "t1", "t2"};
    RunOptions options;
    options.parallel = 1;
    const auto outcome = f.runner.run(options, {});
    const auto specs = f.fake.specs();
    REQUIRE(specs.size() == 1);
    CHECK(specs[0].argv == Ids{"run-tests", "t1", "t2"});
    CHECK(outcome.counts.total == 2);
  }
  SUBCASE("extra arguments, timeout and memory limit reach every worker's spec")
  {
    RunOptions options;
    options.parallel = 2;
    options.extra_args = {"--verbose"};
    options.timeout = std::chrono::milliseconds{1500};
    options.memory_limit_bytes = 1 << 20;
    f.runner.run(options, {});
    for (const auto& spec : f.fake.specs()) {
      if (spec.argv.front() == "run-tests") {
        CHECK(spec.argv.back() == "--verbose");
        CHECK(spec.timeout == std::chrono::milliseconds{1500});
        CHECK(spec.memory_limit_bytes == 1 << 20);
        CHECK(spec.cwd == "/project");
      }
    }
  }
  SUBCASE("progress is reported once per test with the planned total")
  {
    RunOptions options;
    options.parallel = 2;
    std::vector<std::size_t> done;
    std::set<std::string> ids;
    options.on_progress = [&](const bisectr::scheduler::TestProgress& p) {
      done.push_back(p.done);
      ids.insert(p.result->test_id);
      CHECK(p.total == 4);
    };
    f.runner.run(options, {});
    CHECK(done == std::vector<std::size_t>{1, 2, 3, 4});
    CHECK(ids == std::set<std::string>{"t1", "t2", "t3", "t4"});
  }
  SUBCASE("the list command listing nothing is an error and records nothing")
  {
    f.fake.set_handler([](const bisectr::executor::ProcessSpec&) { return ScriptedRun{}; });
    CHECK_THROWS_WITH(f.runner.run(RunOptions{}, {}), doctest::Contains("listed no tests"));
    CHECK(f.repo->list_runs().empty());
  }
  SUBCASE("a worker that cannot start is an error and records nothing")
  {
    f.fake.set_handler([](const bisectr::executor::ProcessSpec& spec) {
      ScriptedRun run = scripted_suite(spec);
      run.fail_to_start = spec.argv.front() == "run-tests";
      return run;
    });
    RunOptions options;
    options.parallel = 2;
    CHECK_THROWS_WITH(f.runner.run(options, {}), doctest::Contains("run-tests"));
    CHECK(f.repo->list_runs().empty());
  }
}

TEST_CASE("scheduler::SuiteRunner::run killed workers")
{
  Fixture f;
  RunOptions options;
  options.ids = Ids{"t1", "t2", "t3"};
  options.timeout = std::chrono::seconds{10};

  SUBCASE("a SIGKILL we did not send: the test in progress is an error 'likely out of memory'")
  {
    ScriptedRun run;
    run.stdout_bytes = bisectr::test::subunit_stream({{"t1", Status::Success, 0, 5}, {"t2", Status::InProgress, 5, 0}});
    run.result.resources.signal = SIGKILL;
    run.result.resources.oom_killed = true;
    f.fake.push(run);
    const auto outcome = f.runner.run(options, {});
    REQUIRE(outcome.failing.size() == 1);
    CHECK(outcome.failing[0].test_id == "t2");
    CHECK(outcome.failing[0].status == Status::Error);
    CHECK(outcome.workers.at(0).resources.in_progress_test == "t2");
    CHECK(outcome.problems.at("worker-0") == "worker killed (likely out of memory)");
    const auto failing = f.repo->failing(outcome.run_id);
    REQUIRE(failing.size() == 1);
    CHECK(failing[0].attachments.at(0).name == "bisectr");
    CHECK(failing[0].attachments.at(0).bytes == "worker killed (likely out of memory)");
    CHECK(f.repo->workers(outcome.run_id).at(0).resources.oom_killed);
    CHECK(f.repo->worker_order(outcome.run_id, "worker-0") == Ids{"t1", "t2"});
  }
  SUBCASE("a timeout: the test in progress is an error 'timed out after 10s'")
  {
    ScriptedRun run;
    run.stdout_bytes = bisectr::test::subunit_stream({{"t1", Status::InProgress, 0, 0}});
    run.result.resources.signal = SIGKILL;
    run.result.resources.killed_by_us = true;
    run.result.resources.timed_out = true;
    f.fake.push(run);
    const auto outcome = f.runner.run(options, {});
    REQUIRE(outcome.failing.size() == 1);
    CHECK(f.repo->failing(outcome.run_id).at(0).attachments.at(0).bytes == "timed out after 10s");
  }
  SUBCASE("the memory limit: named with its method")
  {
    ScriptedRun run;
    run.stdout_bytes = bisectr::test::subunit_stream({{"t1", Status::InProgress, 0, 0}});
    run.result.resources.signal = SIGKILL;
    run.result.resources.oom_killed = true;
    run.result.resources.killed_by_us = true;
    run.result.resources.memory_limit_method = "watchdog";
    f.fake.push(run);
    const auto outcome = f.runner.run(options, {});
    CHECK(f.repo->failing(outcome.run_id).at(0).attachments.at(0).bytes == "worker killed: memory limit reached (watchdog)");
  }
  SUBCASE("a crash with no test in progress still makes the run fail, through its problem")
  {
    ScriptedRun run;
    run.stdout_bytes = bisectr::test::subunit_stream({{"t1", Status::Success, 0, 5}});
    run.result.resources.signal = SIGSEGV;
    f.fake.push(run);
    const auto outcome = f.runner.run(options, {});
    CHECK(outcome.failing.empty());
    CHECK(outcome.problems.at("worker-0") == "worker killed by signal 11 (SIGSEGV)");
    CHECK_FALSE(outcome.passed());
    CHECK(f.repo->run_summary(outcome.run_id)->metadata.at("problem.worker-0") == "worker killed by signal 11 (SIGSEGV)");
  }
  SUBCASE("a stop request: recorded as interrupted, the test in progress named but not failed")
  {
    std::stop_source stop;
    f.fake.set_handler([&stop](const bisectr::executor::ProcessSpec&) {
      stop.request_stop();
      return ScriptedRun{};
    });
    const auto outcome = f.runner.run(options, stop.get_token());
    CHECK(outcome.interrupted);
    CHECK(outcome.failing.empty());
    CHECK(outcome.problems.empty());
    CHECK(f.repo->run_summary(outcome.run_id)->state == bisectr::model::RunState::Interrupted);
  }
}

TEST_CASE("scheduler::SuiteRunner::run memory and files")
{
  Fixture f;
  SUBCASE("memory samples are lined up with each test and the curve is recorded")
  {
    ScriptedRun run;
    run.stdout_bytes = bisectr::test::subunit_stream({{"quiet", Status::Success, 10, 40}, {"leaky", Status::Success, 55, 95}});
    run.result.resources.peak_rss_bytes = 60'000'000;
    for (int i = 0; i <= 4; ++i) {
      run.result.samples.push_back({std::chrono::milliseconds{i * 50}, i < 2 ? 10'000'000 : 60'000'000});
    }
    f.fake.push(run);
    RunOptions options;
    options.ids = Ids{"quiet", "leaky"};
    const auto outcome = f.runner.run(options, {});
    const auto results = f.repo->results(outcome.run_id, false);
    REQUIRE(results.size() == 2);
    CHECK(results[1].test_id == "leaky");
    CHECK(results[1].rss_before_bytes == 10'000'000);
    CHECK(results[1].rss_after_bytes == 60'000'000);
    CHECK(results[0].rss_after_bytes == 10'000'000);
    const auto workers = f.repo->workers(outcome.run_id);
    REQUIRE(workers.size() == 1);
    CHECK(workers[0].memory_curve.size() == 5);
    CHECK(workers[0].resources.peak_rss_bytes == 60'000'000);
  }
  SUBCASE("pytest: JUnit read from each worker's output file, ids mapped back to node ids")
  {
    f.config.list_format = bisectr::config::ListFormat::PytestCollect;
    f.config.run_command = {"pytest", "--junitxml={output}", "{ids}"};
    f.config.stream = bisectr::config::StreamSource::File;
    f.config.format = "auto";
    f.config.ids = bisectr::config::IdStyle::Pytest;
    f.fake.set_handler([](const bisectr::executor::ProcessSpec& spec) {
      ScriptedRun run;
      if (spec.argv.front() == "list-tests") {
        run.stdout_bytes = "tests/test_x.py::TestC::test_f[p]\ntests/test_x.py::test_g\n\n2 tests collected in 0.01s\n";
        return run;
      }
      const std::string output = spec.argv.at(1).substr(std::string("--junitxml=").size());
      std::ofstream(output) << "<testsuites><testsuite name='pytest'>"
                               "<testcase classname='tests.test_x.TestC' name='test_f[p]' time='0.1'/>"
                               "<testcase classname='tests.test_x' name='test_g' time='0.1'><failure message='x'>tb</failure></testcase>"
                               "</testsuite></testsuites>";
      run.result.resources.exit_code = 1;  // pytest's exit code is not the verdict
      return run;
    });
    const auto outcome = f.runner.run(RunOptions{}, {});
    CHECK(outcome.counts.total == 2);
    REQUIRE(outcome.failing.size() == 1);
    CHECK(outcome.failing[0].test_id == "tests/test_x.py::test_g");
    CHECK(f.repo->worker_order(outcome.run_id, "worker-0") == Ids{"tests/test_x.py::TestC::test_f[p]", "tests/test_x.py::test_g"});
    CHECK(outcome.problems.empty());
  }
  SUBCASE("a worker that wrote no output file is a problem")
  {
    f.config.stream = bisectr::config::StreamSource::File;
    f.fake.push(ScriptedRun{});
    RunOptions options;
    options.ids = Ids{"t1"};
    const auto outcome = f.runner.run(options, {});
    CHECK(outcome.problems.at("worker-0").find("no output file") != std::string::npos);
  }
}

TEST_CASE("scheduler::SuiteRunner::run with a repository opened on first need")
{
  bisectr::test::TempDir dir;
  FakeProcessRunner fake;
  bisectr::test::FakeClock clock;
  bisectr::config::RunnerConfig config = bisectr::test::lines_config();
  config.run_all_command = {"run-tests", "t1", "t2", "t3", "t4"};
  // What the opener saw: how many runs had started, and whether their output had been read.
  std::vector<std::pair<std::size_t, bool>> opened_at;
  bool output_read = false;
  fake.set_handler([&output_read](const bisectr::executor::ProcessSpec& spec) {
    auto run = scripted_suite(spec);
    output_read = false;
    return run;
  });
  int failures_left = 0;
  bisectr::repository::LazyRepository repository([&]() -> std::unique_ptr<bisectr::repository::Repository> {
    opened_at.emplace_back(fake.run_count(), output_read);
    if (failures_left > 0) {
      --failures_left;
      throw bisectr::util::RepositoryError("repository busy");
    }
    return bisectr::repository::open_sqlite_repository(dir.path(), true);
  });
  SuiteRunner runner{config, fake, repository, clock};

  SUBCASE("a serial run of the whole suite opens it once its worker has started, before its output")
  {
    RunOptions options;
    options.on_progress = [&output_read](const bisectr::scheduler::TestProgress&) { output_read = true; };
    const auto outcome = runner.run(options, {});
    REQUIRE(opened_at.size() == 1);
    CHECK(opened_at[0] == std::pair<std::size_t, bool>{1, false});
    CHECK(outcome.counts.total == 4);
    CHECK(repository.get().run_summary(outcome.run_id)->counts.failed == 1);
    // The next run finds it open.
    runner.run(options, {});
    CHECK(opened_at.size() == 1);
  }
  SUBCASE("a parallel run opens it before any worker starts (durations balance the split)")
  {
    RunOptions options;
    options.parallel = 2;
    const auto outcome = runner.run(options, {});
    REQUIRE(opened_at.size() == 1);
    CHECK(opened_at[0].first == 1);  // after the list command, before the two workers
    CHECK(outcome.counts.total == 4);
  }
  SUBCASE("an opener that fails stops the run with its error, and the next run opens it")
  {
    failures_left = 1;
    CHECK_THROWS_WITH_AS(runner.run(RunOptions{}, {}), "repository busy", bisectr::util::RepositoryError);
    CHECK_FALSE(repository.is_open());
    const auto outcome = runner.run(RunOptions{}, {});
    CHECK(opened_at.size() == 2);
    CHECK(repository.is_open());
    CHECK(repository.get().run_summary(outcome.run_id)->counts.total == 4);
  }
}
