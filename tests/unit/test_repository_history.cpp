#include "bisectr/repository/history.hpp"
#include "bisectr/repository/repository.hpp"
#include "bisectr/util/error.hpp"
#include "fakes/temp_dir.hpp"
#include "test_repository_support.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <algorithm>
#include <iterator>

using namespace bisectr;
using bisectr::test::at;
using bisectr::test::make_result;
using bisectr::test::write_run;
using model::Status;

namespace {

constexpr auto S = Status::Success;
constexpr auto F = Status::Fail;

// Four runs started at 100, 200, 300, 400 s. v fails in runs 2 and 4, each time on worker-0
// right after a; b errors once in run 4 as the first test of worker-1; s is only skipped;
// "old" ran only in run 1.
struct Scenario {
  std::vector<model::RunId> runs;

  explicit Scenario(repository::Repository& repo)
  {
    runs.push_back(write_run(repo,
                             {make_result("a", S, "worker-0", 0), make_result("b", S, "worker-1", 0),
                              make_result("v", S, "worker-0", 1, 1.0, 1.0), make_result("old", S, "worker-1", 1)},
                             100.0));
    runs.push_back(write_run(repo,
                             {make_result("a", S, "worker-0", 0), make_result("b", S, "worker-1", 0),
                              make_result("v", F, "worker-0", 1, 1.0, 3.0)},
                             200.0));
    runs.push_back(write_run(repo,
                             {make_result("b", S, "worker-0", 0), make_result("a", S, "worker-1", 0),
                              make_result("v", S, "worker-0", 1, 1.0, 1.05)},
                             300.0));
    runs.push_back(write_run(repo,
                             {make_result("a", S, "worker-0", 0), make_result("b", Status::Error, "worker-1", 0),
                              make_result("v", F, "worker-0", 1), make_result("s", Status::Skip, "worker-0", 2)},
                             400.0));
  }
};

const repository::TestStats& find(const std::vector<repository::TestStats>& stats, const std::string& id)
{
  for (const auto& test : stats) {
    if (test.test_id == id) {
      return test;
    }
  }
  FAIL("no stats for " << id);
  throw std::logic_error("unreachable");
}

} // namespace

TEST_CASE("repository::History::test_stats")
{
  test::TempDir dir;
  auto repo = repository::open_sqlite_repository(dir.path(), true);
  Scenario scenario(*repo);
  auto& history = repo->history();

  SUBCASE("all runs")
  {
    const auto stats = history.test_stats({});
    REQUIRE(stats.size() == 4); // a, b, old, v: s was only skipped
    CHECK(stats[0].test_id == "a");
    CHECK(stats[3].test_id == "v");
    const auto& v = find(stats, "v");
    CHECK(v.runs == 4);
    CHECK(v.failures == 2);
    CHECK(v.flips == 3);
    CHECK(v.first_failure == at(200.0));
    CHECK(v.last_failure == at(400.0));
    REQUIRE(v.failure_workers.size() == 1);
    CHECK(v.failure_workers[0].name == "worker-0");
    CHECK(v.failure_workers[0].count == 2);
    REQUIRE(v.failure_predecessors.size() == 1);
    CHECK(v.failure_predecessors[0].name == "a");
    CHECK(v.failure_predecessors[0].count == 2);
    const auto& b = find(stats, "b");
    CHECK(b.runs == 4);
    CHECK(b.failures == 1);
    CHECK(b.flips == 1);
    CHECK(b.first_failure == at(400.0));
    REQUIRE(b.failure_predecessors.size() == 1);
    CHECK(b.failure_predecessors[0].name == "");
    CHECK(b.failure_workers[0].name == "worker-1");
    const auto& a = find(stats, "a");
    CHECK(a.failures == 0);
    CHECK(a.flips == 0);
    CHECK_FALSE(a.first_failure.has_value());
    CHECK(a.failure_workers.empty());
  }
  SUBCASE("since and min_runs filter")
  {
    const auto recent = history.test_stats({at(250.0), 0});
    REQUIRE(recent.size() == 3);
    const auto& v = find(recent, "v");
    CHECK(v.runs == 2);
    CHECK(v.failures == 1);
    CHECK(v.flips == 1);
    CHECK(v.first_failure == at(400.0));
    // The failure context counts only the runs since then too.
    REQUIRE(v.failure_workers.size() == 1);
    CHECK(v.failure_workers[0].count == 1);
    REQUIRE(v.failure_predecessors.size() == 1);
    CHECK(v.failure_predecessors[0].count == 1);
    CHECK(history.test_stats({std::nullopt, 2}).size() == 3); // "old" ran once
    CHECK(history.test_stats({std::nullopt, 5}).empty());
  }
}

