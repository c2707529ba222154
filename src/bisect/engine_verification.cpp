// The engine's verification: the checks a leading hypothesis must pass before it is the verdict.
#include "bisectr/bisect/engine.hpp"

#include "bisectr/bisect/information.hpp"
#include "bisectr/util/error.hpp"
#include "engine_support.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace bisectr::bisect {

namespace {

constexpr double k_deterministic_q = 0.9; // from this q_hat on, verification credits the search's runs too
constexpr std::size_t k_one_failure_budget = 3; // above this budget a check expecting failures needs two
constexpr std::size_t k_strict_failures = 2;    // at or under it, this many runs in a row must fail

} // namespace

bool Engine::Check::resolved() const
{
  // A check expecting failures is lost as soon as the runs left cannot bring the ones it needs.
  const std::size_t left = budget - std::min(budget, runs);
  if (expect_failure) {
    return passed() || runs >= budget || failures + left < needed;
  }
  return failures >= 1 || runs >= budget;
}

double Engine::Check::log_ratio() const
{
  if (rate <= noise || noise <= 0.0) {
    return rate > noise ? std::numeric_limits<double>::infinity() : 0.0;
  }
  auto f = static_cast<double>(failures);
  auto p = static_cast<double>(runs - std::min(runs, failures));
  return f * std::log(rate / noise) + p * (std::log1p(-rate) - std::log1p(-noise));
}

bool Engine::Check::passed() const
{
  return expect_failure ? failures >= needed && log_ratio() >= log_ratio_needed : (failures == 0 && runs >= budget);
}

Engine::Verification Engine::make_verification(const Members& target, std::size_t budget) const
{
  Verification verification{target, {}, budget};
  // Earlier runs of the same subset count towards a check that must pass, unless any failed, but
  // for a flaky victim only those of the reproduce and control trials: they were planned before
  // any suspect led. Search trials are chosen because they split off the leader, and their passes
  // are what made it lead: crediting them named a wrong single culprit for a victim failing on its
  // own (n = 64, q = 1/30: 87.5% right). At q = 1/3 the leader's own failures put the estimate
  // above the 0.5 that used to mark "flaky", search trials were credited, and 7% of such victims
  // got a culprit (n = 64, 200 scenarios: 93.0% right; 96.5% with this limit). A pass of a
  // deterministic victim (q = 1) is no accident: there the search's runs still count. Passes of
  // the victim alone count whatever ran them (normal mode): they weigh "fails on its own" against
  // every single at once, not the leader against the rest (goal cell n = 500, q = 1/30, k = 1:
  // 1,010.7 -> 905.4 runs, still 100% right; the "fails alone" cells at most 0.5 points lower).
  const bool deterministic = q_plan() >= k_deterministic_q;
  auto credit = [this, deterministic](Check check) {
    std::size_t runs = 0;
    bool failed = false;
    for (const Trial& trial : m_trials) {
      const bool unbiased = trial.request.kind == TrialKind::Reproduce || trial.request.kind == TrialKind::Control ||
                            (deterministic && trial.request.kind == TrialKind::Search) ||
                            (!m_options.inverse && trial.request.subset.empty());
      if (unbiased && trial.request.subset == check.subset) {
        runs += trial.result.runs;
        failed = failed || trial.result.failures > 0;
      }
    }
    check.runs = failed ? 0 : std::min(runs, check.budget);
    return check;
  };
  auto without = [this](std::vector<std::size_t> removed) {
    std::vector<std::size_t> rest;
    for (std::size_t i : full_order()) {
      if (std::find(removed.begin(), removed.end(), i) == removed.end()) {
        rest.push_back(i);
      }
    }
    return rest;
  };
  // A check that expects failures asks for two of a flaky victim (a one-failure budget over 3
  // runs: q_low under 0.63 at c = 0.95). Background failures (q0 = q/20) passed a first failure
  // too often: one of two needed polluters was named alone, or the victim "failed on its own"
  // (n = 500, q = 1/3, k = 2, noise: 6 of 50 wrong). Two failures in the budget for two, at a
  // twentieth of the rate, happen 2-6% of the time.
  // The failures a check expecting them sees must also be likelier at the leader's rate (the low
  // end of its interval, the one the budget was sized by) than at the background rate the
  // posterior gives the runs without it, by 1 / (1 - c). At n = 5,000 one of two needed polluters
  // led alone (the pair was not modelled) and its check passed on background failures of the
  // polluter alone (q = 1, noise q/20: 4 of 10 right).
  const std::size_t leader = m_set.index_of(target);
  const double noise = leader < m_set.size() ? posterior().noise[leader] : 0.0;
  const double rate = 1.0 - std::pow(1.0 - m_options.confidence, 1.0 / static_cast<double>(std::max<std::size_t>(budget, 1)));
  auto expecting = [&](std::vector<std::size_t> subset) {
    Check check{std::move(subset), true, budget, 0, 0, 1};
    check.rate = rate;
    check.noise = noise;
    check.log_ratio_needed = -std::log1p(-m_options.confidence);
    if (budget > k_one_failure_budget) {
      check.needed = 2;
      check.budget = runs_to_fail_twice(budget, m_options.confidence);
    } else {
      // A budget this small means the leader looks deterministic: it failed in (nearly) every run
      // that held it. Then k_strict_failures runs in a row must fail. A flaky victim's search can
      // leave a wrong leader that failed in all of its few runs (n = 500, q = 1/3, k = 0, seeds
      // 9031, 9109, 9135, 9142, 9160: a culprit named after one failing check run); two in a row
      // happen to it 1 time in 9 at q = 1/3, and cost a deterministic culprit one cheap run
      // (n = 64, q = 1, k = 1, 200 scenarios: 11.7 -> 12.6 runs).
      check.needed = k_strict_failures;
      check.budget = k_strict_failures;
    }
    return check;
  };
  if (!m_options.inverse) {
    // Sufficient: the members make the victim fail. Needed: without any one of them it passes
    // (for a single culprit, the victim alone passes).
    verification.checks.push_back(expecting(target));
    for (std::size_t k = 0; !target.empty() && k < target.size(); ++k) {
      std::vector<std::size_t> rest = target;
      rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(k));
      verification.checks.push_back(credit({rest, false, budget, 0, 0}));
    }
  } else if (target.empty()) {
    verification.checks.push_back(expecting(full_order()));
  } else {
    // Removing any one member makes the victim fail; with all of them present it passes.
    for (std::size_t member : target) {
      verification.checks.push_back(expecting(without({member})));
    }
    verification.checks.push_back(credit({full_order(), false, budget, 0, 0}));
  }
  return verification;
}

