#include "bisectr/bisect/engine.hpp"
#include "bisectr/bisect/search.hpp"

#include "bisectr/util/error.hpp"
#include "fakes/simulated_probe.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <optional>

using namespace bisectr;

namespace {

bisect::Problem uniform_problem(std::size_t n)
{
  return {std::vector<double>(n, 1.0), 0.5, 2.0};
}

bool same_requests(const std::vector<bisect::TrialRequest>& a, const std::vector<bisect::TrialRequest>& b)
{
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (a[k].subset != b[k].subset || a[k].max_runs != b[k].max_runs || a[k].kind != b[k].kind ||
        a[k].round != b[k].round || a[k].target != b[k].target || a[k].check != b[k].check) {
      return false;
    }
  }
  return true;
}

/// Runs two engines side by side on equal outcomes (probes seeded alike) until the first is done,
/// requiring both to plan the same trials every round.
void run_in_step(bisect::Engine& first, bisect::Engine& second, const test::Scenario& scenario, std::uint64_t seed)
{
  test::SimulatedProbe probe_a(scenario, seed);
  test::SimulatedProbe probe_b(scenario, seed);
  while (!first.done()) {
    std::vector<bisect::TrialRequest> a = first.plan();
    std::vector<bisect::TrialRequest> b = second.plan();
    REQUIRE(same_requests(a, b));
    for (std::size_t k = 0; k < a.size(); ++k) {
      first.record(a[k], probe_a.run(a[k]));
      second.record(b[k], probe_b.run(b[k]));
    }
  }
}

/// A seeded simulated scenario, its probe and an engine over it.
struct Simulated
{
  test::Scenario scenario;
  test::SimulatedProbe probe;
  bisect::Engine engine;
  Simulated(const test::ScenarioSpec& spec, std::uint64_t probe_seed, const bisect::Options& options)
      : scenario(test::make_scenario(spec)), probe(scenario, probe_seed), engine(scenario.problem, options)
  {
  }
  /// Runs a round through the probe and records it.
  void run(const std::vector<bisect::TrialRequest>& batch)
  {
    std::vector<bisect::TrialResult> results;
    for (const bisect::TrialRequest& request : batch) {
      results.push_back(probe.run(request));
    }
    engine.record_round(batch, results);
  }
};

} // namespace

TEST_CASE("bisect::Engine::plan")
{
  SUBCASE("the first round searches at once: the victim alone, then K - 1 subsets")
  {
    // The user's failing run is the reproduction: no round of full-order copies comes first.
    bisect::Options options;
    options.parallel = 4;
    bisect::Engine engine(uniform_problem(10), options);
    std::vector<bisect::TrialRequest> batch = engine.plan();
    REQUIRE(batch.size() == 4);
    CHECK(batch[0].kind == bisect::TrialKind::Control);
    CHECK(batch[0].subset.empty());
    for (std::size_t k = 1; k < batch.size(); ++k) {
      CHECK(batch[k].kind == bisect::TrialKind::Search);
      CHECK(!batch[k].subset.empty());
      CHECK(batch[k].subset.size() < 10);
      CHECK(batch[k].round == 0);
    }
    CHECK(engine.progress().phase == bisect::Phase::Search);
  }
  SUBCASE("without the user's failure counted, the first round reproduces the full order, K copies in short budgets")
  {
    bisect::Options options;
    options.parallel = 4;
    options.count_observed_failure = false;
    bisect::Engine engine(uniform_problem(10), options);
    std::vector<bisect::TrialRequest> batch = engine.plan();
    REQUIRE(batch.size() == 4);
    for (const bisect::TrialRequest& request : batch) {
      CHECK(request.kind == bisect::TrialKind::Reproduce);
      CHECK(request.subset.size() == 10);
      CHECK(request.max_runs == 3); // ceil(299 / (32 * 4)): a failure in one copy ends the phase soon
    }
    CHECK(engine.progress().phase == bisect::Phase::Reproduce);
  }
  SUBCASE("inverse mode reproduces with the victim alone")
  {
    bisect::Options options;
    options.inverse = true;
    bisect::Engine engine(uniform_problem(10), options);
    CHECK(engine.plan().front().kind == bisect::TrialKind::Reproduce);
    CHECK(engine.plan().front().subset.empty());
  }
  SUBCASE("after a reproducing failure the search starts with the control (victim alone)")
  {
    bisect::Options options;
    options.count_observed_failure = false;
    bisect::Engine engine(uniform_problem(10), options);
    bisect::TrialRequest reproduce = engine.plan().front();
    engine.record(reproduce, {3, 1, 3 * 12.5});
    std::vector<bisect::TrialRequest> batch = engine.plan();
    REQUIRE(!batch.empty());
    CHECK(batch.front().kind == bisect::TrialKind::Control);
    CHECK(batch.front().subset.empty());
    CHECK(engine.progress().phase == bisect::Phase::Search);
    CHECK(engine.progress().runs == 3);
  }
  SUBCASE("invalid options are usage errors")
  {
    bisect::Options options;
    options.confidence = 1.0;
    CHECK_THROWS_AS(bisect::Engine(uniform_problem(3), options), util::UsageError);
    options.confidence = 0.9;
    options.parallel = 0;
    CHECK_THROWS_AS(bisect::Engine(uniform_problem(3), options), util::UsageError);
    options.parallel = 1;
    for (double share : {0.0, -0.5, 1.5}) {
      options.cost_share = share;
      CHECK_THROWS_AS(bisect::Engine(uniform_problem(3), options), util::UsageError);
    }
    options.cost_share = 1.0;
    CHECK_NOTHROW(bisect::Engine(uniform_problem(3), options));
  }
}

