#include "bisectr/scheduler/test_lister.hpp"

#include "fakes/fake_process_runner.hpp"
#include "test_scheduler_support.hpp"

#include <doctest/doctest.h>

#include <csignal>

using bisectr::scheduler::list_tests;
using bisectr::test::FakeProcessRunner;
using bisectr::test::ScriptedRun;
using Ids = std::vector<std::string>;

TEST_CASE("scheduler::list_tests")
{
  FakeProcessRunner fake;
  auto config = bisectr::test::lines_config();
  config.env = {{"K", "V"}};

  SUBCASE("lines are read in order, duplicates dropped, and the command runs with the config's cwd and env")
  {
    fake.push(ScriptedRun{"t.b\n  t.a  \n\nt.b\nt.c\n", "", 3});
    CHECK(list_tests(config, fake, {}) == Ids{"t.b", "t.a", "t.c"});
    const auto specs = fake.specs();
    REQUIRE(specs.size() == 1);
    CHECK(specs[0].argv == Ids{"list-tests"});
    CHECK(specs[0].cwd == "/project");
    CHECK(specs[0].env.at("K") == "V");
  }
  SUBCASE("a subunit listing of exists packets is read through the stream module")
  {
    config.list_format = bisectr::config::ListFormat::Subunit;
    std::string bytes;
    for (const char* id : {"pkg.T.test_1", "pkg.T.test_2"}) {
      bisectr::model::Event event;
      event.test_id = id;
      event.status = bisectr::model::Status::Exists;
      bisectr::stream::append_v2_packet(bytes, event);
    }
    fake.push(ScriptedRun{bytes, "", 5});
    CHECK(list_tests(config, fake, {}) == Ids{"pkg.T.test_1", "pkg.T.test_2"});
  }
  SUBCASE("a failing list command is an error quoting its exit code and stderr")
  {
    ScriptedRun run{"", "ImportError: no module named tests\n"};
    run.result.resources.exit_code = 2;
    fake.push(run);
    CHECK_THROWS_WITH(list_tests(config, fake, {}), doctest::Contains("exit code 2"));
    fake.push(run);
    CHECK_THROWS_WITH(list_tests(config, fake, {}), doctest::Contains("ImportError"));
  }
  SUBCASE("a list command killed by a signal is an error")
  {
    ScriptedRun run;
    run.result.resources.signal = SIGSEGV;
    fake.push(run);
    CHECK_THROWS_WITH(list_tests(config, fake, {}), doctest::Contains("signal 11"));
  }
  SUBCASE("a stop request yields an empty list, not an error")
  {
    std::stop_source stop;
    stop.request_stop();
    CHECK(list_tests(config, fake, stop.get_token()).empty());
  }
}
