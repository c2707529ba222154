// The engine's read side: verdict, progress, and the JSON state that a session is resumed from.
#include "bisectr/bisect/engine.hpp"

#include "bisectr/bisect/information.hpp"
#include "bisectr/util/error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace bisectr::bisect {

namespace {

constexpr const char* k_format = "bisectr-bisect-session";
constexpr int k_version = 1;
constexpr double k_interval_level = 0.95;
constexpr double k_noise_ratio = 0.05; // the largest background ratio the model allows
constexpr std::size_t k_suspects = 5;

nlohmann::json request_json(const Trial& trial)
{
  const TrialRequest& r = trial.request;
  return {{"subset", r.subset},         {"max_runs", r.max_runs},   {"kind", to_string(r.kind)},
          {"round", r.round},           {"target", r.target},       {"check", r.check},
          {"check_runs", r.check_runs}, {"expect_failure", r.expect_failure},
          {"runs", trial.result.runs},  {"failures", trial.result.failures}, {"seconds", trial.result.seconds}};
}

Trial trial_from_json(const nlohmann::json& j)
{
  Trial trial;
  TrialRequest& r = trial.request;
  r.subset = j.at("subset").get<std::vector<std::size_t>>();
  r.max_runs = j.at("max_runs").get<std::size_t>();
  r.kind = trial_kind_from_string(j.at("kind").get<std::string>().c_str());
  r.round = j.at("round").get<std::size_t>();
  r.target = j.at("target").get<std::vector<std::size_t>>();
  r.check = j.at("check").get<std::size_t>();
  r.check_runs = j.at("check_runs").get<std::size_t>();
  r.expect_failure = j.at("expect_failure").get<bool>();
  trial.result.runs = j.at("runs").get<std::size_t>();
  trial.result.failures = j.at("failures").get<std::size_t>();
  trial.result.seconds = j.at("seconds").get<double>();
  return trial;
}

} // namespace

