#include "simulated_probe.hpp"

#include "bisectr/bisect/information.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace bisectr::test {

namespace {

constexpr double k_median_seconds = 0.2;
constexpr double k_log_sigma = 1.0;
constexpr std::size_t k_estimate_failures = 3;
constexpr std::size_t k_max_retries = 100;

struct Tally
{
  bisect::Verdict verdict;
  void add(const bisect::TrialResult& result)
  {
    verdict.runs += result.runs;
    verdict.test_seconds += result.seconds;
    verdict.wall_seconds += result.seconds;
    verdict.trials += 1;
  }
};

bisect::TrialRequest request(std::vector<std::size_t> subset, std::size_t max_runs)
{
  bisect::TrialRequest trial;
  trial.subset = std::move(subset);
  trial.max_runs = max_runs;
  return trial;
}

} // namespace

Scenario make_scenario(const ScenarioSpec& spec)
{
  std::mt19937_64 rng(spec.seed);
  std::lognormal_distribution<double> duration(std::log(k_median_seconds), k_log_sigma);
  Scenario scenario;
  scenario.problem.candidate_seconds.resize(spec.n);
  for (double& seconds : scenario.problem.candidate_seconds) {
    seconds = duration(rng);
  }
  scenario.problem.victim_seconds = duration(rng);
  scenario.problem.startup_seconds = spec.startup_seconds;
  std::vector<std::size_t> all(spec.n);
  std::iota(all.begin(), all.end(), std::size_t{0});
  std::shuffle(all.begin(), all.end(), rng);
  scenario.culprits.assign(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(std::min(spec.k, spec.n)));
  std::sort(scenario.culprits.begin(), scenario.culprits.end());
  scenario.q = spec.q;
  scenario.q0 = spec.noise ? spec.q * k_noise_ratio : 0.0;
  scenario.inverse = spec.inverse;
  return scenario;
}

bool verdict_is_right(const Scenario& scenario, const bisect::Verdict& verdict)
{
  if (scenario.culprits.empty()) {
    return verdict.kind == bisect::VerdictKind::FailsAlone;
  }
  return verdict.kind == bisect::VerdictKind::Found && verdict.culprits == scenario.culprits;
}

SimulatedProbe::SimulatedProbe(const Scenario& scenario, std::uint64_t seed) : m_scenario(&scenario), m_rng(seed)
{
}

bool SimulatedProbe::triggered(const std::vector<std::size_t>& subset) const
{
  if (m_scenario->culprits.empty()) {
    return true;
  }
  bool all = std::all_of(m_scenario->culprits.begin(), m_scenario->culprits.end(), [&](std::size_t culprit) {
    return std::binary_search(subset.begin(), subset.end(), culprit);
  });
  return all != m_scenario->inverse;
}

bisect::TrialResult SimulatedProbe::run(const bisect::TrialRequest& request)
{
  double rate = triggered(request.subset) ? m_scenario->q : m_scenario->q0;
  double seconds = bisect::run_seconds(m_scenario->problem, request.subset);
  std::bernoulli_distribution fails(rate);
  bisect::TrialResult result;
  while (result.runs < request.max_runs && result.failures == 0) {
    ++result.runs;
    result.failures += fails(m_rng) ? std::size_t{1} : std::size_t{0};
  }
  result.seconds = seconds * static_cast<double>(result.runs);
  return result;
}

std::vector<bisect::TrialResult> SimulatedProbe::operator()(const std::vector<bisect::TrialRequest>& batch)
{
  std::vector<bisect::TrialResult> results;
  results.reserve(batch.size());
  for (const bisect::TrialRequest& request : batch) {
    results.push_back(run(request));
  }
  return results;
}

bisect::Verdict by_hand_halving(const Scenario& scenario, double confidence, SimulatedProbe& probe, Halving halving)
{
  Tally tally;
  std::vector<std::size_t> list(scenario.problem.candidate_seconds.size());
  std::iota(list.begin(), list.end(), std::size_t{0});
  std::size_t cap = bisect::runs_to_reproduce(0.01, confidence);
  std::size_t failures = 0;
  std::size_t runs = 0;
  while (failures < k_estimate_failures) {
    bisect::TrialResult result = probe.run(request(list, cap));
    tally.add(result);
    failures += result.failures;
    runs += result.runs;
    if (result.failures == 0) {
      tally.verdict.kind = bisect::VerdictKind::NotReproducible;
      return tally.verdict;
    }
  }
  std::size_t budget = bisect::runs_to_reproduce(static_cast<double>(failures) / static_cast<double>(runs), confidence);
  bisect::TrialResult alone = probe.run(request({}, budget));
  tally.add(alone);
  if (alone.failures > 0) {
    tally.verdict.kind = bisect::VerdictKind::FailsAlone;
    return tally.verdict;
  }
  std::size_t retries = 0;
  while (list.size() > 1) {
    std::vector<std::size_t> first(list.begin(), list.begin() + static_cast<std::ptrdiff_t>(list.size() / 2));
    std::vector<std::size_t> second(list.begin() + static_cast<std::ptrdiff_t>(first.size()), list.end());
    bisect::TrialResult result = probe.run(request(first, budget));
    tally.add(result);
    if (result.failures > 0) {
      list = std::move(first);
      continue;
    }
    if (halving != Halving::FirstHalfOnly) {
      bisect::TrialResult other = probe.run(request(second, budget));
      tally.add(other);
      if (other.failures == 0 && halving == Halving::EachHalfRetry && retries++ < k_max_retries) {
        continue;
      }
    }
    list = std::move(second);
  }
  tally.verdict.kind = bisect::VerdictKind::Found;
  tally.verdict.culprits = list;
  return tally.verdict;
}

} // namespace bisectr::test