TEST_CASE("bisect::Engine::record")
{
  SUBCASE("no failure in the reproduction budget: not reproducible, stated with an upper bound on q")
  {
    bisect::Options options;
    options.count_observed_failure = false;
    bisect::Engine engine(uniform_problem(5), options);
    while (!engine.done()) {
      for (const bisect::TrialRequest& request : engine.plan()) {
        CHECK(request.kind == bisect::TrialKind::Reproduce);
        engine.record(request, {request.max_runs, 0, 7.5 * static_cast<double>(request.max_runs)});
      }
    }
    bisect::Verdict verdict = engine.verdict();
    CHECK(verdict.kind == bisect::VerdictKind::NotReproducible);
    CHECK(verdict.runs == 299);
    CHECK(verdict.reproduce_runs == 299);
    CHECK(verdict.q_interval.high < 0.02);
    CHECK(verdict.probability >= 0.95);
    CHECK(verdict.test_seconds == doctest::Approx(299 * 7.5));
  }
  SUBCASE("searching first, a victim that never fails falls back to the full order: not reproducible")
  {
    // No failure in half a reproduction budget of search seconds (or four budgets of runs): the
    // full order itself must then pass that budget, so NotReproducible means what it always meant.
    bisect::Engine engine(uniform_problem(5), {});
    std::size_t search_runs = 0;
    double search_seconds = 0.0;
    bool reproducing = false;
    while (!engine.done()) {
      for (const bisect::TrialRequest& request : engine.plan()) {
        double each = bisect::run_seconds(engine.problem(), request.subset);
        if (request.kind == bisect::TrialKind::Reproduce) {
          reproducing = true;
          CHECK(request.subset.size() == 5);
        } else {
          CHECK_FALSE(reproducing); // once reproducing, only the full order
          CHECK(request.kind != bisect::TrialKind::Verify);
          search_runs += request.max_runs;
          search_seconds += each * static_cast<double>(request.max_runs);
        }
        engine.record(request, {request.max_runs, 0, each * static_cast<double>(request.max_runs)});
      }
    }
    bisect::Verdict verdict = engine.verdict();
    double full = bisect::run_seconds(engine.problem(), {0, 1, 2, 3, 4});
    CHECK(reproducing);
    CHECK((search_seconds >= 0.5 * 299 * full || search_runs >= 4 * 299));
    CHECK(search_seconds < 0.5 * 299 * full + full * 10); // no more than a round past the threshold
    CHECK(verdict.kind == bisect::VerdictKind::NotReproducible);
    CHECK(verdict.reproduce_runs == 299);
    CHECK(verdict.runs == search_runs + 299);
    CHECK(verdict.q_interval.high < 0.02);
    CHECK(verdict.probability >= 0.95);
  }
  SUBCASE("searching first, a failure anywhere is the reproduction")
  {
    bisect::Engine engine(uniform_problem(6), {});
    std::vector<bisect::TrialRequest> batch = engine.plan();
    REQUIRE(!batch.empty());
    // The victim alone fails: the search goes on, no reproduction round follows.
    engine.record(batch.front(), {1, 1, 2.5});
    std::size_t rounds = 0;
    for (; rounds < 200 && !engine.done(); ++rounds) {
      for (const bisect::TrialRequest& request : engine.plan()) {
        CHECK(request.kind != bisect::TrialKind::Reproduce);
        engine.record(request, {request.max_runs, 0, 1.0});
      }
    }
    CHECK(rounds > 5);
  }
  SUBCASE("the run cap ends the search as exhausted with suspects")
  {
    bisect::Options options;
    options.max_runs = 20;
    Simulated sim({64, 1, 0.1, false, false, 1.0, 3}, 5, options);
    while (!sim.engine.done()) {
      sim.run(sim.engine.plan());
    }
    bisect::Verdict verdict = sim.engine.verdict();
    CHECK(verdict.kind == bisect::VerdictKind::Exhausted);
    CHECK(verdict.runs <= 20);
    CHECK(!verdict.suspects.empty());
    CHECK(verdict.culprits.empty());
  }
  SUBCASE("a final verdict holds the confidence on all of its round's evidence")
  {
    // With K parallel copies of a check, a copy finishing after the deciding one used to lower
    // the posterior below the confidence after the verdict was given (CI: 0.92 reported "found").
    // Judged trial by trial, seeds 43, 93 and 157 here ended "found" below 0.95.
    for (std::uint64_t seed = 1; seed <= 160; ++seed) {
      CAPTURE(seed);
      bisect::Options options;
      options.parallel = 2 + seed % 3;
      options.seed = seed;
      double q = seed % 2 == 0 ? 0.5 : 0.7;
      test::Scenario scenario = test::make_scenario({8 + seed % 9, 1, q, false, false, 1.0, seed});
      test::SimulatedProbe probe(scenario, seed);
      bisect::Engine engine(scenario.problem, options);
      while (!engine.done()) {
        std::vector<bisect::TrialRequest> batch = engine.plan();
        std::vector<bisect::TrialResult> results;
        for (const bisect::TrialRequest& request : batch) {
          results.push_back(probe.run(request));
        }
        engine.record_round(batch, results);
      }
      bisect::Verdict verdict = engine.verdict();
      REQUIRE(verdict.kind == bisect::VerdictKind::Found);
      CHECK(verdict.probability >= options.confidence);
    }
  }
  SUBCASE("two polluters both needed, among more candidates than the pairs modelled from the start")
  {
    // Beyond max_pair_candidates the pairs used to open over the most suspect singles, which
    // missed a partner that looks innocent alone: 8 of these 12 searches ran into the run cap
    // and two more took over 4,600 runs. Pair probes narrow a pool from the failures instead.
    for (std::uint64_t seed = 1; seed <= 6; ++seed) {
      for (double q : {1.0, 0.5}) {
        CAPTURE(seed);
        CAPTURE(q);
        bisect::Options options;
        options.max_pair_candidates = 20;
        options.max_runs = 20000;
        options.seed = seed;
        test::Scenario scenario = test::make_scenario({120, 2, q, false, false, 1.0, seed});
        test::SimulatedProbe probe(scenario, seed + 100);
        bisect::Engine engine(scenario.problem, options);
        while (!engine.done()) {
          for (const bisect::TrialRequest& request : engine.plan()) {
            engine.record(request, probe.run(request));
          }
        }
        bisect::Verdict verdict = engine.verdict();
        CHECK(verdict.kind == bisect::VerdictKind::Found);
        CHECK(verdict.culprits == scenario.culprits);
        CHECK(verdict.runs < 2000);
      }
    }
  }
  SUBCASE("two needed polluters with background failures, beyond max_pair_candidates")
  {
    // Background failures (q0 = q/20) leave out any candidate: chosen once from a few failing
    // trials, the failure pool lost a needed polluter, the other was named alone after its check
    // passed on background failures, and the session-14 engine got seeds 4, 6, 7 and 8 wrong here
    // (6 of 12 at seeds 1-12, up to 8,475 runs; n = 5,000 behaved the same).
    for (std::uint64_t seed = 1; seed <= 8; ++seed) {
      CAPTURE(seed);
      bisect::Options options;
      options.max_pair_candidates = 20;
      options.max_runs = 20000;
      options.seed = seed;
      test::Scenario scenario = test::make_scenario({120, 2, 0.5, true, false, 1.0, seed});
      test::SimulatedProbe probe(scenario, seed * 7919 + 1);
      bisect::Verdict verdict = bisect::search(scenario.problem, options, std::ref(probe));
      CHECK(verdict.kind == bisect::VerdictKind::Found);
      CHECK(verdict.culprits == scenario.culprits);
      CHECK(verdict.runs < 2500);
    }
  }
  SUBCASE("a flaky victim's sufficiency check needs two failures")
  {
    // One failure passed it before, and background failures (q0 = q/20) then named one of two
    // needed polluters alone. Drive a flaky search to its first verification, then feed it.
    Simulated sim({16, 1, 0.3, false, false, 1.0, 11}, 12, {});
    bisect::Engine& engine = sim.engine;
    std::vector<bisect::TrialRequest> batch = engine.plan();
    while (!engine.done() && batch.front().kind != bisect::TrialKind::Verify) {
      sim.run(batch);
      batch = engine.plan();
    }
    REQUIRE(batch.front().kind == bisect::TrialKind::Verify);
    const bisect::TrialRequest first = batch.front();
    REQUIRE(first.expect_failure);
    REQUIRE(first.check_runs > 3); // the one-failure budget of a flaky victim
    CHECK(first.max_runs > first.check_runs); // sized for two failures
    engine.record(first, {1, 1, 1.0});
    bisect::TrialRequest again = engine.plan().front();
    CHECK(again.kind == bisect::TrialKind::Verify);
    CHECK(again.check == first.check);
    CHECK(again.subset == first.subset);
    CHECK(again.max_runs == first.max_runs - 1);
    engine.record(again, {1, 1, 1.0});
    bisect::TrialRequest next = engine.plan().front();
    CHECK(next.kind == bisect::TrialKind::Verify);
    CHECK(next.check != first.check); // on to the check that the victim passes without them
    CHECK(!next.expect_failure);
  }
  SUBCASE("a parallel round gives its cheaper trials more runs, up to the costliest one's seconds")
  {
    bisect::Options options;
    options.parallel = 4;
    Simulated sim({200, 1, 0.05, false, false, 1.0, 21}, 22, options);
    const test::Scenario& scenario = sim.scenario;
    std::vector<bisect::TrialRequest> batch = sim.engine.plan();
    while (batch.front().kind == bisect::TrialKind::Reproduce) {
      sim.run(batch);
      batch = sim.engine.plan();
    }
    sim.run(batch); // the round with the control
    batch = sim.engine.plan();
    REQUIRE(batch.size() == 4);
    std::size_t fewest = batch.front().max_runs;
    double longest = 0.0;
    for (const bisect::TrialRequest& request : batch) {
      REQUIRE(request.kind == bisect::TrialKind::Search);
      fewest = std::min(fewest, request.max_runs);
      longest = std::max(longest, bisect::run_seconds(scenario.problem, request.subset));
    }
    bool any_longer = false;
    for (const bisect::TrialRequest& request : batch) {
      double each = bisect::run_seconds(scenario.problem, request.subset);
      CHECK(request.max_runs <= 4 * fewest);
      // No trial's budget lasts longer than the costliest trial's, unless it has only the base budget.
      CHECK((request.max_runs == fewest || static_cast<double>(request.max_runs) * each <=
                                               static_cast<double>(fewest) * longest + 1e-9));
      any_longer = any_longer || request.max_runs > fewest;
    }
    CHECK(any_longer);
  }
  SUBCASE("a round with fewer results than trials is an error")
  {
    bisect::Options options;
    options.parallel = 2;
    bisect::Engine engine(uniform_problem(5), options);
    CHECK_THROWS_AS(engine.record_round(engine.plan(), {{1, 0, 1.0}}), util::Error);
  }
  SUBCASE("more failures than runs is an error")
  {
    bisect::Engine engine(uniform_problem(5), {});
    CHECK_THROWS_AS(engine.record(engine.plan().front(), {1, 2, 1.0}), util::Error);
  }
  SUBCASE("wall time sums the longest trial of each round")
  {
    bisect::Options options;
    options.parallel = 2;
    bisect::Engine engine(uniform_problem(5), options);
    std::vector<bisect::TrialRequest> batch = engine.plan();
    engine.record(batch[0], {2, 0, 20.0});
    engine.record(batch[1], {1, 1, 10.0});
    CHECK(engine.progress().wall_seconds == doctest::Approx(20.0));
    CHECK(engine.progress().test_seconds == doctest::Approx(30.0));
  }
}

