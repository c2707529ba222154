#include "bisectr/scheduler/partition.hpp"

#include <algorithm>
#include <limits>
#include <numeric>
#include <random>
#include <stdexcept>

namespace bisectr::scheduler {

namespace {

double fallback_duration(const std::vector<std::string>& ids, const std::map<std::string, double>& durations)
{
  double sum = 0.0;
  std::size_t known = 0;
  for (const auto& id : ids) {
    if (auto it = durations.find(id); it != durations.end()) {
      sum += it->second;
      ++known;
    }
  }
  return known == 0 ? 1.0 : sum / static_cast<double>(known);
}

// Unbiased draw in [0, bound] by rejection: std::uniform_int_distribution differs between
// standard libraries, and a seed must give the same order everywhere.
std::uint64_t bounded(std::mt19937_64& engine, std::uint64_t bound)
{
  if (bound == std::numeric_limits<std::uint64_t>::max()) {
    return engine();
  }
  const std::uint64_t range = bound + 1;
  const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % range;
  std::uint64_t value = engine();
  while (value >= limit) {
    value = engine();
  }
  return value % range;
}

void shuffle_with(std::vector<std::string>& ids, std::mt19937_64& engine)
{
  for (std::size_t i = ids.size(); i > 1; --i) {
    const auto j = static_cast<std::size_t>(bounded(engine, i - 1));
    std::swap(ids[i - 1], ids[j]);
  }
}

} // namespace

std::vector<std::vector<std::string>> partition(const std::vector<std::string>& ids, std::size_t workers,
                                                const std::map<std::string, double>& durations)
{
  if (workers == 0) {
    throw std::invalid_argument("partition: at least one worker is needed");
  }
  const double fallback = fallback_duration(ids, durations);
  std::vector<double> cost(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto it = durations.find(ids[i]);
    cost[i] = it != durations.end() ? it->second : fallback;
  }
  std::vector<std::size_t> order(ids.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return cost[a] > cost[b]; });

  std::vector<double> load(workers, 0.0);
  std::vector<std::vector<std::size_t>> assigned(workers);
  for (std::size_t index : order) {
    const auto lightest = static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    load[lightest] += cost[index];
    assigned[lightest].push_back(index);
  }
  std::vector<std::vector<std::string>> lists(workers);
  for (std::size_t w = 0; w < workers; ++w) {
    std::sort(assigned[w].begin(), assigned[w].end());
    for (std::size_t index : assigned[w]) {
      lists[w].push_back(ids[index]);
    }
  }
  return lists;
}

void shuffle(std::vector<std::string>& ids, std::uint64_t seed)
{
  std::mt19937_64 engine(seed);
  shuffle_with(ids, engine);
}

void shuffle_each(std::vector<std::vector<std::string>>& lists, std::uint64_t seed)
{
  std::mt19937_64 engine(seed);
  for (auto& list : lists) {
    shuffle_with(list, engine);
  }
}

std::uint64_t draw_seed()
{
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32U) ^ static_cast<std::uint64_t>(device());
}

} // namespace bisectr::scheduler