std::vector<TrialRequest> Engine::plan_verification(const Verification& verification) const
{
  std::vector<std::size_t> open;
  for (std::size_t k = 0; k < verification.checks.size(); ++k) {
    if (!verification.checks[k].resolved()) {
      open.push_back(k);
    }
  }
  std::vector<std::size_t> copies(open.size(), 0);
  for (std::size_t slot = 0; slot < std::max(m_options.parallel, std::size_t{1}); ++slot) {
    copies[slot % open.size()] += 1;
  }
  std::vector<TrialRequest> batch;
  for (std::size_t n = 0; n < open.size(); ++n) {
    const Check& check = verification.checks[open[n]];
    std::size_t left = check.budget - std::min(check.budget, check.runs);
    std::size_t count = std::min(copies[n], std::max<std::size_t>(1, left));
    for (std::size_t c = 0; c < count; ++c) {
      TrialRequest request;
      request.subset = check.subset;
      request.max_runs = cap_budget(detail::ceil_div(std::max<std::size_t>(1, left), count), m_options.parallel);
      request.kind = TrialKind::Verify;
      request.round = next_round();
      request.target = verification.target;
      request.check = open[n];
      request.check_runs = verification.budget; // the base budget it was built from
      request.expect_failure = check.expect_failure;
      batch.push_back(std::move(request));
    }
  }
  return batch;
}

void Engine::add_verify(const TrialRequest& request, const TrialResult& result)
{
  if (!m_verification || m_verification->target != request.target) {
    m_verification = make_verification(request.target, request.check_runs);
  }
  if (request.check >= m_verification->checks.size()) {
    throw util::Error("bisect verification trial names an unknown check");
  }
  Check& check = m_verification->checks[request.check];
  check.runs += result.runs;
  check.failures += result.failures;
  m_phase = Phase::Verify;
}

void Engine::settle_verification()
{
  if (!m_verification) {
    return;
  }
  bool all_passed = true;
  bool any_failed = false;
  for (const Check& each : m_verification->checks) {
    any_failed = any_failed || (each.resolved() && !each.passed());
    all_passed = all_passed && each.resolved() && each.passed();
  }
  if (!any_failed && !all_passed) {
    return;
  }
  // The checks' own runs must also leave the hypothesis at the confidence, or the search goes on.
  std::size_t h = m_set.index_of(m_verification->target);
  if (all_passed && h < m_set.size() && posterior().weights[h] >= m_options.confidence) {
    Members target = m_verification->target;
    VerdictKind kind = target.empty() ? VerdictKind::FailsAlone : VerdictKind::Found;
    m_verification.reset();
    finish(kind, std::move(target));
    return;
  }
  m_verification.reset();
  ++m_failed_verifications;
  m_search_since_failure = 0;
  m_phase = Phase::Search;
}

} // namespace bisectr::bisect
