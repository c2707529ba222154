#include "bisectr/scheduler/worker_command.hpp"

#include "fakes/temp_dir.hpp"
#include "test_scheduler_support.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

using bisectr::scheduler::describe_command;
using bisectr::scheduler::make_worker_command;
using Argv = std::vector<std::string>;

TEST_CASE("scheduler::make_worker_command")
{
  bisectr::test::TempDir dir;
  auto config = bisectr::test::lines_config();

  SUBCASE("{ids} become argv elements, untouched by any shell; extra arguments go last")
  {
    const auto command = make_worker_command(config, {"a b", "c;rm -rf /", "$(x)"}, false, {"-x", "--y"}, dir.path(), 2);
    CHECK(command.argv == Argv{"run-tests", "a b", "c;rm -rf /", "$(x)", "-x", "--y"});
    CHECK(command.output == dir / "worker-2.out");
    CHECK(command.id_file.empty());
  }
  SUBCASE("{id_file} gets a file of ids, one a line; {output} and {worker} are filled")
  {
    config.run_command = {"runner", "--load-list", "{id_file}", "--out={output}", "w{worker}"};
    const auto command = make_worker_command(config, {"t.one", "t.two"}, false, {}, dir.path(), 1);
    CHECK(command.argv == Argv{"runner", "--load-list", (dir / "worker-1.ids").string(),
                               "--out=" + (dir / "worker-1.out").string(), "w1"});
    std::ifstream in(command.id_file);
    std::stringstream text;
    text << in.rdbuf();
    CHECK(text.str() == "t.one\nt.two\n");
  }
  SUBCASE("an id with a newline cannot go into an id file")
  {
    config.run_command = {"runner", "{id_file}"};
    CHECK_THROWS_WITH(make_worker_command(config, {"bad\nid"}, false, {}, dir.path(), 0),
                      doctest::Contains("newline"));
  }
  SUBCASE("the whole suite uses run_all_command when there is one")
  {
    config.run_all_command = {"run-all", "--out", "{output}"};
    const auto command = make_worker_command(config, {}, true, {"--extra"}, dir.path(), 0);
    CHECK(command.argv == Argv{"run-all", "--out", (dir / "worker-0.out").string(), "--extra"});
    const auto subset = make_worker_command(config, {"t"}, false, {}, dir.path(), 0);
    CHECK(subset.argv == Argv{"run-tests", "t"});
  }
}

TEST_CASE("scheduler::needs_scratch")
{
  bisectr::config::RunnerConfig config;
  config.stream = bisectr::config::StreamSource::Stdout;
  config.run_command = {"runner", "{ids}"};
  config.run_all_command = {"runner", "--all"};
  CHECK_FALSE(bisectr::scheduler::needs_scratch(config, false));
  CHECK_FALSE(bisectr::scheduler::needs_scratch(config, true));
  config.run_command = {"runner", "--load-list", "{id_file}"};
  CHECK(bisectr::scheduler::needs_scratch(config, false));
  CHECK_FALSE(bisectr::scheduler::needs_scratch(config, true));  // the whole suite runs run_all_command
  config.run_all_command = {"runner", "--junit={output}"};
  CHECK(bisectr::scheduler::needs_scratch(config, true));
  config.run_all_command = {"runner", "--all"};
  config.stream = bisectr::config::StreamSource::File;
  CHECK(bisectr::scheduler::needs_scratch(config, true));
}

TEST_CASE("scheduler::describe_command")
{
  CHECK(describe_command({"python3", "-m", "subunit.run"}) == "python3 -m subunit.run");
  CHECK(describe_command({}).empty());
}
