#include "bisectr/importer/importer.hpp"
#include "bisectr/repository/repository.hpp"
#include "bisectr/stream/writer.hpp"
#include "bisectr/util/clock.hpp"
#include "bisectr/util/error.hpp"
#include "fakes/temp_dir.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <memory>
#include <sstream>

using namespace bisectr;

namespace {

std::string stream_of(const std::vector<std::pair<std::string, std::string>>& tests, model::Status failing_status)
{
  std::ostringstream out;
  auto writer = stream::make_writer(stream::Format::SubunitV2, out);
  std::int64_t second = 1000;
  for (const auto& [id, worker] : tests) {
    model::TestResult result;
    result.test_id = id;
    result.worker = worker;
    result.status = id.find("bad") != std::string::npos ? failing_status : model::Status::Success;
    result.start = model::TimePoint(std::chrono::seconds(second));
    result.stop = model::TimePoint(std::chrono::seconds(++second));
    writer->write(result);
  }
  writer->finish();
  return out.str();
}

// A run writer that fails at its n-th result, as a full disk would.
class FailingWriter final : public repository::RunWriter
{
public:
  FailingWriter(std::unique_ptr<repository::RunWriter> real, int fail_at) : m_real(std::move(real)), m_left(fail_at) {}
  void add_result(const model::TestResult& result) override
  {
    if (--m_left == 0) {
      throw util::RepositoryError("disk full (simulated)");
    }
    m_real->add_result(result);
  }
  void set_worker(const model::WorkerInfo& worker) override { m_real->set_worker(worker); }
  void set_state(model::RunState state) override { m_real->set_state(state); }
  void set_duration(double seconds) override { m_real->set_duration(seconds); }
  void set_started(model::TimePoint started) override { m_real->set_started(started); }
  void set_metadata(const std::string& key, const std::string& value) override { m_real->set_metadata(key, value); }
  model::RunId commit() override { return m_real->commit(); }

private:
  std::unique_ptr<repository::RunWriter> m_real;
  int m_left;
};

// A repository whose runs are written by FailingWriter; everything else is the real one's.
class FailingRepository final : public repository::Repository
{
public:
  FailingRepository(repository::Repository& real, int fail_at) : m_real(real), m_fail_at(fail_at) {}
  std::unique_ptr<repository::RunWriter> begin_run(const repository::NewRun& run) override
  {
    return std::make_unique<FailingWriter>(m_real.begin_run(run), m_fail_at);
  }
  std::vector<model::RunSummary> list_runs() const override { return m_real.list_runs(); }
  std::optional<model::RunId> latest_run() const override { return m_real.latest_run(); }
  std::optional<model::RunSummary> run_summary(model::RunId id) const override { return m_real.run_summary(id); }
  std::vector<model::TestResult> results(model::RunId id, bool attachments) const override
  {
    return m_real.results(id, attachments);
  }
  std::vector<model::TestResult> failing(model::RunId id, bool attachments) const override
  {
    return m_real.failing(id, attachments);
  }
  std::vector<model::WorkerInfo> workers(model::RunId id) const override { return m_real.workers(id); }
  std::vector<std::string> workers_with_results(model::RunId id, bool failing_only) const override
  {
    return m_real.workers_with_results(id, failing_only);
  }
  std::vector<std::string> worker_order(model::RunId id, const std::string& worker) const override
  {
    return m_real.worker_order(id, worker);
  }
  std::vector<repository::TestTiming> slowest(model::RunId id, std::size_t n) const override
  {
    return m_real.slowest(id, n);
  }
  std::map<std::string, double> recent_durations() const override { return m_real.recent_durations(); }
  bool remove_run(model::RunId id) override { return m_real.remove_run(id); }

private:
  repository::Repository& m_real;
  int m_fail_at;
};

// n tests over three workers, "t<i>" on "worker-<i % 3>".
std::vector<std::pair<std::string, std::string>> many_tests(int n)
{
  std::vector<std::pair<std::string, std::string>> tests;
  for (int i = 0; i < n; ++i) {
    tests.emplace_back("t" + std::to_string(i), "worker-" + std::to_string(i % 3));
  }
  return tests;
}

} // namespace

