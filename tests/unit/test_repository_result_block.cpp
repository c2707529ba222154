#include "blob_codec.hpp"
#include "result_block.hpp"
#include "test_repository_support.hpp"

#include "bisectr/repository/history.hpp"
#include "bisectr/repository/repository.hpp"
#include "bisectr/util/error.hpp"
#include "fakes/temp_dir.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <doctest/doctest.h>

#include <limits>
#include <random>
#include <string>
#include <vector>

using namespace bisectr::repository::detail;
using bisectr::model::Status;

namespace {

bool same(const BlockEntry& a, const BlockEntry& b)
{
  return a.id == b.id && a.test == b.test && a.sequence == b.sequence && a.status == b.status && a.start_ns == b.start_ns &&
         a.stop_ns == b.stop_ns && a.rss_before_bytes == b.rss_before_bytes && a.rss_after_bytes == b.rss_after_bytes &&
         a.tags == b.tags;
}

std::vector<BlockEntry> round_trip(const std::vector<BlockEntry>& entries)
{
  BlockEncoder encoder;
  for (const BlockEntry& entry : entries) {
    encoder.append(entry);
  }
  std::vector<BlockEntry> out;
  decode_block(encoder.bytes(), out);
  return out;
}

} // namespace

TEST_CASE("result blocks round-trip every field, whatever the deltas")
{
  constexpr std::int64_t lowest = std::numeric_limits<std::int64_t>::min();
  constexpr std::int64_t highest = std::numeric_limits<std::int64_t>::max();
  std::mt19937_64 random(11);
  std::vector<BlockEntry> entries;
  for (int i = 0; i < 5000; ++i) {
    BlockEntry entry;
    entry.id = i % 7 == 0 ? static_cast<std::int64_t>(random()) : 1000 + i * 4;
    entry.test = i % 5 == 0 ? static_cast<std::int64_t>(random()) : 100 + i / 2;
    entry.sequence = i % 11 == 0 ? -static_cast<std::int64_t>(random() % 100) : i;  // out of order too
    entry.status = static_cast<int>(random() % 16);
    if (i % 5 != 0) {
      entry.start_ns = i % 13 == 0 ? lowest : 1767225600000000000 + static_cast<std::int64_t>(i) * 1000000;
    }
    if (i % 6 != 0) {
      entry.stop_ns = i % 17 == 0 ? highest : 1767225600000750000 + static_cast<std::int64_t>(i) * 1000000;
    }
    if (i % 3 == 0) {
      entry.rss_before_bytes = static_cast<std::int64_t>(random());
      entry.rss_after_bytes = i % 9 == 0 ? lowest : 1 << 20;
    }
    // No tags, the same as the entry before, new ones, and bytes a line-based format breaks on.
    entry.tags = i % 4 == 0 ? "" : i % 4 == 1 ? "worker-0" : i % 4 == 2 ? "worker-0" : std::string("a\nb\0c", 5);
    entries.push_back(entry);
  }
  const auto out = round_trip(entries);
  REQUIRE(out.size() == entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    CHECK_MESSAGE(same(out[i], entries[i]), "entry ", i);
  }
}

TEST_CASE("a worker's run of results takes a few bytes each")
{
  // A worker's tests as a stream gives them: ids four apart (four workers), consecutive
  // sequences, a start every millisecond, 0.75 ms long, the worker's tag.
  BlockEncoder encoder;
  for (int i = 0; i < 4096; ++i) {
    BlockEntry entry;
    entry.id = 1 + i * 4;
    entry.test = 1 + i * 4;  // new tests, one in four on this worker
    entry.sequence = i;
    entry.status = static_cast<int>(Status::Success);
    entry.start_ns = 1767225600000000000 + static_cast<std::int64_t>(i) * 4000000;
    entry.stop_ns = *entry.start_ns + 750000;
    entry.tags = "worker-0";
    encoder.append(entry);
  }
  // Head 1 byte, id 1, test 1, sequence 1, start 4 (the first entry more), stop 3.
  CHECK(encoder.bytes().size() < 4096 * 11 + 32);
  encoder.clear();
  CHECK(encoder.bytes().empty());
}

TEST_CASE("a malformed result block is an error, not a crash")
{
  std::vector<BlockEntry> out;
  BlockEncoder encoder;
  BlockEntry entry;
  entry.id = 5;
  entry.start_ns = 1767225600000000000;
  entry.tags = "worker-1";
  encoder.append(entry);
  const std::string& bytes = encoder.bytes();
  for (std::size_t cut = 1; cut < bytes.size(); ++cut) {
    out.clear();
    CHECK_THROWS_AS(decode_block(bytes.substr(0, cut), out), bisectr::util::RepositoryError);
  }
  // A head with a flag no version writes, and one that says both "new tags" and "same tags".
  std::string unknown;
  append_leb128(unknown, 1U << 12U);
  append_leb128(unknown, 0);
  append_leb128(unknown, 0);
  CHECK_THROWS_WITH_AS(decode_block(unknown, out), doctest::Contains("unknown result layout"),
                       bisectr::util::RepositoryError);
  std::string both;
  append_leb128(both, (1U << 6U) | (1U << 7U));
  CHECK_THROWS_AS(decode_block(both, out), bisectr::util::RepositoryError);
}

