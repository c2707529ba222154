// bench_bisect: the bisect engine against by-hand halving on seeded simulated scenarios, plus the
// information bound and the unknown-rate bound (each one-culprit cell against its own two), the
// --parallel wall-time ratio, and the planning time / memory at scale.
#include "bisectr/bisect/engine.hpp"
#include "bisectr/bisect/information.hpp"
#include "bisectr/bisect/search.hpp"
#include "bisectr/util/memory.hpp"

#include "fakes/simulated_probe.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

using namespace bisectr;

namespace {

struct Tally
{
  std::size_t scenarios = 0;
  std::size_t right = 0;
  std::size_t exhausted = 0;
  double runs = 0.0;
  double seconds = 0.0;
  double wall = 0.0;
  std::size_t max_runs = 0;

  void add(bool is_right, const bisect::Verdict& verdict)
  {
    ++scenarios;
    right += is_right ? 1 : 0;
    exhausted += verdict.kind == bisect::VerdictKind::Exhausted ? 1 : 0;
    runs += static_cast<double>(verdict.runs);
    seconds += verdict.test_seconds;
    wall += verdict.wall_seconds;
    max_runs = std::max(max_runs, verdict.runs);
  }
  double mean(double total) const { return total / static_cast<double>(std::max<std::size_t>(1, scenarios)); }
  double accuracy() const { return 100.0 * static_cast<double>(right) / static_cast<double>(std::max<std::size_t>(1, scenarios)); }
};

struct Settings
{
  std::vector<std::size_t> sizes{64};
  std::vector<double> rate_inverses{1, 3, 10, 30};
  std::vector<std::size_t> polluters{0, 1, 2};
  std::vector<int> noises{0, 1};
  std::vector<std::size_t> parallels{1};
  std::size_t scenarios = 5;
  double confidence = 0.95;
  std::size_t max_runs = 100000;
  bool baseline = true;
  bool trace = false;
  std::uint64_t first_seed = 1;
  std::size_t max_pairs = bisectr::bisect::Options{}.max_pair_candidates;
  double cost_share = bisectr::bisect::Options{}.cost_share;
  test::Halving halving = test::Halving::EachHalf;
  bool only_baseline = false;
};

void trace_round(const std::vector<bisect::TrialRequest>& batch, const std::vector<bisect::TrialResult>& results,
                 const test::Scenario& scenario)
{
  for (std::size_t k = 0; k < batch.size(); ++k) {
    const bisect::TrialRequest& request = batch[k];
    test::SimulatedProbe check(scenario, 0);
    std::printf("  round %zu %-9s |S|=%-5zu max=%-4zu triggered=%d -> runs=%zu failures=%zu seconds=%.1f\n",
                request.round, bisect::to_string(request.kind), request.subset.size(), request.max_runs,
                check.triggered(request.subset) ? 1 : 0, results[k].runs, results[k].failures, results[k].seconds);
    if (request.subset.size() <= 4) {
      std::printf("    members:");
      for (std::size_t i : request.subset) {
        bool culprit = std::binary_search(scenario.culprits.begin(), scenario.culprits.end(), i);
        std::printf(" %zu%s", i, culprit ? "*" : "");
      }
      std::printf("\n");
    }
  }
}

const char* halving_name(test::Halving halving)
{
  switch (halving) {
  case test::Halving::FirstHalfOnly:
    return "first-half";
  case test::Halving::EachHalf:
    return "each-half";
  case test::Halving::EachHalfRetry:
    return "each-half-retry";
  }
  return "?";
}

void run_cell(const Settings& settings, std::size_t n, double q, std::size_t k, bool noise, std::size_t parallel)
{
  Tally ours;
  Tally by_hand;
  Tally first_half; // the cheaper reading of the by-hand method, printed beside it
  for (std::size_t s = 0; s < settings.scenarios; ++s) {
    std::uint64_t seed = settings.first_seed + s;
    test::Scenario scenario = test::make_scenario({n, k, q, noise, false, 1.0, seed});
    bisect::Options options;
    options.confidence = settings.confidence;
    options.parallel = parallel;
    options.max_runs = settings.max_runs;
    options.seed = seed;
    options.max_pair_candidates = settings.max_pairs;
    options.cost_share = settings.cost_share;
    test::SimulatedProbe probe(scenario, seed * 7919 + 1);
    if (settings.only_baseline) {
      options.max_runs = 1; // the by-hand procedure alone: the engine stops at once
    }
    bisect::Verdict verdict = bisect::search(scenario.problem, options, [&](const auto& batch) {
      std::vector<bisect::TrialResult> results = probe(batch);
      if (settings.trace) {
        trace_round(batch, results, scenario);
      }
      return results;
    });
    bool right = test::verdict_is_right(scenario, verdict);
    if (settings.trace) {
      std::printf("  culprits:");
      for (std::size_t c : scenario.culprits) {
        std::printf(" %zu", c);
      }
      std::printf("\n");
    }
    if (settings.trace || !right) {
      std::printf("  scenario seed=%llu truth=%zu culprits, verdict=%s culprits=%zu right=%d runs=%zu P=%.3f\n",
                  static_cast<unsigned long long>(seed), scenario.culprits.size(), bisect::to_string(verdict.kind),
                  verdict.culprits.size(), right ? 1 : 0, verdict.runs, verdict.probability);
    }
    ours.add(right, verdict);
    if (settings.baseline) {
      test::SimulatedProbe hand_probe(scenario, seed * 7919 + 1);
      bisect::Verdict hand = test::by_hand_halving(scenario, settings.confidence, hand_probe, settings.halving);
      by_hand.add(test::verdict_is_right(scenario, hand), hand);
      if (settings.halving != test::Halving::FirstHalfOnly) {
        test::SimulatedProbe first_probe(scenario, seed * 7919 + 1);
        bisect::Verdict first =
            test::by_hand_halving(scenario, settings.confidence, first_probe, test::Halving::FirstHalfOnly);
        first_half.add(test::verdict_is_right(scenario, first), first);
      }
    }
  }
  std::printf("n=%-5zu q=1/%-3.0f k=%zu noise=%-5s K=%zu | bisectr: right %5.1f%% runs %8.1f (max %6zu) "
              "test-s %9.1f wall-s %9.1f exhausted %zu",
              n, 1.0 / q, k, noise ? "q/20" : "0", parallel, ours.accuracy(), ours.mean(ours.runs), ours.max_runs,
              ours.mean(ours.seconds), ours.mean(ours.wall), ours.exhausted);
  auto print_by_hand = [&](test::Halving halving, const Tally& hand) {
    std::printf(" | by-hand (%s): right %5.1f%% runs %8.1f test-s %9.1f wall-s %9.1f", halving_name(halving),
                hand.accuracy(), hand.mean(hand.runs), hand.mean(hand.seconds), hand.mean(hand.wall));
    if (!settings.only_baseline && ours.mean(ours.seconds) > 0.0) {
      std::printf(" test-s ratio %.2fx", hand.mean(hand.seconds) / ours.mean(ours.seconds));
    }
  };
  if (k == 1 && !settings.only_baseline) {
    // One culprit: the cell's runs against its own two bounds (Fano's, and the unknown-rate one).
    double q0 = noise ? q * test::k_noise_ratio : 0.0;
    double fano = bisect::information_bound_runs(n + 1, q, q0, settings.confidence);
    double unknown = bisect::unknown_rate_bound(n, q, q0, settings.confidence).runs;
    std::printf(" | bounds %.0f / %.0f: %.2fx / %.2fx", fano, unknown, ours.mean(ours.runs) / fano,
                ours.mean(ours.runs) / unknown);
  }
  if (settings.baseline) {
    print_by_hand(settings.halving, by_hand);
  }
  if (first_half.scenarios > 0) {
    print_by_hand(test::Halving::FirstHalfOnly, first_half);
  }
  std::printf(" | scenarios %zu\n", ours.scenarios);
  std::fflush(stdout);
}

long peak_rss_kib()
{
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// Times plan() over the first rounds of a search on n candidates; reports the slowest step.
void measure_scale(std::size_t n, std::size_t k, double q, std::size_t rounds)
{
  test::Scenario scenario = test::make_scenario({n, k, q, false, false, 1.0, 42});
  bisect::Options options;
  bisect::Engine engine(scenario.problem, options);
  test::SimulatedProbe probe(scenario, 43);
  double slowest = 0.0;
  double total = 0.0;
  double slowest_cpu = 0.0;
  double total_cpu = 0.0;
  std::size_t planned = 0;
  for (std::size_t round = 0; round < rounds && !engine.done(); ++round) {
    auto start = std::chrono::steady_clock::now();
    std::clock_t cpu_start = std::clock();
    std::vector<bisect::TrialRequest> batch = engine.plan();
    double cpu = 1000.0 * static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    slowest = std::max(slowest, ms);
    total += ms;
    slowest_cpu = std::max(slowest_cpu, cpu);
    total_cpu += cpu;
    ++planned;
    for (const bisect::TrialRequest& request : batch) {
      engine.record(request, probe.run(request));
    }
  }
  std::printf("scale n=%zu k=%zu q=1/%.0f: %zu plan steps, elapsed mean %.2f ms (slowest %.2f), CPU mean %.2f ms "
              "(slowest %.2f), pairs %s (%zu), peak RSS %.1f MB\n",
              n, k, 1.0 / q, planned, total / static_cast<double>(planned), slowest,
              total_cpu / static_cast<double>(planned), slowest_cpu,
              engine.hypotheses().pairs_open() ? "open" : "closed", engine.hypotheses().pair_count(),
              static_cast<double>(peak_rss_kib()) / 1024.0);
}

template <typename T>
std::vector<T> parse_list(const char* text)
{
  std::vector<T> values;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    std::stringstream cell(item);
    T value{};
    cell >> value;
    values.push_back(value);
  }
  return values;
}

void usage()
{
  std::puts("usage: bench_bisect [--n 64,500,5000] [--q-inverse 1,3,10,30] [--k 0,1,2] [--noise 0,1]\n"
            "                    [--parallel 1,4] [--scenarios N] [--confidence C] [--max-runs N]\n"
            "                    [--first-seed S] [--max-pairs N] [--cost-share S]\n"
            "                    [--trace] [--no-baseline]\n"
            "                    [--only-baseline] [--by-hand each-half|first-half|each-half-retry]\n                    [--scale 5000,1000]\n"
            "Defaults: n=64, every q, k and noise, K=1, 5 scenarios per cell (200 = the full grid).");
}

// Returns false on an unknown option.
bool parse(int argc, char** argv, Settings& settings, std::vector<std::size_t>& scale)
{
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    const char* value = i + 1 < argc ? argv[i + 1] : "";
    bool takes_value = true;
    if (flag == "--n") {
      settings.sizes = parse_list<std::size_t>(value);
    } else if (flag == "--q-inverse") {
      settings.rate_inverses = parse_list<double>(value);
    } else if (flag == "--k") {
      settings.polluters = parse_list<std::size_t>(value);
    } else if (flag == "--noise") {
      settings.noises = parse_list<int>(value);
    } else if (flag == "--parallel") {
      settings.parallels = parse_list<std::size_t>(value);
    } else if (flag == "--scenarios") {
      settings.scenarios = std::strtoull(value, nullptr, 10);
    } else if (flag == "--confidence") {
      settings.confidence = std::strtod(value, nullptr);
    } else if (flag == "--max-runs") {
      settings.max_runs = std::strtoull(value, nullptr, 10);
    } else if (flag == "--first-seed") {
      settings.first_seed = std::strtoull(value, nullptr, 10);
    } else if (flag == "--cost-share") {
      settings.cost_share = std::strtod(value, nullptr);
    } else if (flag == "--max-pairs") {
      settings.max_pairs = std::strtoull(value, nullptr, 10);
    } else if (flag == "--by-hand") {
      const std::string style = value;
      if (style == "first-half") {
        settings.halving = test::Halving::FirstHalfOnly;
      } else if (style == "each-half") {
        settings.halving = test::Halving::EachHalf;
      } else if (style == "each-half-retry") {
        settings.halving = test::Halving::EachHalfRetry;
      } else {
        return false;
      }
    } else if (flag == "--scale") {
      scale = parse_list<std::size_t>(value);
    } else if (flag == "--trace" || flag == "--no-baseline" || flag == "--only-baseline") {
      settings.trace = settings.trace || flag == "--trace";
      settings.only_baseline = settings.only_baseline || flag == "--only-baseline";
      settings.baseline = settings.baseline && flag != "--no-baseline";
      takes_value = false;
    } else {
      return false;
    }
    i += takes_value ? 1 : 0;
  }
  return true;
}

} // namespace

