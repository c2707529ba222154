#include "bisectr/scheduler/trial_runner.hpp"

#include "fakes/fake_clock.hpp"
#include "fakes/fake_process_runner.hpp"
#include "fakes/temp_dir.hpp"
#include "test_scheduler_support.hpp"

#include <doctest/doctest.h>

#include <csignal>

using bisectr::model::Status;
using bisectr::scheduler::run_trial;
using bisectr::scheduler::TrialRequest;
using bisectr::test::ScriptedRun;
using Ids = std::vector<std::string>;

TEST_CASE("scheduler::run_trial")
{
  bisectr::test::TempDir dir;
  auto repo = bisectr::repository::open_sqlite_repository(dir.path(), true);
  bisectr::test::FakeProcessRunner fake;
  bisectr::test::FakeClock clock;
  auto config = bisectr::test::lines_config();
  config.parallel = 4;  // a trial is always one worker

  TrialRequest request;
  request.ids = {"polluter", "other"};
  request.victim = "victim";
  request.session = "s-1";
  request.trial = 7;

  SUBCASE("the ids run in the given order in one worker, victim last, recorded as a bisect run")
  {
    fake.set_handler([](const bisectr::executor::ProcessSpec& spec) {
      std::vector<bisectr::test::ScriptedTest> tests;
      for (const auto& id : bisectr::test::ids_in_argv(spec.argv)) {
        tests.push_back({id, id == "victim" ? Status::Fail : Status::Success, 0, 1});
      }
      ScriptedRun run;
      run.stdout_bytes = bisectr::test::subunit_stream(tests);
      run.result.resources.peak_rss_bytes = 12345;
      return run;
    });
    const auto outcome = run_trial(config, fake, *repo, clock, request, {});
    REQUIRE(fake.specs().size() == 1);
    CHECK(fake.specs()[0].argv == Ids{"run-tests", "polluter", "other", "victim"});
    CHECK(outcome.victim_status == Status::Fail);
    CHECK(outcome.victim_failed());
    CHECK_FALSE(outcome.worker_killed);
    CHECK(outcome.peak_rss_bytes == 12345);
    const auto summary = repo->run_summary(outcome.run_id);
    REQUIRE(summary);
    CHECK(summary->source == "bisect:s-1");
    CHECK(summary->metadata.at("bisect_session") == "s-1");
    CHECK(summary->metadata.at("trial") == "7");
    CHECK(repo->worker_order(outcome.run_id, "worker-0") == Ids{"polluter", "other", "victim"});
  }
  SUBCASE("a victim already in the list is not added twice")
  {
    request.ids = {"victim", "polluter"};
    fake.push(ScriptedRun{});
    run_trial(config, fake, *repo, clock, request, {});
    CHECK(fake.specs()[0].argv == Ids{"run-tests", "victim", "polluter"});
  }
  SUBCASE("a worker killed for memory before the victim ran")
  {
    ScriptedRun run;
    run.stdout_bytes = bisectr::test::subunit_stream({{"polluter", Status::InProgress, 0, 0}});
    run.result.resources.signal = SIGKILL;
    run.result.resources.oom_killed = true;
    run.result.resources.peak_rss_bytes = 1 << 30;
    fake.push(run);
    const auto outcome = run_trial(config, fake, *repo, clock, request, {});
    CHECK(outcome.victim_status == Status::Undefined);
    CHECK_FALSE(outcome.victim_failed());
    CHECK(outcome.worker_killed);
    CHECK(outcome.oom_killed);
    CHECK(outcome.peak_rss_bytes == 1 << 30);
  }
  SUBCASE("a passing victim")
  {
    fake.push(ScriptedRun{bisectr::test::subunit_stream({{"polluter", Status::Success, 0, 1}, {"victim", Status::Success, 1, 2}})});
    const auto outcome = run_trial(config, fake, *repo, clock, request, {});
    CHECK(outcome.victim_status == Status::Success);
    CHECK_FALSE(outcome.interrupted);
  }
}
