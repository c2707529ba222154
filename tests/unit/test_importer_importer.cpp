#include "bisectr/importer/importer.hpp"
#include "bisectr/repository/repository.hpp"
#include "bisectr/stream/writer.hpp"
#include "bisectr/util/clock.hpp"
#include "bisectr/util/error.hpp"
#include "fakes/temp_dir.hpp"

#include <doctest/doctest.h>

#include <fstream>
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

  SUBCASE("the format can be forced")
  {
    std::istringstream in("test: a\nsuccess: a\n");
    auto imported = importer::import_run(*repository, {{&in, "v1", stream::Format::SubunitV1}}, clock);
    CHECK(imported.results == 1);
  }
}