int main(int argc, char** argv)
{
  bisectr::util::keep_freed_memory(); // as `bisectr bisect` does
  Settings settings;
  std::vector<std::size_t> scale;
  if (!parse(argc, argv, settings, scale)) {
    usage();
    return 64;
  }
  if (!scale.empty()) {
    for (std::size_t n : scale) {
      measure_scale(n, 2, 1.0 / 30.0, 60);
    }
    return 0;
  }
  double bound = bisect::information_bound_runs(501, 1.0 / 30.0, 0.0, settings.confidence);
  std::printf("information bound (n=500, q=1/30, q0=0, c=%.2f, M=501): %.0f runs\n", settings.confidence, bound);
  // The same cell for a method that must also be right when the victim fails on its own, at a rate
  // it does not know (docs/bisect.md, session 22).
  bisect::UnknownRateBound unknown = bisect::unknown_rate_bound(500, 1.0 / 30.0, 0.0, settings.confidence);
  std::printf("unknown-rate bound (n=500, q=1/30, c=%.2f, also right for a victim failing alone at rate %.4f): %.0f "
              "runs = %.2fx the information bound\n",
              settings.confidence, unknown.alone_rate, unknown.runs, unknown.runs / bound);
  for (std::size_t n : settings.sizes) {
    for (double inverse : settings.rate_inverses) {
      for (std::size_t k : settings.polluters) {
        for (int noise : settings.noises) {
          for (std::size_t parallel : settings.parallels) {
            run_cell(settings, n, 1.0 / inverse, k, noise != 0, parallel);
          }
        }
      }
    }
  }
  return 0;
}