TEST_CASE("repository::History::failed_test_stats: the failed tests of test_stats, and its count")
{
  test::TempDir dir;
  auto repo = repository::open_sqlite_repository(dir.path(), true);
  Scenario scenario(*repo);
  auto& history = repo->history();
  const auto ids = [](const std::vector<repository::TestStats>& stats) {
    std::vector<std::string> names;
    for (const auto& test : stats) {
      names.push_back(test.test_id);
    }
    return names;
  };
  // The kept totals (no since) and the scan of a window, with and without a minimum of runs.
  for (const repository::StatsFilter& filter :
       {repository::StatsFilter{}, repository::StatsFilter{at(250.0), 0}, repository::StatsFilter{std::nullopt, 2},
        repository::StatsFilter{at(150.0), 3}, repository::StatsFilter{std::nullopt, 5}}) {
    CAPTURE(filter.min_runs);
    CAPTURE(filter.since.has_value());
    const auto all = history.test_stats(filter);
    const auto failed = history.failed_test_stats(filter);
    CHECK(failed.counted_tests == static_cast<std::int64_t>(all.size()));
    std::vector<repository::TestStats> expected;
    std::copy_if(all.begin(), all.end(), std::back_inserter(expected), [](const auto& t) { return t.failures > 0; });
    REQUIRE(ids(failed.tests) == ids(expected));
    for (std::size_t i = 0; i < expected.size(); ++i) {
      CHECK(failed.tests[i].runs == expected[i].runs);
      CHECK(failed.tests[i].failures == expected[i].failures);
      CHECK(failed.tests[i].flips == expected[i].flips);
      CHECK(failed.tests[i].first_failure == expected[i].first_failure);
      CHECK(failed.tests[i].failure_workers.size() == expected[i].failure_workers.size());
      CHECK(failed.tests[i].failure_predecessors.size() == expected[i].failure_predecessors.size());
    }
  }
  // The cases above are not vacuous: all runs hold two failed tests out of four counted.
  const auto failed = history.failed_test_stats({});
  CHECK(failed.counted_tests == 4);
  CHECK(ids(failed.tests) == std::vector<std::string>{"b", "v"});
  CHECK(history.failed_test_stats({at(250.0), 0}).tests.size() == 2);
  CHECK(history.failed_test_stats({std::nullopt, 5}).counted_tests == 0);
}

TEST_CASE("repository::History::test_history")
{
  test::TempDir dir;
  auto repo = repository::open_sqlite_repository(dir.path(), true);
  Scenario scenario(*repo);
  const auto entries = repo->history().test_history("a");
  REQUIRE(entries.size() == 4);
  CHECK(entries[0].run == scenario.runs[0]);
  CHECK(entries[0].started == at(100.0));
  CHECK(entries[0].status == S);
  CHECK(entries[0].duration_seconds == doctest::Approx(1.0));
  CHECK(entries[2].worker == "worker-1");
  CHECK(entries[2].sequence == 0);
  const auto v = repo->history().test_history("v");
  REQUIRE(v.size() == 4);
  CHECK(v[1].status == F);
  CHECK(v[1].sequence == 1);
  CHECK(v[1].duration_seconds == doctest::Approx(3.0));
  CHECK(repo->history().test_history("nope").empty());
}

TEST_CASE("repository::History::compare_runs")
{
  test::TempDir dir;
  auto repo = repository::open_sqlite_repository(dir.path(), true);
  Scenario scenario(*repo);
  auto& history = repo->history();
  const auto& r = scenario.runs;

  SUBCASE("a status change and a duration change")
  {
    const auto diff = history.compare_runs(r[0], r[1], {});
    REQUIRE(diff.status_changes.size() == 2);
    CHECK(diff.status_changes[0].test_id == "old");
    CHECK(diff.status_changes[0].before == S);
    CHECK_FALSE(diff.status_changes[0].after.has_value());
    CHECK(diff.status_changes[1].test_id == "v");
    CHECK(diff.status_changes[1].after == F);
    CHECK(diff.moves.empty());
    REQUIRE(diff.duration_changes.size() == 1);
    CHECK(diff.duration_changes[0].test_id == "v");
    CHECK(diff.duration_changes[0].seconds_before == doctest::Approx(1.0));
    CHECK(diff.duration_changes[0].seconds_after == doctest::Approx(3.0));
  }
  SUBCASE("workers swapped; a small duration change is noise")
  {
    const auto diff = history.compare_runs(r[1], r[2], {});
    REQUIRE(diff.moves.size() == 2);
    CHECK(diff.moves[0].test_id == "a");
    CHECK(diff.moves[0].worker_before == "worker-0");
    CHECK(diff.moves[0].worker_after == "worker-1");
    CHECK(diff.moves[1].test_id == "b");
    CHECK(diff.moves[1].worker_after == "worker-0");
    REQUIRE(diff.duration_changes.size() == 1);                           // v: 3.0 -> 1.05
    CHECK(history.compare_runs(r[0], r[2], {}).duration_changes.empty()); // v: 1.0 -> 1.05
  }
  SUBCASE("a test that appears")
  {
    const auto diff = history.compare_runs(r[2], r[3], {});
    REQUIRE(diff.status_changes.size() == 3);
    CHECK(diff.status_changes[0].test_id == "b");
    CHECK(diff.status_changes[0].after == Status::Error);
    CHECK(diff.status_changes[1].test_id == "s");
    CHECK_FALSE(diff.status_changes[1].before.has_value());
    CHECK(diff.status_changes[1].after == Status::Skip);
  }
  SUBCASE("a missing run is a usage error")
  {
    CHECK_THROWS_AS(history.compare_runs(r[0], 999, {}), util::UsageError);
  }
}

