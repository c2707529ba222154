#include "bisectr/driver/bisect_driver.hpp"
#include "bisectr/driver/oracle.hpp"
#include "bisectr/repository/repository.hpp"
#include "bisectr/stream/writer.hpp"
#include "bisectr/util/error.hpp"
#include "fakes/fake_process_runner.hpp"
#include "fakes/temp_dir.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>

using namespace bisectr;

namespace {

// A suite in which `polluter` makes `victim` fail with probability q when it ran earlier in the
// same process; runs are answered by the fake process runner with a real subunit v2 stream.
class SimulatedSuite
{
public:
  SimulatedSuite(std::string polluter, double q, std::uint64_t seed) : m_polluter(std::move(polluter)), m_q(q), m_rng(seed) {}

  test::ScriptedRun operator()(const executor::ProcessSpec& spec)
  {
    std::ifstream list(spec.argv.at(1));
    std::vector<std::string> ids;
    for (std::string line; std::getline(list, line);) {
      ids.push_back(line);
    }
    bool polluted = false;
    std::ostringstream out;
    auto writer = stream::make_writer(stream::Format::SubunitV2, out);
    for (const auto& id : ids) {
      model::TestResult result;
      result.test_id = id;
      result.status = model::Status::Success;
      polluted = polluted || id == m_polluter;
      if (id == "victim" && polluted && draw() < m_q) {
        result.status = model::Status::Fail;
      }
      writer->write(result);
    }
    writer->finish();
    test::ScriptedRun run;
    run.stdout_bytes = out.str();
    run.result.resources.exit_code = 0;
    return run;
  }

private:
  double draw()
  {
    std::lock_guard lock(m_mutex);
    return std::uniform_real_distribution<double>(0.0, 1.0)(m_rng);
  }

  std::string m_polluter;
  double m_q;
  std::mutex m_mutex;
  std::mt19937_64 m_rng;
};

config::RunnerConfig fake_config(const std::filesystem::path& dir)
{
  config::RunnerConfig runner;
  runner.file = dir / "bisectr.toml";
  runner.cwd = dir;
  runner.list_command = {"fake-suite", "--list"};
  runner.run_command = {"fake-suite", "{id_file}"};
  runner.format = "subunit2";
  return runner;
}

driver::SessionConfig session_config(std::size_t n, std::size_t parallel)
{
  driver::SessionConfig config;
  for (std::size_t i = 0; i < n; ++i) {
    config.candidates.push_back("t" + std::to_string(100 + i));
  }
  config.victim = "victim";
  config.problem.candidate_seconds.assign(n, 0.1);
  config.problem.victim_seconds = 0.1;
  config.problem.startup_seconds = 0.3;
  config.options.parallel = parallel;
  config.options.seed = 7;
  config.options.max_runs = 3000;
  return config;
}

struct Fixture {
  test::TempDir dir;
  test::FakeProcessRunner processes;
  util::SystemClock clock;
  driver::Services services{[this] { return repository::open_sqlite_repository(dir.path() / "repo", true); }, &processes, &clock};
};

} // namespace

