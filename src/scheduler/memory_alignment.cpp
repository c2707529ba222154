#include "bisectr/scheduler/memory_alignment.hpp"

#include <algorithm>
#include <chrono>

namespace bisectr::scheduler {

namespace {

using std::chrono::nanoseconds;

// A stream's clock (the test process's wall time) and ours differ by the spawn latency and
// rounding; a second of slack keeps real tests while dropping nonsense (an epoch-based JUnit time).
constexpr nanoseconds k_slack = std::chrono::seconds{1};

bool less_at(const executor::MemorySample& sample, nanoseconds at) { return sample.at < at; }

std::int64_t before(const std::vector<executor::MemorySample>& samples, nanoseconds at)
{
  // The last sample with sample.at <= at.
  auto it = std::upper_bound(samples.begin(), samples.end(), at,
                             [](nanoseconds value, const executor::MemorySample& s) { return value < s.at; });
  return it == samples.begin() ? samples.front().rss_bytes : std::prev(it)->rss_bytes;
}

std::int64_t after(const std::vector<executor::MemorySample>& samples, nanoseconds at)
{
  auto it = std::lower_bound(samples.begin(), samples.end(), at, less_at);
  return it == samples.end() ? samples.back().rss_bytes : it->rss_bytes;
}

} // namespace

void attach_memory(std::vector<model::TestResult>& results, const std::vector<executor::MemorySample>& samples,
                   model::TimePoint launched)
{
  if (samples.empty()) {
    return;
  }
  const nanoseconds lifetime = samples.back().at;
  for (auto& result : results) {
    if (!result.start || !result.stop) {
      continue;
    }
    const nanoseconds start = *result.start - launched;
    const nanoseconds stop = *result.stop - launched;
    if (start < -k_slack || stop > lifetime + k_slack || stop < start) {
      continue;
    }
    result.rss_before_bytes = before(samples, start);
    result.rss_after_bytes = after(samples, stop);
  }
}

std::vector<model::MemoryPoint> memory_curve(const std::vector<executor::MemorySample>& samples, std::size_t max_points)
{
  std::vector<model::MemoryPoint> curve;
  if (samples.empty() || max_points == 0) {
    return curve;
  }
  const std::size_t slice = (samples.size() + max_points - 1) / max_points;
  for (std::size_t first = 0; first < samples.size(); first += slice) {
    const std::size_t last = std::min(samples.size(), first + slice);
    auto peak = std::max_element(samples.begin() + static_cast<std::ptrdiff_t>(first),
                                 samples.begin() + static_cast<std::ptrdiff_t>(last),
                                 [](const auto& a, const auto& b) { return a.rss_bytes < b.rss_bytes; });
    curve.push_back({std::chrono::duration<double>(peak->at).count(), peak->rss_bytes});
  }
  return curve;
}

} // namespace bisectr::scheduler
