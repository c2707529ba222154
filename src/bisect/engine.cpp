#include "bisectr/bisect/engine.hpp"

#include "bisectr/bisect/information.hpp"
#include "bisectr/bisect/planner.hpp"
#include "bisectr/util/error.hpp"
#include "engine_support.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace bisectr::bisect {

namespace {

// Runs per search trial = ceil(k_search_budget / q_hat). Searching first, 0.25 -> 0.1 took the goal
// cell (n = 500, q = 1/30, 100 scenarios) from 13,708 to 12,628 test-seconds in as many runs.
constexpr double k_search_budget = 0.1;
constexpr std::size_t k_reproduce_rounds = 32; // the reproduction budget is spread over this many rounds
constexpr double k_min_q = 0.003;
constexpr double k_cost_max_q = 0.15;        // prefixes compete on bits per second only at this q_hat or under
constexpr double k_cost_max_pair_mass = 0.5; // ... and while pairs hold at most this posterior mass
constexpr double k_verify_level = 0.8; // verification budgets use the low end of this interval of q
constexpr double k_max_q = 0.995;
constexpr double k_probe_share = 0.7;     // a pair probe holds each candidate of the failure pool with this probability
constexpr std::size_t k_balance_cap = 4;   // a parallel search trial runs at most this many times its budget
constexpr std::size_t k_random_every = 3;  // with one worker, every third search trial is random
// Searching first with no failure anywhere: after this share of the reproduction budget's runs in
// seconds of the full order (or this many times its runs), copies of the full order take over.
constexpr double k_fallback_share = 0.5;
constexpr std::size_t k_fallback_runs = 4;

std::uint64_t splitmix(std::uint64_t x)
{
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

} // namespace

Engine::Engine(Problem problem, Options options)
    : m_problem(std::move(problem)), m_options(options),
      m_set(m_problem.candidate_seconds.size(), options.inverse, options.count_observed_failure ? 1U : 0U)
{
  validate(m_problem, m_options);
  m_full_seconds = std::max(run_seconds(m_problem, full_order()), 1e-9);
  if (searches_first()) {
    m_phase = Phase::Search;
    // Nothing is verified before the search's first trial: a background failure of the first
    // control run alone made "fails on its own" lead, and noise then passed its check (n = 500,
    // q = 1, k = 1, noise: 3 of 50 wrong; 1 with this rule).
    m_search_since_failure = 0;
  }
  // Up to max_pair_candidates the pairs are modelled from the start: opened later, over a pool
  // picked by the singles model, they can miss a pair whose members look innocent alone.
  std::size_t m = m_problem.candidate_seconds.size();
  if (m >= 2 && m <= m_options.max_pair_candidates) {
    m_set.open_pairs(full_order(), {});
  } else {
    m_missed.assign(m, 0);
    m_left_out.assign(m, 0);
  }
}

bool Engine::searches_first() const
{
  // The user's failing run already shows that the full order reproduces: search at once, and let
  // the search's own failures estimate q. Full-order copies that only wait for one failure were a
  // third of the test-seconds at n = 500, q = 1/30 (35 runs of the whole order).
  return !m_options.inverse && m_options.count_observed_failure;
}

std::vector<std::size_t> Engine::full_order() const
{
  std::vector<std::size_t> all(m_problem.candidate_seconds.size());
  std::iota(all.begin(), all.end(), std::size_t{0});
  return all;
}

std::vector<std::size_t> Engine::reproducing_subset() const
{
  return m_options.inverse ? std::vector<std::size_t>{} : full_order();
}

std::vector<std::size_t> Engine::control_subset() const
{
  return m_options.inverse ? full_order() : std::vector<std::size_t>{};
}

const Posterior& Engine::posterior() const
{
  if (!m_posterior) {
    m_posterior = compute_posterior(m_set, m_model);
  }
  return *m_posterior;
}

std::size_t Engine::next_round() const
{
  return m_trials.empty() ? 0 : m_trials.back().request.round + 1;
}

std::size_t Engine::remaining_runs() const
{
  if (m_options.max_runs == 0) {
    return static_cast<std::size_t>(-1);
  }
  return m_options.max_runs > m_runs ? m_options.max_runs - m_runs : 0;
}

std::size_t Engine::cap_budget(std::size_t wanted, std::size_t slots) const
{
  return std::max<std::size_t>(1, std::min(wanted, remaining_runs() / std::max<std::size_t>(1, slots)));
}

double Engine::pair_mass() const
{
  const Posterior& current = posterior();
  double singles = current.weights[0];
  for (std::size_t i = 0; i < m_set.candidates(); ++i) {
    singles += current.weights[1 + i];
  }
  return std::max(0.0, 1.0 - singles);
}

double Engine::q_plan() const
{
  return std::clamp(posterior().q_mean, k_min_q, k_max_q);
}

std::vector<TrialRequest> Engine::plan()
{
  if (done()) {
    return {};
  }
  if (m_phase == Phase::Reproduce) {
    return plan_reproduce();
  }
  if (m_verification) {
    return plan_verification(*m_verification);
  }
  maybe_open_pairs();
  const Posterior& current = posterior();
  if (current.weights[current.best] >= m_options.confidence && m_search_since_failure > 0) {
    // The failures that made this hypothesis lead overstate q; a low estimate keeps the checks strong.
    std::uint32_t base = m_options.count_observed_failure ? 1U : 0U;
    Interval q = jeffreys_interval(m_set.active_failures(current.best) - base, m_set.active_passes(current.best),
                                   k_verify_level);
    double q_low = q.low;
    // A flaky single culprit is told from "fails on its own" by the victim alone passing its
    // check; the rate it would fail at alone is that of all runs (every run has the victim), not
    // the leader's, which its failures made lead: sized by the leader's, 6% of n = 500 victims
    // failing alone at q = 1/10 were named a culprit (94.0% right; 100% sized by all runs).
    const bool single_flaky = m_set.members(current.best).size() == 1 && m_set.active_passes(current.best) > 0;
    if (!m_options.inverse && (single_flaky || m_set.candidates() > m_options.max_pair_candidates)) {
      // Beyond the pair limit the pairs open over candidates picked by the failures, which makes
      // a pair's own rate look higher still (a victim failing on its own was named a pair after
      // checks of 4 runs): size the checks by the rate of all runs as well.
      Interval overall = jeffreys_interval(m_failures, m_runs - m_failures, k_verify_level);
      q_low = std::min(q_low, overall.low);
    }
    std::size_t budget = runs_to_reproduce(std::clamp(q_low, m_options.q_floor, k_max_q), m_options.confidence);
    return plan_verification(make_verification(m_set.members(current.best), budget));
  }
  return plan_search();
}

std::vector<TrialRequest> Engine::plan_reproduce() const
{
  // Short rounds of K copies: stop soon after the first failure, so K workers cut the wall time
  // without multiplying the runs.
  std::size_t made = runs_of(TrialKind::Reproduce);
  std::size_t total = runs_to_reproduce(m_options.q_floor, m_options.confidence);
  std::size_t left = total - std::min(total, made);
  std::size_t copies = std::min(m_options.parallel, std::max<std::size_t>(1, left));
  std::size_t each =
      std::min(detail::ceil_div(total, k_reproduce_rounds * m_options.parallel), detail::ceil_div(left, copies));
  std::vector<TrialRequest> batch(copies);
  for (TrialRequest& request : batch) {
    request.subset = reproducing_subset();
    request.max_runs = cap_budget(std::max<std::size_t>(1, each), copies);
    request.kind = TrialKind::Reproduce;
    request.round = next_round();
  }
  return batch;
}

std::vector<TrialRequest> Engine::plan_search()
{
  std::mt19937_64 rng(splitmix(m_options.seed ^ splitmix(m_trials.size())));
  double q = q_plan();
  std::size_t budget = static_cast<std::size_t>(std::ceil(k_search_budget / q));
  std::vector<TrialRequest> batch;
  if (trials_of(TrialKind::Control) == 0) {
    batch.push_back({control_subset(), budget, TrialKind::Control, next_round(), {}, 0, 0, true});
  }
  std::vector<double> mass = marginals(m_set, posterior());
  const std::vector<std::size_t>* previous = nullptr;
  for (auto it = m_trials.rbegin(); it != m_trials.rend() && previous == nullptr; ++it) {
    previous = it->request.kind == TrialKind::Search ? &it->request.subset : nullptr;
  }
  // The first slot takes the best prefix by mass. With one worker, every k_random_every-th search
  // trial takes a weighted random order instead, as the other slots of a parallel round do: alone,
  // the best prefixes kept trying a leading single, alone or with one more, and one search ran
  // into the run cap (n = 64, q = 1/10, k = 2 with noise, seed 8182).
  bool first = m_options.parallel > 1 || trials_of(TrialKind::Search) % k_random_every != k_random_every - 1;
  if (probe_pairs()) {
    // Too many candidates to model every pair from the start: the singles model cannot see two
    // polluters that are both needed (its prefixes keep leaving one out, and n = 5,000 searches
    // ran into the run cap). A random subset of the failure pool holds both with probability
    // 0.49; each of its failures narrows the pool until the pairs open over it.
    std::bernoulli_distribution keep(k_probe_share);
    std::vector<std::size_t> probe;
    for (std::size_t i : failure_pool()) {
      if (keep(rng)) {
        probe.push_back(i);
      }
    }
    batch.push_back({std::move(probe), budget, TrialKind::Search, next_round(), {}, 0, 0, true});
    first = false;
  }
  // A flaky victim's information per run is flat near the best prefix (-p ln p for small q), so
  // prefixes within a share of the best compete on bits per second (goal cell, seeds 1-100: 12,451 ->
  // 9,289 test-seconds at a share of 0.25, 10,245 at 0.4; 915 -> 1,008 runs). Not for a victim that
  // looks deterministic (there runs are what count: about log2 n of them), nor while pairs hold much
  // of the mass, nor beyond max_pair_candidates, where pairs open late over a pool: a shorter prefix
  // holds both members of a pair less often (a scaled-down n = 5,000 test, n = 120 with pairs over at
  // most 20, lost 1 of 8). At a share of 0.4, two needed polluters took 7-18% more runs for about the
  // same test-seconds. The victim alone is the cheapest run of all, but chosen for its seconds it ran
  // so often that its background failures made "fails on its own" lead (share 0.4, n = 500, q = 1/30,
  // k = 1, noise q/20, seeds 9001-9100: 98% -> 94% right, four victims "failing alone"; the same when
  // it competed only until a run of it had failed). It stays the information rule's choice alone; at
  // a share of 0.4 the goal cell took 8% more test-seconds so (seeds 1-200: 9,851.5 against 9,089.3).
  PrefixCost cost{&m_problem.candidate_seconds, m_problem.startup_seconds + m_problem.victim_seconds, 1.0, false};
  if (q <= k_cost_max_q && m_set.candidates() <= m_options.max_pair_candidates && pair_mass() <= k_cost_max_pair_mass) {
    cost.share = m_options.cost_share;
  }
  while (batch.size() < m_options.parallel || batch.empty()) {
    SubsetChoice choice;
    if (first) {
      choice = best_prefix(m_set, posterior(), order_by_mass(mass, m_problem.candidate_seconds), cost);
    }
    // A deterministic choice that repeats the last subset can stall: randomise it.
    if (!first || (previous != nullptr && choice.subset == *previous)) {
      choice = best_prefix(m_set, posterior(), weighted_random_order(mass, rng), cost);
    }
    first = false;
    batch.push_back({std::move(choice.subset), budget, TrialKind::Search, next_round(), {}, 0, 0, true});
  }
  balance(batch);
  for (TrialRequest& request : batch) {
    request.max_runs = cap_budget(request.max_runs, batch.size());
  }
  return batch;
}

void Engine::balance(std::vector<TrialRequest>& batch) const
{
  // The trials of a round run side by side and the round lasts as long as the costliest one: a
  // cheaper subset gets more runs, up to that trial's seconds (at most k_balance_cap times its
  // budget), so that no worker idles.
  double longest = 0.0;
  for (const TrialRequest& request : batch) {
    longest = std::max(longest, static_cast<double>(request.max_runs) * run_seconds(m_problem, request.subset));
  }
  for (TrialRequest& request : batch) {
    double each = std::max(run_seconds(m_problem, request.subset), 1e-9);
    double most = static_cast<double>(request.max_runs * k_balance_cap);
    double fits = std::floor(longest / each);
    request.max_runs = std::max(request.max_runs, static_cast<std::size_t>(std::min(most, fits)));
  }
}

std::size_t Engine::trials_of(TrialKind kind) const
{
  return static_cast<std::size_t>(std::count_if(m_trials.begin(), m_trials.end(),
                                                [kind](const Trial& trial) { return trial.request.kind == kind; }));
}

std::size_t Engine::runs_of(TrialKind kind) const
{
  std::size_t runs = 0;
  for (const Trial& trial : m_trials) {
    runs += trial.request.kind == kind ? trial.result.runs : 0;
  }
  return runs;
}

void Engine::record(const TrialRequest& request, const TrialResult& result)
{
  record_round({request}, {result});
}

void Engine::record_round(const std::vector<TrialRequest>& requests, const std::vector<TrialResult>& results)
{
  if (requests.size() != results.size()) {
    throw util::Error("bisect round has " + std::to_string(results.size()) + " results for " +
                      std::to_string(requests.size()) + " trials");
  }
  bool verified = false;
  for (std::size_t k = 0; k < requests.size(); ++k) {
    add_trial(requests[k], results[k]);
    verified = verified || requests[k].kind == TrialKind::Verify;
  }
  // A verification is judged once the whole round is in: a trial finishing after the deciding
  // one still counts, so the verdict's probability is never read off part of the evidence.
  if (verified && !done()) {
    settle_verification();
  }
  if (!done() && remaining_runs() == 0) {
    finish(VerdictKind::Exhausted, {});
  }
}

void Engine::add_trial(const TrialRequest& request, const TrialResult& result)
{
  if (result.failures > result.runs) {
    throw util::Error("bisect trial reports more failures than runs");
  }
  m_trials.push_back({request, result});
  auto failures = static_cast<std::uint32_t>(result.failures);
  m_set.add(request.subset, failures, static_cast<std::uint32_t>(result.runs - result.failures));
  count_for_pool(request, result);
  m_posterior.reset();
  m_runs += result.runs;
  m_failures += result.failures;
  m_test_seconds += result.seconds;
  double& round = m_round_seconds[request.round];
  round = std::max(round, result.seconds);
  if (done()) {
    return;
  }
  if (request.kind == TrialKind::Reproduce && m_phase == Phase::Reproduce) {
    std::size_t made = runs_of(TrialKind::Reproduce);
    if (result.failures > 0) {
      m_phase = Phase::Search;
    } else if (made >= runs_to_reproduce(m_options.q_floor, m_options.confidence)) {
      finish(VerdictKind::NotReproducible, {});
    }
  } else if (request.kind == TrialKind::Search) {
    ++m_search_since_failure;
  } else if (request.kind == TrialKind::Verify) {
    add_verify(request, result);
  }
  // Searching first, the user's failure is the only one so far: when the search has spent half a
  // reproduction budget (in seconds of the full order) with no failure anywhere, copies of the full
  // order take over, so that NotReproducible keeps its meaning (the full order itself passed that
  // budget). Counted in runs alone, the fallback came after 299 cheap search runs and cost a flaky
  // victim a whole reproduction (n = 500, q = 1/30: 1 scenario in 20).
  m_full_order_runs += static_cast<double>(result.runs) * run_seconds(m_problem, request.subset) / m_full_seconds;
  std::size_t budget = runs_to_reproduce(m_options.q_floor, m_options.confidence);
  if (m_phase == Phase::Search && m_failures == 0 && searches_first() &&
      (m_full_order_runs >= k_fallback_share * static_cast<double>(budget) || m_runs >= k_fallback_runs * budget)) {
    m_phase = Phase::Reproduce;
  }
}

void Engine::finish(VerdictKind kind, Members members)
{
  m_phase = Phase::Done;
  m_end = kind;
  m_end_members = std::move(members);
}

} // namespace bisectr::bisect
