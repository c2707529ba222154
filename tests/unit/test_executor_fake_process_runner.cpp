#include "fakes/fake_process_runner.hpp"

#include "bisectr/util/error.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include <string>
#include <vector>

namespace bisectr::test {

TEST_CASE("executor::FakeProcessRunner")
{
  FakeProcessRunner runner;
  std::vector<std::string> chunks;
  executor::ProcessSpec spec;
  spec.argv = {"pytest", "tests/test_x.py::test_f"};
  spec.on_stdout = [&chunks](std::string_view chunk) { chunks.emplace_back(chunk); };

  SUBCASE("scripted output arrives in chunks, the result as scripted")
  {
    ScriptedRun scripted;
    scripted.stdout_bytes = "abcdefghij";
    scripted.chunk_size = 4;
    scripted.result.resources.exit_code = 1;
    scripted.result.resources.peak_rss_bytes = 1234;
    runner.push(scripted);
    const executor::ProcessResult result = runner.run(spec, {});
    CHECK(chunks == std::vector<std::string>{"abcd", "efgh", "ij"});
    CHECK(result.resources.exit_code == 1);
    CHECK(result.resources.peak_rss_bytes == 1234);
  }
  SUBCASE("queued runs first, then the handler, then a plain success")
  {
    runner.push(ScriptedRun{.stdout_bytes = "queued"});
    runner.set_handler([](const executor::ProcessSpec& got) {
      ScriptedRun run;
      run.stdout_bytes = "handled " + got.argv.back();
      run.result.resources.signal = SIGKILL;
      return run;
    });
    runner.run(spec, {});
    const executor::ProcessResult second = runner.run(spec, {});
    CHECK(chunks == std::vector<std::string>{"queued", "handled tests/test_x.py::test_f"});
    CHECK(second.resources.signal == SIGKILL);
    CHECK_FALSE(second.resources.exit_code);
    runner.set_handler(nullptr);
    CHECK(runner.run(spec, {}).resources.exit_code == 0);
  }
  SUBCASE("specs are recorded in order")
  {
    runner.run(spec, {});
    spec.argv.emplace_back("second");
    runner.run(spec, {});
    REQUIRE(runner.run_count() == 2);
    CHECK(runner.specs()[0].argv.size() == 2);
    CHECK(runner.specs()[1].argv.back() == "second");
  }
  SUBCASE("a program that cannot start throws ProcessError naming it")
  {
    runner.push(ScriptedRun{.fail_to_start = true});
    CHECK_THROWS_WITH_AS(runner.run(spec, {}), doctest::Contains("pytest"), util::ProcessError);
  }
  SUBCASE("a stop already requested yields a run killed by us")
  {
    std::stop_source source;
    source.request_stop();
    runner.push(ScriptedRun{.stdout_bytes = "never"});
    const executor::ProcessResult result = runner.run(spec, source.get_token());
    CHECK(result.resources.killed_by_us);
    CHECK(result.resources.signal == SIGTERM);
    CHECK(chunks.empty());
  }
}

} // namespace bisectr::test