TEST_CASE("bisect::Engine cost share")
{
  // A flaky single culprit among tests of uneven cost: prefixes near the best that cost fewer
  // seconds per bit save test-seconds, and every verdict stays right.
  double seconds_by_runs = 0.0;
  double seconds_by_cost = 0.0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    CAPTURE(seed);
    test::Scenario scenario = test::make_scenario({80, 1, 1.0 / 30.0, false, false, 1.0, seed});
    for (double share : {1.0, bisect::Options{}.cost_share}) {
      CAPTURE(share);
      bisect::Options options;
      options.seed = seed;
      options.cost_share = share;
      test::SimulatedProbe probe(scenario, seed + 500);
      bisect::Verdict verdict = bisect::search(scenario.problem, options, std::ref(probe));
      CHECK(test::verdict_is_right(scenario, verdict));
      (share < 1.0 ? seconds_by_cost : seconds_by_runs) += verdict.test_seconds;
    }
  }
  MESSAGE("test-seconds by information per run ", seconds_by_runs, ", with the cost share ", seconds_by_cost);
  CHECK(seconds_by_cost < 0.9 * seconds_by_runs);
}

TEST_CASE("bisect::Engine::to_json")
{
  struct Setup
  {
    bool inverse;
    std::size_t max_pair_candidates; // below n: the pairs open lazily, mid-search
    int rounds_before_saving;
  };
  for (Setup setup : {Setup{false, 1000, 6}, Setup{true, 1000, 6}, Setup{false, 12, 12}}) {
    CAPTURE(setup.inverse);
    CAPTURE(setup.max_pair_candidates);
    test::Scenario scenario = test::make_scenario({40, 1, 0.25, true, setup.inverse, 1.0, 11});
    bisect::Options options;
    options.inverse = setup.inverse;
    options.parallel = 3;
    options.seed = 99;
    options.max_pair_candidates = setup.max_pair_candidates;
    bisect::Engine original(scenario.problem, options);
    test::SimulatedProbe probe(scenario, 12);
    for (int round = 0; round < setup.rounds_before_saving && !original.done(); ++round) {
      std::vector<bisect::TrialRequest> batch = original.plan();
      for (const bisect::TrialRequest& request : batch) {
        original.record(request, probe.run(request));
      }
    }
    SUBCASE("the state survives a text round trip and the resumed engine plans the same trials")
    {
      std::string text = original.to_json().dump();
      bisect::Engine resumed = bisect::Engine::from_json(nlohmann::json::parse(text));
      CHECK(resumed.trials().size() == original.trials().size());
      CHECK(resumed.hypotheses().pair_count() == original.hypotheses().pair_count());
      CHECK(resumed.to_json().dump() == text);
      // Both continue with the same outcomes to the same verdict.
      run_in_step(original, resumed, scenario, 77);
      CHECK(resumed.done());
      CHECK(nlohmann::json(bisect::to_json(resumed.verdict())) == bisect::to_json(original.verdict()));
      CHECK(test::verdict_is_right(scenario, original.verdict()));
    }
    SUBCASE("a session stored before the cost share existed plans by information per run alone")
    {
      nlohmann::json state = original.to_json();
      CHECK(state.at("options").at("cost_share").get<double>() == options.cost_share);
      state["options"].erase("cost_share");
      CHECK(bisect::Engine::from_json(state).options().cost_share == 1.0);
    }
    SUBCASE("a malformed session is an error")
    {
      nlohmann::json state = original.to_json();
      state["trials"][0].erase("runs");
      CHECK_THROWS_AS(bisect::Engine::from_json(state), util::Error);
      state["format"] = "something else";
      CHECK_THROWS_AS(bisect::Engine::from_json(state), util::Error);
    }
  }
}