TEST_CASE("driver::run_session")
{
  Fixture f;
  auto config = session_config(30, 1);
  auto runner = fake_config(f.dir.path());
  SimulatedSuite suite("t113", 0.5, 11);
  f.processes.set_handler([&suite](const executor::ProcessSpec& spec) { return suite(spec); });
  auto repository = f.services.open_repository();
  auto id = driver::create_session(*repository, config);

  SUBCASE("finds the polluter and records every trial and run")
  {
    auto outcome = driver::run_session(f.services, runner, id, {}, {});
    CHECK(outcome.verdict.kind == bisect::VerdictKind::Found);
    CHECK(outcome.culprit_ids == std::vector<std::string>{"t113"});
    CHECK_FALSE(outcome.interrupted);
    auto stored = repository->sessions().load_session(id);
    REQUIRE(stored);
    CHECK(stored->info.status == "found");
    CHECK(stored->trials.size() == outcome.verdict.trials);
    CHECK(f.processes.run_count() == outcome.verdict.runs);
    CHECK(repository->list_runs().size() == outcome.verdict.runs);
    CHECK(repository->list_runs().back().source.find("bisect") != std::string::npos);
  }

  SUBCASE("parallel trials reach the same answer")
  {
    auto parallel_config = session_config(30, 4);
    auto parallel_id = driver::create_session(*repository, parallel_config);
    auto outcome = driver::run_session(f.services, runner, parallel_id, {}, {});
    CHECK(outcome.verdict.kind == bisect::VerdictKind::Found);
    CHECK(outcome.culprit_ids == std::vector<std::string>{"t113"});
  }

  SUBCASE("an interrupted session resumes to the verdict")
  {
    std::stop_source stop;
    std::size_t seen = 0;
    auto first = driver::run_session(f.services, runner, id, stop.get_token(), [&](const bisect::Progress&, double) {
      if (++seen == 3) {
        stop.request_stop();
      }
    });
    CHECK(first.interrupted);
    auto stored = repository->sessions().load_session(id);
    CHECK(stored->info.status == "interrupted");
    // Progress comes once per finished trial and once per round: three calls = two trials.
    CHECK(stored->trials.size() == 2);
    auto resumed = driver::run_session(f.services, runner, id, {}, {});
    CHECK(resumed.verdict.kind == bisect::VerdictKind::Found);
    CHECK(resumed.culprit_ids == std::vector<std::string>{"t113"});
    CHECK(resumed.verdict.trials >= stored->trials.size());
  }
}

TEST_CASE("driver::run_session reports a victim that never fails as not reproducible")
{
  Fixture f;
  auto config = session_config(20, 1);
  SimulatedSuite suite("nobody", 0.5, 3);
  f.processes.set_handler([&suite](const executor::ProcessSpec& spec) { return suite(spec); });
  auto repository = f.services.open_repository();
  auto id = driver::create_session(*repository, config);
  auto outcome = driver::run_session(f.services, fake_config(f.dir.path()), id, {}, {});
  CHECK(outcome.verdict.kind == bisect::VerdictKind::NotReproducible);
  CHECK(outcome.culprit_ids.empty());
}

TEST_CASE("driver::parse_oracle and reproduced")
{
  CHECK(driver::parse_oracle("fail").kind == driver::OracleKind::Fail);
  CHECK(driver::parse_oracle("signal").kind == driver::OracleKind::Signal);
  CHECK(driver::parse_oracle("oom").kind == driver::OracleKind::Oom);
  auto rss = driver::parse_oracle("rss>512M");
  CHECK(rss.kind == driver::OracleKind::RssAbove);
  CHECK(rss.rss_bytes == 512LL * 1024 * 1024);
  CHECK(driver::to_string(rss) == "rss>536870912");
  CHECK_THROWS_AS(driver::parse_oracle("maybe"), util::UsageError);

  scheduler::TrialOutcome outcome;
  outcome.victim_status = model::Status::Fail;
  CHECK(driver::reproduced(driver::parse_oracle("fail"), outcome));
  CHECK_FALSE(driver::reproduced(driver::parse_oracle("oom"), outcome));
  outcome.victim_status = model::Status::Success;
  outcome.oom_killed = true;
  outcome.worker_killed = true;
  outcome.peak_rss_bytes = 600LL * 1024 * 1024;
  CHECK_FALSE(driver::reproduced(driver::parse_oracle("fail"), outcome));
  CHECK(driver::reproduced(driver::parse_oracle("oom"), outcome));
  CHECK(driver::reproduced(driver::parse_oracle("signal"), outcome));
  CHECK(driver::reproduced(rss, outcome));
  CHECK_FALSE(driver::reproduced(driver::parse_oracle("rss>1G"), outcome));
}

TEST_CASE("driver::session_config_from_json")
{
  auto config = session_config(3, 2);
  config.oracle = driver::parse_oracle("rss>1G");
  config.extra_args = {"-x", "a b"};
  auto back = driver::session_config_from_json(driver::to_json(config));
  CHECK(back.candidates == config.candidates);
  CHECK(back.options.parallel == 2);
  CHECK(back.oracle.rss_bytes == config.oracle.rss_bytes);
  CHECK(back.extra_args == config.extra_args);
  CHECK_THROWS_AS(driver::session_config_from_json(nlohmann::json::object()), util::Error);
}
