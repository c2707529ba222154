#include "bisectr/report/collect.hpp"

#include "bisectr/repository/repository.hpp"
#include "bisectr/util/error.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>

namespace bisectr::report {

namespace {

std::vector<HeatMapRun> heat_map_runs(const repository::Repository& repository, const FlakyPageOptions& options)
{
  std::vector<HeatMapRun> runs;
  for (const auto& run : repository.list_runs()) {
    if (!options.filter.since || run.started >= *options.filter.since) {
      runs.push_back({run.id, run.started});
    }
  }
  return runs;
}

HeatMapRow heat_map_row(repository::Repository& repository, FlakeAssessment assessment,
                        const std::unordered_map<model::RunId, std::size_t>& column_of)
{
  HeatMapRow row;
  row.cells.assign(column_of.size(), std::nullopt);
  for (const auto& entry : repository.history().test_history(assessment.stats.test_id)) {
    const auto it = column_of.find(entry.run);
    if (it != column_of.end()) {
      row.cells[it->second] = entry.status;
    }
  }
  row.assessment = std::move(assessment);
  return row;
}

} // namespace

ClusterOptions cluster_options(repository::Repository& repository, const std::vector<repository::TestStats>& stats)
{
  ClusterOptions options;
  if (const auto latest = repository.latest_run()) {
    options.worker_count = static_cast<std::int64_t>(repository.workers(*latest).size());
  }
  std::set<std::string> seen;
  for (const auto& test : stats) {
    for (const auto& worker : test.failure_workers) {
      seen.insert(worker.name);
    }
  }
  options.worker_count = std::max({options.worker_count, static_cast<std::int64_t>(seen.size()), std::int64_t{1}});
  return options;
}

FlakyPage collect_flaky_page(repository::Repository& repository, const FlakyPageOptions& options)
{
  FlakyPage page;
  const auto failed = repository.history().failed_test_stats(options.filter);
  const auto& stats = failed.tests;
  page.tests_considered = failed.counted_tests;
  page.runs = heat_map_runs(repository, options);
  page.runs_considered = static_cast<std::int64_t>(page.runs.size());
  if (page.runs.size() > options.max_runs) {
    page.runs.erase(page.runs.begin(), page.runs.end() - static_cast<std::ptrdiff_t>(options.max_runs));
  }
  std::unordered_map<model::RunId, std::size_t> column_of;
  for (std::size_t i = 0; i < page.runs.size(); ++i) {
    column_of.emplace(page.runs[i].id, i);
  }
  std::size_t flaky = 0;
  std::size_t broken = 0;
  // The limit applies to flaky and broken tests apart, so that many flakes cannot hide the broken.
  for (auto& assessment : rank_flaky(stats, cluster_options(repository, stats))) {
    auto& shown = assessment.verdict == Verdict::Broken ? broken : flaky;
    if (shown < options.max_tests) {
      ++shown;
      page.rows.push_back(heat_map_row(repository, std::move(assessment), column_of));
    }
  }
  return page;
}

RunPage collect_run_page(repository::Repository& repository, model::RunId run)
{
  auto summary = repository.run_summary(run);
  if (!summary) {
    throw util::UsageError("no run " + std::to_string(run) + " in the repository");
  }
  RunPage page;
  page.run = std::move(*summary);
  page.workers = repository.workers(run);
  page.results = repository.results(run, false);
  page.failures = repository.failing(run);
  return page;
}

} // namespace bisectr::report
