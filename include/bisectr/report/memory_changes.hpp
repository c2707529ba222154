#pragma once

#include "bisectr/model/run.hpp"
#include "bisectr/model/test_result.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace bisectr::report {

/// A memory figure (a test's growth, rss after minus rss before; or a worker's peak) in two runs.
struct MemoryChange {
  std::string name;  ///< the test id or worker name
  std::int64_t bytes_before = 0;
  std::int64_t bytes_after = 0;
};

/// When a memory change counts as more than noise: the change is at least min_bytes and at
/// least min_ratio of max(|before|, min_bytes).
struct MemoryThresholds {
  std::int64_t min_bytes = 16 * 1024 * 1024;
  double min_ratio = 0.5;
};

/// Tests present in both runs with rss figures whose growth during the test changed beyond the
/// thresholds, ordered by test id (imported runs have no figures and give none).
std::vector<MemoryChange> test_memory_changes(const std::vector<model::TestResult>& before,
                                              const std::vector<model::TestResult>& after,
                                              const MemoryThresholds& thresholds);

/// Workers present in both runs whose peak memory changed beyond the thresholds, by name.
std::vector<MemoryChange> worker_memory_changes(const std::vector<model::WorkerInfo>& before,
                                                const std::vector<model::WorkerInfo>& after,
                                                const MemoryThresholds& thresholds);

} // namespace bisectr::report
