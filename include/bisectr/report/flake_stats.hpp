#pragma once

#include "bisectr/repository/history.hpp"
#include "bisectr/util/stats.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bisectr::report {

/// What a test's record says about it.
enum class Verdict {
  Flaky,   ///< it both passed and failed
  Broken,  ///< it failed every counted run
  Stable,  ///< it never failed
};

/// "flaky", "broken" or "stable".
std::string to_string(Verdict verdict);

/// A name (worker or preceding test) that a test's failures concentrate on.
struct Cluster {
  std::string name;
  std::int64_t failures = 0;  ///< failures on this name
  double share = 0.0;         ///< failures / all failures of the test
};

/// One test's flakiness: its stats, failure rate and flip rate with 95% Wilson intervals, clusters.
struct FlakeAssessment {
  repository::TestStats stats;
  Verdict verdict = Verdict::Stable;
  util::Proportion failure_rate;  ///< failures / runs
  util::Proportion flip_rate;     ///< flips / (runs - 1): how often consecutive runs disagree
  std::optional<Cluster> worker_cluster;       ///< set when the failures concentrate on one worker
  std::optional<Cluster> predecessor_cluster;  ///< set when they concentrate after one neighbour test
};

/// What clustering needs to know about the runs.
struct ClusterOptions {
  std::int64_t worker_count = 1;   ///< workers a run has; with one, a worker cluster means nothing
  std::int64_t min_failures = 3;   ///< fewer failures are never called a cluster
  double significance = 0.05;      ///< worker: one-sided binomial p-value against 1/worker_count
  double min_predecessor_share = 0.8;
};

/// Assesses one test's stats.
FlakeAssessment assess(const repository::TestStats& stats, const ClusterOptions& options);

/// The tests of stats that failed at least once, assessed: flaky ones first, surest first (by the
/// lower bound of the flip rate, then of the failure rate, then by id), then broken ones by id.
std::vector<FlakeAssessment> rank_flaky(const std::vector<repository::TestStats>& stats, const ClusterOptions& options);

/// P(X >= k) for X ~ Binomial(n, p): how likely k of n failures land on one name by chance.
double binomial_tail(std::int64_t k, std::int64_t n, double p);

} // namespace bisectr::report