TEST_CASE("repository::History::stats_and_prune")
{
  test::TempDir dir;
  auto repo = repository::open_sqlite_repository(dir.path(), true);
  Scenario scenario(*repo);
  auto& history = repo->history();

  const auto before = history.stats();
  CHECK(before.runs == 4);
  CHECK(before.results == 14);
  CHECK(before.tests == 5);
  CHECK(before.sessions == 0);
  CHECK(before.oldest == at(100.0));
  CHECK(before.newest == at(400.0));
  CHECK(before.size_bytes > 0);

  SUBCASE("keep the newest runs")
  {
    const auto outcome = history.prune({2, std::nullopt});
    CHECK(outcome.runs_removed == 2);
    CHECK(outcome.results_removed == 7);
    const auto runs = repo->list_runs();
    REQUIRE(runs.size() == 2);
    CHECK(runs[0].id == scenario.runs[2]);
    const auto after = history.stats();
    CHECK(after.results == 7);
    CHECK(after.tests == 4);
    CHECK(after.oldest == at(300.0));
    SQLite::Database db(repository::repository_file(dir.path()).string());
    CHECK(db.execAndGet("SELECT count(*) FROM tests WHERE name = 'old'").getInt() == 0);
    // The kept runs' failures stay rows (schema v11: every result is also in the order chunks).
    CHECK(db.execAndGet("SELECT count(*) FROM results WHERE run < " + std::to_string(scenario.runs[2])).getInt() == 0);
    CHECK(db.execAndGet("SELECT count(*) FROM results").getInt() ==
          db.execAndGet("SELECT count(*) FROM results WHERE status IN (4, 6, 8)").getInt());
    CHECK(db.execAndGet("SELECT count(DISTINCT run) FROM worker_order").getInt() == 2);
    // Each remaining test keeps its hash, and a deleted test's hash went with it (schema v10).
    CHECK(db.execAndGet("SELECT count(*) FROM test_hashes").getInt() == 4);
    CHECK(db.execAndGet("SELECT count(*) FROM test_hashes h JOIN tests t ON t.id = h.id").getInt() == 4);
  }
  SUBCASE("drop runs older than a time")
  {
    const auto outcome = history.prune({std::nullopt, at(350.0)});
    CHECK(outcome.runs_removed == 3);
    CHECK(repo->list_runs().size() == 1);
    CHECK(history.test_history("v").size() == 1);
  }
  SUBCASE("removing a run deletes the tests only it had, and stats counts the rest")
  {
    // "old" ran only in run 1; a, b and v ran in every run.
    REQUIRE(repo->remove_run(scenario.runs[0]));
    CHECK(history.stats().tests == 4);
    SQLite::Database db(repository::repository_file(dir.path()).string());
    CHECK(db.execAndGet("SELECT count(*) FROM tests WHERE name = 'old'").getInt() == 0);
    CHECK(db.execAndGet("SELECT count(*) FROM tests WHERE name IN ('a', 'b', 'v', 's')").getInt() == 4);
    REQUIRE(repo->remove_run(scenario.runs[3])); // the only run of s
    CHECK(history.stats().tests == 3);
    CHECK(history.test_history("v").size() == 2);
    CHECK(history.test_history("s").empty());
    CHECK(db.execAndGet("SELECT count(*) FROM test_hashes h JOIN tests t ON t.id = h.id").getInt() == 3);
    CHECK(db.execAndGet("SELECT count(*) FROM test_hashes").getInt() == 3);
  }
  SUBCASE("nothing to prune")
  {
    CHECK(history.prune({10, std::nullopt}).runs_removed == 0);
    CHECK(repo->list_runs().size() == 4);
  }
}
