#include "bisectr/report/flake_stats.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace bisectr::report {

namespace {

std::optional<Cluster> top_cluster(const std::vector<repository::NamedCount>& counts, std::int64_t failures)
{
  if (counts.empty() || failures <= 0) {
    return std::nullopt;
  }
  const auto top = std::max_element(counts.begin(), counts.end(),
                                    [](const auto& a, const auto& b) { return a.count < b.count; });
  return Cluster{top->name, top->count, static_cast<double>(top->count) / static_cast<double>(failures)};
}

bool surer_first(const FlakeAssessment& a, const FlakeAssessment& b)
{
  return std::make_tuple(-a.flip_rate.lower, -a.failure_rate.lower, a.stats.test_id) <
         std::make_tuple(-b.flip_rate.lower, -b.failure_rate.lower, b.stats.test_id);
}

} // namespace

std::string to_string(Verdict verdict)
{
  switch (verdict) {
  case Verdict::Flaky: return "flaky";
  case Verdict::Broken: return "broken";
  case Verdict::Stable: return "stable";
  }
  return "stable";
}

double binomial_tail(std::int64_t k, std::int64_t n, double p)
{
  if (k <= 0) {
    return 1.0;
  }
  if (k > n || p <= 0.0) {
    return 0.0;
  }
  if (p >= 1.0) {
    return 1.0;
  }
  double total = 0.0;
  const auto dn = static_cast<double>(n);
  for (std::int64_t i = k; i <= n; ++i) {
    const auto di = static_cast<double>(i);
    // Log space: n can be in the thousands, where the coefficients overflow a double.
    const double log_term = std::lgamma(dn + 1.0) - std::lgamma(di + 1.0) - std::lgamma(dn - di + 1.0) +
                            di * std::log(p) + (dn - di) * std::log1p(-p);
    total += std::exp(log_term);
  }
  return std::min(total, 1.0);
}

FlakeAssessment assess(const repository::TestStats& stats, const ClusterOptions& options)
{
  FlakeAssessment result;
  result.stats = stats;
  const std::int64_t failures = std::min(stats.failures, stats.runs);
  result.verdict = failures == 0 ? Verdict::Stable : (failures == stats.runs ? Verdict::Broken : Verdict::Flaky);
  result.failure_rate = util::wilson_interval(failures, stats.runs);
  const std::int64_t pairs = std::max<std::int64_t>(stats.runs - 1, 0);
  result.flip_rate = util::wilson_interval(std::min(stats.flips, pairs), pairs);
  if (failures < options.min_failures) {
    return result;
  }
  auto worker = top_cluster(stats.failure_workers, failures);
  if (worker && options.worker_count > 1 &&
      binomial_tail(worker->failures, failures, 1.0 / static_cast<double>(options.worker_count)) <
          options.significance) {
    result.worker_cluster = worker;
  }
  auto predecessor = top_cluster(stats.failure_predecessors, failures);
  if (predecessor && predecessor->share >= options.min_predecessor_share) {
    result.predecessor_cluster = predecessor;
  }
  return result;
}

std::vector<FlakeAssessment> rank_flaky(const std::vector<repository::TestStats>& stats, const ClusterOptions& options)
{
  std::vector<FlakeAssessment> flaky;
  std::vector<FlakeAssessment> broken;
  for (const auto& test : stats) {
    auto assessment = assess(test, options);
    if (assessment.verdict == Verdict::Flaky) {
      flaky.push_back(std::move(assessment));
    } else if (assessment.verdict == Verdict::Broken) {
      broken.push_back(std::move(assessment));
    }
  }
  std::sort(flaky.begin(), flaky.end(), surer_first);
  std::sort(broken.begin(), broken.end(),
            [](const auto& a, const auto& b) { return a.stats.test_id < b.stats.test_id; });
  flaky.insert(flaky.end(), std::make_move_iterator(broken.begin()), std::make_move_iterator(broken.end()));
  return flaky;
}

} // namespace bisectr::report