TEST_CASE("bisect::Engine::to_json with a failure pool chosen again")
{
  // Beyond max_pair_candidates the pairs open over a pool that is chosen again as failing trials
  // double: a resumed session must reopen every pool at the trial it opened at.
  // The first of these seeds whose search chooses its pool twice before it ends.
  std::optional<test::Scenario> chosen;
  std::optional<bisect::Engine> saved;
  for (std::uint64_t seed = 1; seed <= 12 && !saved; ++seed) {
    test::Scenario scenario = test::make_scenario({120, 2, 0.5, true, false, 1.0, seed});
    bisect::Options options;
    options.max_pair_candidates = 20;
    options.max_runs = 20000;
    options.seed = seed;
    bisect::Engine engine(scenario.problem, options);
    test::SimulatedProbe probe(scenario, seed * 7919 + 1);
    while (!engine.done() && engine.to_json().at("pair_pools").size() < 2) {
      for (const bisect::TrialRequest& request : engine.plan()) {
        engine.record(request, probe.run(request));
      }
    }
    if (!engine.done()) {
      chosen = scenario;
      saved.emplace(std::move(engine));
    }
  }
  REQUIRE(saved.has_value());
  const test::Scenario& scenario = *chosen;
  bisect::Engine& original = *saved;
  REQUIRE(original.to_json().at("pair_pools").size() == 2);
  CHECK(original.to_json().at("pair_pools")[0].at("pool") != original.to_json().at("pair_pools")[1].at("pool"));
  std::string text = original.to_json().dump();
  bisect::Engine resumed = bisect::Engine::from_json(nlohmann::json::parse(text));
  CHECK(resumed.to_json().dump() == text);
  CHECK(resumed.hypotheses().pair_pool() == original.hypotheses().pair_pool());
  run_in_step(original, resumed, scenario, 5);
  CHECK(resumed.done());
  CHECK(nlohmann::json(bisect::to_json(resumed.verdict())) == bisect::to_json(original.verdict()));
  CHECK(resumed.to_json().dump() == original.to_json().dump());
}

TEST_CASE("bisect::Engine::progress")
{
  test::Scenario scenario = test::make_scenario({64, 1, 1.0, false, false, 1.0, 4});
  test::SimulatedProbe probe(scenario, 8);
  bisect::Engine engine(scenario.problem, {});
  double first_remaining = engine.progress().remaining_runs;
  CHECK(first_remaining > 3.0);
  for (int round = 0; round < 5; ++round) {
    for (const bisect::TrialRequest& request : engine.plan()) {
      engine.record(request, probe.run(request));
    }
  }
  bisect::Progress progress = engine.progress();
  CHECK(progress.runs >= 5);
  CHECK(progress.suspects.size() == 5);
  CHECK(progress.suspects[0].probability >= progress.suspects[1].probability);
  CHECK(progress.q_estimate > 0.5);
  CHECK(progress.remaining_runs < first_remaining);
  nlohmann::json json = bisect::to_json(progress);
  CHECK(json.at("phase") == "search");
}

