#pragma once

#include "bisectr/model/run.hpp"
#include "bisectr/report/flake_stats.hpp"
#include "bisectr/report/flaky_page.hpp"
#include "bisectr/report/run_page.hpp"
#include "bisectr/repository/history.hpp"

#include <cstddef>
#include <vector>

namespace bisectr::repository {
class Repository;
}

namespace bisectr::report {

/// What the flaky page shows at most.
struct FlakyPageOptions {
  repository::StatsFilter filter;
  std::size_t max_tests = 100;   ///< rows of the heat map, for flaky and for broken tests each
  std::size_t max_runs = 1000;   ///< columns: the newest runs the filter keeps
};

/// Cluster options for these stats: the worker count is the most workers seen in the newest run
/// or in any test's failures.
ClusterOptions cluster_options(repository::Repository& repository, const std::vector<repository::TestStats>& stats);

/// Gathers the flaky page from the repository's history queries (one test_history per row).
FlakyPage collect_flaky_page(repository::Repository& repository, const FlakyPageOptions& options);

/// Gathers a run's page; throws util::UsageError when the run does not exist.
RunPage collect_run_page(repository::Repository& repository, model::RunId run);

} // namespace bisectr::report
