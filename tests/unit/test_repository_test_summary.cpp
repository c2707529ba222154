#include "bisectr/repository/history.hpp"
#include "bisectr/repository/repository.hpp"
#include "bisectr/repository/schema.hpp"
#include "fakes/temp_dir.hpp"
#include "test_repository_support.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

using namespace bisectr;
using bisectr::test::at;
using bisectr::test::make_result;
using bisectr::test::write_run;
using model::Status;

namespace {

constexpr auto S = Status::Success;
constexpr auto F = Status::Fail;

// The totals kept at commit (no since-filter) must equal the full scan (a since-filter that
// selects every run).
void check_summaries_match_scan(repository::History& history)
{
  const auto kept = history.test_stats({});
  const auto scanned = history.test_stats({model::TimePoint{}, 0});
  REQUIRE(kept.size() == scanned.size());
  for (std::size_t i = 0; i < kept.size(); ++i) {
    CAPTURE(kept[i].test_id);
    CHECK(kept[i].test_id == scanned[i].test_id);
    CHECK(kept[i].runs == scanned[i].runs);
    CHECK(kept[i].failures == scanned[i].failures);
    CHECK(kept[i].flips == scanned[i].flips);
    CHECK(kept[i].first_failure == scanned[i].first_failure);
    CHECK(kept[i].last_failure == scanned[i].last_failure);
    CHECK(kept[i].failure_workers.size() == scanned[i].failure_workers.size());
    CHECK(kept[i].failure_predecessors.size() == scanned[i].failure_predecessors.size());
  }
}

// Five runs of a, b, c: b flips, c runs twice in run 3 (fail then success), a is skipped once.
std::vector<model::RunId> write_runs(repository::Repository& repo)
{
  std::vector<model::RunId> runs;
  runs.push_back(write_run(repo, {make_result("a", S, "w0", 0, 0.0, 1.0), make_result("b", S, "w0", 1)}, 100.0));
  runs.push_back(write_run(repo, {make_result("a", S, "w0", 0, 0.0, 2.0), make_result("b", F, "w1", 0)}, 200.0));
  runs.push_back(write_run(repo,
                           {make_result("b", S, "w0", 0), make_result("c", F, "w1", 0),
                            make_result("c", S, "w1", 1, 5.0, 4.0), make_result("a", Status::Skip, "w0", 1)},
                           300.0));
  runs.push_back(write_run(repo, {make_result("a", F, "w0", 0), make_result("b", F, "w0", 1)}, 400.0));
  runs.push_back(write_run(repo, {make_result("a", S, "w1", 0, 0.0, 3.0), make_result("c", S, "w0", 0)}, 500.0));
  return runs;
}

} // namespace

TEST_CASE("repository::test_summary")
{
  test::TempDir dir;
  auto repo = repository::open_sqlite_repository(dir.path(), true);
  const auto runs = write_runs(*repo);
  auto& history = repo->history();

  SUBCASE("kept at commit, equal to the scan")
  {
    check_summaries_match_scan(history);
    const auto stats = history.test_stats({});
    REQUIRE(stats.size() == 3);
    CHECK(stats[1].test_id == "b");
    CHECK(stats[1].flips == 3);
    CHECK(stats[2].runs == 3); // c: both results of run 3 count, in status order (S, F), then S
    CHECK(stats[2].flips == 2);
    CHECK(repo->recent_durations().at("a") == doctest::Approx(3.0));
  }
  SUBCASE("remove_run recomputes them")
  {
    CHECK(repo->remove_run(runs[4]));
    check_summaries_match_scan(history);
    CHECK(repo->recent_durations().at("a") == doctest::Approx(2.0));
    CHECK(repo->recent_durations().at("c") == doctest::Approx(4.0));
    CHECK(repo->remove_run(runs[1]));
    check_summaries_match_scan(history);
  }
  SUBCASE("prune recomputes them and a new run continues them")
  {
    CHECK(history.prune({2, std::nullopt}).runs_removed == 3);
    check_summaries_match_scan(history);
    write_run(*repo, {make_result("a", S, "w0", 0, 0.0, 7.0), make_result("d", F, "w0", 1)}, 600.0);
    check_summaries_match_scan(history);
    CHECK(history.test_stats({}).size() == 4);
    CHECK(repo->recent_durations().at("a") == doctest::Approx(7.0));
  }
}

TEST_CASE("repository::migrate to version 3")
{
  test::TempDir dir;
  const auto file = repository::repository_file(dir.path());
  repository::migrate(file, 2);
  {
    SQLite::Database db(file.string(), SQLite::OPEN_READWRITE);
    CHECK_FALSE(db.tableExists("test_summary"));
    const auto ns = [](double seconds) { return std::to_string(at(seconds).time_since_epoch().count()); };
    db.exec("INSERT INTO runs (id, started_ns, source, state, total, passed, failed) VALUES "
            "(1, " + ns(100.0) + ", 'old', 0, 2, 2, 0), (2, " + ns(200.0) + ", 'old', 0, 2, 1, 1)");
    db.exec("INSERT INTO workers (id, run, name) VALUES (1, 1, 'w0'), (2, 2, 'w0')");
    db.exec("INSERT INTO tests (id, name) VALUES (1, 'x'), (2, 'y')");
    db.exec("INSERT INTO results (id, run, test, worker, sequence, status, start_ns, stop_ns) VALUES "
            "(1, 1, 1, 1, 0, 3, 0, 1000000000), (2, 1, 2, 1, 1, 3, 0, 2000000000), "
            "(3, 2, 1, 2, 0, 6, 0, 5000000000), (4, 2, 2, 2, 1, 3, 0, 3000000000)");
  }
  auto repo = repository::open_sqlite_repository(dir.path(), false);
  CHECK(repository::schema_version(file) == repository::k_schema_version);
  check_summaries_match_scan(repo->history());
  const auto stats = repo->history().test_stats({});
  REQUIRE(stats.size() == 2);
  CHECK(stats[0].test_id == "x");
  CHECK(stats[0].failures == 1);
  CHECK(stats[0].flips == 1);
  CHECK(stats[0].last_failure == at(200.0));
  const auto durations = repo->recent_durations();
  CHECK(durations.at("x") == doctest::Approx(1.0)); // its newest run failed
  CHECK(durations.at("y") == doctest::Approx(3.0));
  write_run(*repo, {make_result("x", S, "w0", 0, 0.0, 9.0)}, 300.0);
  check_summaries_match_scan(repo->history());
  CHECK(repo->recent_durations().at("x") == doctest::Approx(9.0));
}