TEST_CASE("importer::import_run")
{
  test::TempDir dir;
  auto repository = repository::open_sqlite_repository(dir.path(), true);
  util::SystemClock clock;

  SUBCASE("one stream becomes one run with its workers, order and duration")
  {
    std::istringstream in(stream_of({{"a", "worker-0"}, {"bad", "worker-1"}, {"c", "worker-0"}}, model::Status::Fail));
    auto imported = importer::import_run(*repository, {{&in, "s.subunit", std::nullopt}}, clock);
    CHECK(imported.results == 3);
    CHECK(imported.failures == 1);
    CHECK(imported.workers == std::vector<std::string>{"worker-0", "worker-1"});
    CHECK(repository->worker_order(imported.run_id, "worker-0") == std::vector<std::string>{"a", "c"});
    auto summary = repository->run_summary(imported.run_id);
    REQUIRE(summary);
    CHECK(summary->counts.failed == 1);
    CHECK(summary->duration_seconds == doctest::Approx(3.0));
    CHECK(summary->source == "load:s.subunit");
    // The run started when its stream's first event did (second 1000), not at the load.
    CHECK(summary->started == model::TimePoint(std::chrono::seconds(1000)));
    CHECK(summary->metadata.count("loaded_at") == 1);
  }

  SUBCASE("a stream without timestamps starts at the load")
  {
    std::istringstream in("test: a\nsuccess: a\n");
    const auto before = std::chrono::system_clock::now();
    auto imported = importer::import_run(*repository, {{&in, "plain.subunit", stream::Format::SubunitV1}}, clock);
    auto summary = repository->run_summary(imported.run_id);
    REQUIRE(summary);
    CHECK(summary->started >= std::chrono::time_point_cast<std::chrono::nanoseconds>(before) - std::chrono::seconds(1));
    CHECK(summary->metadata.count("loaded_at") == 0);
  }

  SUBCASE("colliding worker names of a later source are prefixed")
  {
    std::istringstream first(stream_of({{"a", "worker-0"}}, model::Status::Fail));
    std::istringstream second(stream_of({{"b", "worker-0"}}, model::Status::Fail));
    auto imported = importer::import_run(*repository, {{&first, "1", std::nullopt}, {&second, "2", std::nullopt}}, clock);
    CHECK(imported.workers == std::vector<std::string>{"worker-0", "2:worker-0"});
    CHECK(repository->worker_order(imported.run_id, "2:worker-0") == std::vector<std::string>{"b"});
  }

  SUBCASE("a bad stream stores nothing, not even the good sources before it")
  {
    std::istringstream good(stream_of({{"a", "worker-0"}}, model::Status::Fail));
    auto bytes = stream_of({{"b", "worker-0"}}, model::Status::Fail);
    bytes.back() = static_cast<char>(bytes.back() ^ 0x55);  // the last packet's CRC32
    std::istringstream bad(bytes);
    CHECK_THROWS_AS(importer::import_run(*repository, {{&good, "good", std::nullopt}, {&bad, "bad", std::nullopt}}, clock),
                    util::ParseError);
    CHECK(repository->list_runs().empty());
  }

  SUBCASE("a stream of many batches keeps every result, in each worker's order")
  {
    // The parser hands results to the writer in batches of 256 on a thread of its own.
    std::istringstream in(stream_of(many_tests(5000), model::Status::Fail));
    auto imported = importer::import_run(*repository, {{&in, "many", std::nullopt}}, clock);
    CHECK(imported.results == 5000);
    std::vector<std::string> expected;
    for (int i = 1; i < 5000; i += 3) {
      expected.push_back("t" + std::to_string(i));
    }
    CHECK(repository->worker_order(imported.run_id, "worker-1") == expected);
    CHECK(repository->run_summary(imported.run_id)->duration_seconds == doctest::Approx(5000.0));
  }

  SUBCASE("a bad packet after many batches stores nothing")
  {
    auto bytes = stream_of(many_tests(5000), model::Status::Fail);
    bytes.back() = static_cast<char>(bytes.back() ^ 0x55);
    std::istringstream in(bytes);
    CHECK_THROWS_AS(importer::import_run(*repository, {{&in, "bad", std::nullopt}}, clock), util::ParseError);
    CHECK(repository->list_runs().empty());
  }

  SUBCASE("a writer that fails mid-stream stops the parser, and its error propagates")
  {
    // The parser is blocked handing over its batches when the writer gives up at result 300:
    // the import must return (not hang) with the writer's error, and store nothing.
    std::istringstream in(stream_of(many_tests(20000), model::Status::Fail));
    FailingRepository failing(*repository, 300);
    CHECK_THROWS_WITH_AS(importer::import_run(failing, {{&in, "full", std::nullopt}}, clock),
                         doctest::Contains("disk full"), util::RepositoryError);
    CHECK(repository->list_runs().empty());
    // The repository is usable afterwards: the writer's transaction was rolled back.
    std::istringstream again(stream_of({{"a", "worker-0"}}, model::Status::Fail));
    CHECK(importer::import_run(*repository, {{&again, "again", std::nullopt}}, clock).results == 1);
  }

  SUBCASE("the format can be forced")
  {
    std::istringstream in("test: a\nsuccess: a\n");
    auto imported = importer::import_run(*repository, {{&in, "v1", stream::Format::SubunitV1}}, clock);
    CHECK(imported.results == 1);
  }
}