std::vector<Suspect> Engine::leading(std::size_t count) const
{
  const Posterior& current = posterior();
  std::vector<std::size_t> order(current.weights.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  count = std::min(count, order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(count), order.end(),
                    [&](std::size_t x, std::size_t y) {
                      return current.weights[x] != current.weights[y] ? current.weights[x] > current.weights[y]
                                                                      : x < y;
                    });
  std::vector<Suspect> suspects;
  for (std::size_t k = 0; k < count; ++k) {
    suspects.push_back({m_set.members(order[k]), current.weights[order[k]]});
  }
  return suspects;
}

Verdict Engine::base_verdict() const
{
  Verdict verdict;
  verdict.trials = m_trials.size();
  verdict.runs = m_runs;
  verdict.test_seconds = m_test_seconds;
  for (const auto& [round, seconds] : m_round_seconds) {
    verdict.wall_seconds += seconds;
  }
  for (const Trial& trial : m_trials) {
    bool reproduce = trial.request.kind == TrialKind::Reproduce;
    bool control = trial.request.kind == TrialKind::Control;
    verdict.reproduce_runs += reproduce ? trial.result.runs : 0;
    verdict.reproduce_failures += reproduce ? trial.result.failures : 0;
    verdict.control_runs += control ? trial.result.runs : 0;
    verdict.control_failures += control ? trial.result.failures : 0;
  }
  verdict.suspects = leading(k_suspects);
  return verdict;
}

Verdict Engine::verdict() const
{
  Verdict verdict = base_verdict();
  verdict.kind = done() ? m_end : VerdictKind::Exhausted;
  if (verdict.kind == VerdictKind::NotReproducible) {
    verdict.q_interval = jeffreys_interval(0, verdict.reproduce_runs, k_interval_level);
    verdict.q_estimate = verdict.q_interval.high;
    verdict.probability = 1.0 - std::pow(1.0 - m_options.q_floor, static_cast<double>(verdict.reproduce_runs));
    return verdict;
  }
  Members members = verdict.kind == VerdictKind::Exhausted ? verdict.suspects.front().members : m_end_members;
  std::size_t h = m_set.index_of(members);
  if (h >= m_set.size()) {
    return verdict;
  }
  if (verdict.kind == VerdictKind::Found) {
    verdict.culprits = members;
  }
  verdict.probability = posterior().weights[h];
  // The user's own failing run selected this search; it is left out of the estimate of q.
  std::uint32_t base = m_options.count_observed_failure ? 1U : 0U;
  std::uint64_t a = m_set.active_failures(h) - base;
  std::uint64_t b = m_set.active_passes(h);
  verdict.q_estimate = (static_cast<double>(a) + 0.5) / (static_cast<double>(a + b) + 1.0);
  verdict.q_interval = jeffreys_interval(a, b, k_interval_level);
  verdict.others_may_exist = verdict.kind == VerdictKind::Found && others_may_exist(h, verdict.q_estimate);
  return verdict;
}

bool Engine::others_may_exist(std::size_t h, double q) const
{
  // Another candidate that keeps failing the victim while h is inactive, more often than
  // background noise allows. A hint, not a verdict: no correction for the many candidates tried.
  std::size_t m = m_set.candidates();
  std::vector<std::uint64_t> failures(m, 0);
  std::vector<std::uint64_t> runs(m, 0);
  for (const Trial& trial : m_trials) {
    std::vector<char> included = inclusion_mask(m, trial.request.subset);
    if (m_set.active(h, included)) {
      continue;
    }
    for (std::size_t j = 0; j < m; ++j) {
      if ((included[j] != 0) != m_options.inverse) {
        failures[j] += trial.result.failures;
        runs[j] += trial.result.runs;
      }
    }
  }
  double threshold = 1.0 - m_options.confidence;
  for (std::size_t j = 0; j < m; ++j) {
    if (failures[j] >= 2 && binomial_tail(failures[j], runs[j], k_noise_ratio * q) < threshold) {
      return true;
    }
  }
  return false;
}

Progress Engine::progress() const
{
  Progress progress;
  Verdict summary = base_verdict();
  progress.phase = m_phase;
  progress.trials = summary.trials;
  progress.runs = summary.runs;
  progress.failures = m_failures;
  progress.test_seconds = summary.test_seconds;
  progress.wall_seconds = summary.wall_seconds;
  progress.suspects = summary.suspects;
  progress.pairs_open = m_set.pairs_open();
  const Posterior& current = posterior();
  progress.q_estimate = current.q_mean;
  std::uint32_t base = m_options.count_observed_failure ? 1U : 0U;
  progress.q_interval =
      jeffreys_interval(m_set.active_failures(current.best) - base, m_set.active_passes(current.best), k_interval_level);
  if (!done()) {
    double q = std::clamp(current.q_mean, 0.003, 0.995);
    double bits = m_options.confidence * entropy_bits(current);
    progress.remaining_runs = bits / capacity(q, q * current.rho_mean) +
                              0.5 * static_cast<double>(runs_to_reproduce(q, m_options.confidence));
  }
  return progress;
}

nlohmann::json Engine::to_json() const
{
  nlohmann::json trials = nlohmann::json::array();
  for (const Trial& trial : m_trials) {
    trials.push_back(request_json(trial));
  }
  nlohmann::json pair_pools = nlohmann::json::array();
  for (const auto& [at, pool] : m_pair_pools) {
    pair_pools.push_back({{"at", at}, {"pool", pool}});
  }
  return {{"format", k_format},
          {"version", k_version},
          {"problem",
           {{"candidate_seconds", m_problem.candidate_seconds},
            {"victim_seconds", m_problem.victim_seconds},
            {"startup_seconds", m_problem.startup_seconds}}},
          {"options",
           {{"confidence", m_options.confidence},
            {"parallel", m_options.parallel},
            {"max_runs", m_options.max_runs},
            {"seed", m_options.seed},
            {"inverse", m_options.inverse},
            {"q_floor", m_options.q_floor},
            {"max_pair_candidates", m_options.max_pair_candidates},
            {"count_observed_failure", m_options.count_observed_failure},
            {"cost_share", m_options.cost_share}}},
          {"pair_pool", m_set.pair_pool()},
          {"pairs_opened_at", m_pairs_opened_at},
          {"pair_pools", pair_pools},
          {"trials", trials},
          {"phase", to_string(m_phase)},
          {"verdict", bisect::to_json(verdict())}};
}

Engine Engine::from_json(const nlohmann::json& state)
{
  try {
    if (state.at("format").get<std::string>() != k_format || state.at("version").get<int>() != k_version) {
      throw util::Error("not a bisect session of format version 1");
    }
    const nlohmann::json& p = state.at("problem");
    Problem problem{p.at("candidate_seconds").get<std::vector<double>>(), p.at("victim_seconds").get<double>(),
                    p.at("startup_seconds").get<double>()};
    const nlohmann::json& o = state.at("options");
    Options options;
    options.confidence = o.at("confidence").get<double>();
    options.parallel = o.at("parallel").get<std::size_t>();
    options.max_runs = o.at("max_runs").get<std::size_t>();
    options.seed = o.at("seed").get<std::uint64_t>();
    options.inverse = o.at("inverse").get<bool>();
    options.q_floor = o.at("q_floor").get<double>();
    options.max_pair_candidates = o.at("max_pair_candidates").get<std::size_t>();
    options.count_observed_failure = o.at("count_observed_failure").get<bool>();
    // Sessions stored before the cost share existed planned by information per run alone.
    options.cost_share = o.value("cost_share", 1.0);
    Engine engine(std::move(problem), options);
    // Pairs opened mid-search change the posterior that later verifications were judged by:
    // replay them opening at the same trial.
    // Every pool the pairs opened over, in order, with the trials recorded then (sessions written
    // before the pool could be chosen again have one).
    std::vector<std::pair<std::size_t, std::vector<std::size_t>>> pools;
    if (state.contains("pair_pools")) {
      for (const nlohmann::json& each : state.at("pair_pools")) {
        pools.emplace_back(each.at("at").get<std::size_t>(), each.at("pool").get<std::vector<std::size_t>>());
      }
    } else {
      auto pool = state.at("pair_pool").get<std::vector<std::size_t>>();
      if (!pool.empty() && !engine.m_set.pairs_open()) {
        pools.emplace_back(state.at("pairs_opened_at").get<std::size_t>(), std::move(pool));
      }
    }
    std::size_t next_pool = 0;
    // Rounds are replayed whole, as they were recorded: a verification is judged per round.
    std::vector<TrialRequest> requests;
    std::vector<TrialResult> results;
    auto flush = [&] {
      if (!requests.empty()) {
        engine.record_round(requests, results);
        requests.clear();
        results.clear();
      }
    };
    for (const nlohmann::json& trial : state.at("trials")) {
      Trial t = trial_from_json(trial);
      if (!requests.empty() && t.request.round != requests.back().round) {
        flush();
      }
      while (next_pool < pools.size() && engine.m_trials.size() + requests.size() == pools[next_pool].first) {
        flush();
        engine.set_pair_pool(pools[next_pool++].second);
      }
      requests.push_back(std::move(t.request));
      results.push_back(t.result);
    }
    flush();
    for (; next_pool < pools.size(); ++next_pool) {
      engine.set_pair_pool(pools[next_pool].second);
    }
    engine.m_posterior.reset();
    return engine;
  } catch (const nlohmann::json::exception& error) {
    throw util::Error(std::string("malformed bisect session: ") + error.what());
  }
}

} // namespace bisectr::bisect