TEST_CASE("a worker whose results arrive out of order is sorted at commit, over several chunks")
{
  bisectr::test::TempDir dir;
  auto repo = bisectr::repository::open_sqlite_repository(dir.path(), true);
  auto writer = repo->begin_run({bisectr::test::at(0.0), "run", {}});
  constexpr int count = 10000;  // three chunks
  std::vector<std::string> expected;
  for (int i = 0; i < count; ++i) {
    expected.push_back("t." + std::to_string(i));
  }
  for (int i = count - 1; i >= 0; --i) {
    const Status status = i % 1000 == 3 ? Status::Fail : Status::Success;
    writer->add_result(bisectr::test::make_result(expected[static_cast<std::size_t>(i)], status, "w", i, i, 0.5));
  }
  const auto id = writer->commit();
  CHECK(repo->worker_order(id, "w") == expected);
  const auto results = repo->results(id, false);
  REQUIRE(results.size() == count);
  for (int i = 0; i < count; ++i) {
    const auto& result = results[static_cast<std::size_t>(i)];
    CHECK(result.sequence == i);
    CHECK(result.test_id == expected[static_cast<std::size_t>(i)]);
    CHECK(result.start == bisectr::test::at(i));
    CHECK(result.status == (i % 1000 == 3 ? Status::Fail : Status::Success));
  }
  CHECK(repo->failing(id, false).size() == 10);
  SQLite::Database db((dir.path() / "bisectr.db").string(), SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("SELECT order_chunks FROM workers").getInt() == 3);
  CHECK(db.execAndGet("SELECT count(*) FROM worker_order").getInt() == 3);
  CHECK(db.execAndGet("SELECT count(*) FROM worker_results").getInt() == 3);
  CHECK(db.execAndGet("SELECT count(*) FROM results").getInt() == 10);  // the failures
}

TEST_CASE("removing a run rebuilds the summaries from the runs' chunks: counts, newest success, forgotten tests")
{
  bisectr::test::TempDir dir;
  auto repo = bisectr::repository::open_sqlite_repository(dir.path(), true);
  using bisectr::test::make_result;
  const auto first = bisectr::test::write_run(
      *repo, {make_result("t.a", Status::Success, "w", 0, 0.0, 1.0), make_result("t.b", Status::Fail, "w", 1, 1.0, 3.0)},
      0.0);
  const auto second = bisectr::test::write_run(
      *repo, {make_result("t.a", Status::Success, "w", 0, 0.0, 2.0), make_result("t.c", Status::Skip, "w", 1, 2.0, 1.0)},
      10.0);
  CHECK(repo->recent_durations().at("t.a") == doctest::Approx(2.0));
  REQUIRE(repo->remove_run(second));
  // t.a's newest success is run 1's again; t.c, which only run 2 had (a skip), is gone.
  CHECK(repo->recent_durations().at("t.a") == doctest::Approx(1.0));
  CHECK(repo->history().stats().tests == 2);
  const auto stats = repo->history().test_stats({});
  REQUIRE(stats.size() == 2);
  CHECK(stats[0].test_id == "t.a");
  CHECK(stats[0].runs == 1);
  CHECK(stats[1].test_id == "t.b");
  CHECK(stats[1].failures == 1);
  REQUIRE(repo->remove_run(first));
  CHECK(repo->history().stats().tests == 0);
  CHECK(repo->history().test_stats({}).empty());
}

TEST_CASE("a chunk whose names and results disagree is reported as damage")
{
  bisectr::test::TempDir dir;
  auto repo = bisectr::repository::open_sqlite_repository(dir.path(), true);
  using bisectr::test::make_result;
  const auto id = bisectr::test::write_run(
      *repo, {make_result("t.a", Status::Success, "w", 0), make_result("t.b", Status::Success, "w", 1)});
  {
    SQLite::Database db((dir.path() / "bisectr.db").string(), SQLite::OPEN_READWRITE);
    BlockEncoder one;
    one.append(BlockEntry{});
    SQLite::Statement update(db, "UPDATE worker_results SET results = ?");
    update.bind(1, one.bytes().data(), static_cast<int>(one.bytes().size()));
    REQUIRE(update.exec() == 1);
  }
  CHECK_THROWS_WITH_AS(repo->results(id, false), doctest::Contains("damaged"), bisectr::util::RepositoryError);
  {
    // A chunk whose results are missing altogether is damage too, not a run without results.
    SQLite::Database db((dir.path() / "bisectr.db").string(), SQLite::OPEN_READWRITE);
    db.exec("CREATE TABLE kept AS SELECT * FROM worker_results");
    db.exec("DELETE FROM worker_results");
  }
  CHECK_THROWS_WITH_AS(repo->results(id, false), doctest::Contains("damaged"), bisectr::util::RepositoryError);
  {
    SQLite::Database db((dir.path() / "bisectr.db").string(), SQLite::OPEN_READWRITE);
    db.exec("INSERT INTO worker_results SELECT * FROM kept");
  }
  {
    // history reads the entries alone (each carries its test's id): a cut-off one is an error.
    SQLite::Database db((dir.path() / "bisectr.db").string(), SQLite::OPEN_READWRITE);
    db.exec("UPDATE worker_results SET results = X'80'");
  }
  CHECK_THROWS_WITH_AS(repo->history().test_history("t.b"), doctest::Contains("malformed"),
                       bisectr::util::RepositoryError);
}
