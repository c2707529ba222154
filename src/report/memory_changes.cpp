#include "bisectr/report/memory_changes.hpp"

#include <algorithm>
#include <map>
#include <optional>

namespace bisectr::report {

namespace {

std::int64_t magnitude(std::int64_t value)
{
  return value < 0 ? -value : value;
}

bool beyond_noise(std::int64_t before, std::int64_t after, const MemoryThresholds& thresholds)
{
  const std::int64_t change = magnitude(after - before);
  const std::int64_t base = std::max(magnitude(before), thresholds.min_bytes);
  return change >= thresholds.min_bytes && static_cast<double>(change) >= thresholds.min_ratio * static_cast<double>(base);
}

std::map<std::string, std::int64_t> growth_by_test(const std::vector<model::TestResult>& results)
{
  std::map<std::string, std::int64_t> growth;
  for (const auto& result : results) {
    if (result.rss_before_bytes && result.rss_after_bytes) {
      growth[result.test_id] = *result.rss_after_bytes - *result.rss_before_bytes;
    }
  }
  return growth;
}

std::vector<MemoryChange> changes(const std::map<std::string, std::int64_t>& before,
                                  const std::map<std::string, std::int64_t>& after, const MemoryThresholds& thresholds)
{
  std::vector<MemoryChange> found;
  for (const auto& [name, bytes_before] : before) {
    const auto it = after.find(name);
    if (it != after.end() && beyond_noise(bytes_before, it->second, thresholds)) {
      found.push_back({name, bytes_before, it->second});
    }
  }
  return found;
}

} // namespace

std::vector<MemoryChange> test_memory_changes(const std::vector<model::TestResult>& before,
                                              const std::vector<model::TestResult>& after,
                                              const MemoryThresholds& thresholds)
{
  return changes(growth_by_test(before), growth_by_test(after), thresholds);
}

std::vector<MemoryChange> worker_memory_changes(const std::vector<model::WorkerInfo>& before,
                                                const std::vector<model::WorkerInfo>& after,
                                                const MemoryThresholds& thresholds)
{
  const auto peaks = [](const std::vector<model::WorkerInfo>& workers) {
    std::map<std::string, std::int64_t> peak;
    for (const auto& worker : workers) {
      if (worker.resources.peak_rss_bytes > 0) {
        peak[worker.name] = worker.resources.peak_rss_bytes;
      }
    }
    return peak;
  };
  return changes(peaks(before), peaks(after), thresholds);
}

} // namespace bisectr::report
