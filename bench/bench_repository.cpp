// Times the SQLite repository: a 1,000,000-result import and the read queries on it (issue 2),
// and optionally the history queries on 1,000 runs x 5,000 tests (issue 5).
// Usage: bench_repository [--results N] [--history] [--runs R] [--tests T] [--dir DIR] [--keep] [--no-reads]
//        [--reuse]   (--keep: leave DIR as generated, skipping the destructive remove/prune steps;
//                     --reuse: time the history queries on DIR/history left by a --keep run)
#include "bisectr/repository/history.hpp"
#include "bisectr/repository/repository.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <sys/resource.h>
#include <vector>

using namespace bisectr;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::int64_t results = 1000000;
  bool history = false;
  bool keep = false;
  bool reads = true;
  bool reuse = false;
  std::int64_t runs = 1000;
  std::int64_t tests = 5000;
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "bisectr-bench-repository";
};

constexpr int k_workers = 4;

double seconds_since(Clock::time_point start)
{
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// This process's CPU time (user + system) in seconds, from getrusage.
double cpu_now()
{
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

model::TimePoint at_ns(std::int64_t ns)
{
  return model::TimePoint(std::chrono::nanoseconds(ns));
}

// Result i of a run: round-robin over workers (as a parallel stream interleaves them), 1% failing
// with a ~1 KiB traceback, durations 1..1000 ms.
model::TestResult make_result(std::int64_t i, std::int64_t run, bool fail_some, std::int64_t base_ns)
{
  model::TestResult result;
  result.test_id = "pkg.module" + std::to_string(i % 97) + ".TestCase.test_" + std::to_string(i);
  const bool failed = fail_some && (i * 7919 + run * 31) % 100 == 0;
  result.status = failed ? model::Status::Fail : model::Status::Success;
  result.worker = "worker-" + std::to_string(i % k_workers);
  result.sequence = i / k_workers;
  const std::int64_t start = base_ns + i * 1000000;
  result.start = at_ns(start);
  result.stop = at_ns(start + ((i * 2654435761) % 1000 + 1) * 1000000);
  if (failed) {
    std::string traceback = "Traceback (most recent call last):\n";
    for (int line = 0; line < 12; ++line) {
      traceback += "  File \"/src/pkg/module.py\", line " + std::to_string(100 + line) + ", in helper\n    call()\n";
    }
    traceback += "AssertionError: expected 1, got " + std::to_string(i) + "\n";
    result.attachments.push_back({"traceback", "text/x-traceback; charset=utf8", traceback});
  }
  return result;
}

model::RunId import_run(repository::Repository& repo, std::int64_t n, std::int64_t run, std::int64_t base_ns)
{
  auto writer = repo.begin_run({at_ns(base_ns), "bench", {{"seed", std::to_string(run)}}});
  for (std::int64_t i = 0; i < n; ++i) {
    writer->add_result(make_result(i, run, true, base_ns));
  }
  return writer->commit();
}

// Runs fn 5 times and prints the median wall and CPU times in milliseconds (CPU time tells the
// query's own cost apart from waiting for a core on a loaded machine).
void time_query(const char* name, const std::function<std::size_t()>& fn)
{
  std::vector<double> walls;
  std::vector<double> cpus;
  std::size_t rows = 0;
  for (int i = 0; i < 5; ++i) {
    const auto start = Clock::now();
    const double cpu_start = cpu_now();
    rows = fn();
    cpus.push_back((cpu_now() - cpu_start) * 1000.0);
    walls.push_back(seconds_since(start) * 1000.0);
  }
  std::sort(walls.begin(), walls.end());
  std::sort(cpus.begin(), cpus.end());
  std::printf("  %-30s %9.2f ms wall  %9.2f ms CPU  (median of 5; %zu rows)\n", name, walls[2], cpus[2], rows);
}

// The cost of building the results alone, so that it can be told apart from the import.
void bench_generation(const Options& options)
{
  const double cpu_start = cpu_now();
  std::size_t bytes = 0;
  for (std::int64_t i = 0; i < options.results; ++i) {
    bytes += make_result(i, 1, true, 0).test_id.size();
  }
  std::printf("generating the %lld results alone: %.2f s CPU (%zu id bytes)\n", static_cast<long long>(options.results),
              cpu_now() - cpu_start, bytes);
}

void bench_import_and_reads(const Options& options)
{
  bench_generation(options);
  const auto dir = options.dir / "import";
  std::filesystem::remove_all(dir);
  auto repo = repository::open_sqlite_repository(dir, true);
  const auto start = Clock::now();
  const double cpu_start = cpu_now();
  const model::RunId run = import_run(*repo, options.results, 1, 1700000000000000000);
  const double import_seconds = seconds_since(start);
  const double cpu_seconds = cpu_now() - cpu_start;
  std::printf("import %lld results (4 workers, 1%% failing with tracebacks): %.2f s wall, %.2f s CPU, "
              "%.0f results/s\n",
              static_cast<long long>(options.results), import_seconds, cpu_seconds,
              static_cast<double>(options.results) / import_seconds);
  std::printf("database size: %.1f MiB\n",
              static_cast<double>(std::filesystem::file_size(repository::repository_file(dir))) / 1048576.0);
  repo.reset();
  if (!options.reads) {
    return;
  }
  const auto open_start = Clock::now();
  repo = repository::open_sqlite_repository(dir, false);
  std::printf("read queries on that repository (open: %.2f ms):\n", seconds_since(open_start) * 1000.0);
  time_query("list_runs", [&] { return repo->list_runs().size(); });
  time_query("latest_run", [&] { return static_cast<std::size_t>(repo->latest_run().has_value()); });
  time_query("run_summary", [&] { return static_cast<std::size_t>(repo->run_summary(run).has_value()); });
  time_query("failing (with tracebacks)", [&] { return repo->failing(run).size(); });
  time_query("slowest 10", [&] { return repo->slowest(run, 10).size(); });
  time_query("workers", [&] { return repo->workers(run).size(); });
  time_query("worker_order worker-0", [&] { return repo->worker_order(run, "worker-0").size(); });
  time_query("results (all, no attachments)", [&] { return repo->results(run, false).size(); });
}

void bench_history(const Options& options)
{
  const auto dir = options.dir / "history";
  std::unique_ptr<repository::Repository> repo;
  model::RunId last = 0;
  if (options.reuse) {
    repo = repository::open_sqlite_repository(dir, false);
    last = repo->latest_run().value_or(0);
  } else {
    std::filesystem::remove_all(dir);
    repo = repository::open_sqlite_repository(dir, true);
    const auto start = Clock::now();
    const double cpu_start = cpu_now();
    for (std::int64_t run = 0; run < options.runs; ++run) {
      last = import_run(*repo, options.tests, run, 1700000000000000000 + run * 3600000000000);
    }
    std::printf("history repository: %lld runs x %lld tests imported in %.1f s wall, %.1f s CPU, %.1f MiB\n",
                static_cast<long long>(options.runs), static_cast<long long>(options.tests), seconds_since(start),
                cpu_now() - cpu_start,
                static_cast<double>(std::filesystem::file_size(repository::repository_file(dir))) / 1048576.0);
    repo.reset();
    repo = repository::open_sqlite_repository(dir, false);
  }
  auto& history = repo->history();
  const std::string test = make_result(100, 0, false, 0).test_id;
  std::printf("history queries:\n");
  time_query("test_stats (flaky)", [&] { return history.test_stats({}).size(); });
  const auto half = model::TimePoint(std::chrono::nanoseconds(1700000000000000000 + options.runs / 2 * 3600000000000));
  time_query("test_stats --since (scan)", [&] { return history.test_stats({half, 0}).size(); });
  time_query("test_history", [&] { return history.test_history(test).size(); });
  time_query("compare_runs", [&] { return history.compare_runs(last - 1, last, {}).status_changes.size(); });
  time_query("stats", [&] { return static_cast<std::size_t>(history.stats().results); });
  time_query("failing (last run)", [&] { return repo->failing(last).size(); });
  time_query("slowest 10 (last run)", [&] { return repo->slowest(last, 10).size(); });
  time_query("recent_durations", [&] { return repo->recent_durations().size(); });
  if (options.keep) {
    return; // the repository stays as generated, for --reuse
  }
  const auto remove_start = Clock::now();
  const double remove_cpu = cpu_now();
  repo->remove_run(last);
  std::printf("  remove_run (recomputes test_summary): %.2f s wall, %.2f s CPU\n", seconds_since(remove_start),
              cpu_now() - remove_cpu);
  const auto prune_start = Clock::now();
  const auto pruned = history.prune({options.runs / 2, std::nullopt});
  std::printf("  prune --keep %lld: %lld runs, %lld results removed + VACUUM in %.2f s\n",
              static_cast<long long>(options.runs / 2), static_cast<long long>(pruned.runs_removed),
              static_cast<long long>(pruned.results_removed), seconds_since(prune_start));
}

Options parse(int argc, char** argv)
{
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string("0"); };
    if (arg == "--results") {
      options.results = std::stoll(next());
    } else if (arg == "--history") {
      options.history = true;
    } else if (arg == "--runs") {
      options.runs = std::stoll(next());
    } else if (arg == "--tests") {
      options.tests = std::stoll(next());
    } else if (arg == "--no-reads") {
      options.reads = false;
    } else if (arg == "--keep") {
      options.keep = true;
    } else if (arg == "--reuse") {
      options.reuse = true;
      options.keep = true;
    } else if (arg == "--dir") {
      options.dir = next();
    }
  }
  return options;
}

} // namespace

int main(int argc, char** argv)
{
  std::setvbuf(stdout, nullptr, _IOLBF, 0); // figures appear as they are measured
  const Options options = parse(argc, argv);
  if (options.results > 0) {
    bench_import_and_reads(options);
  }
  if (options.history) {
    bench_history(options);
  }
  if (!options.keep) {
    std::filesystem::remove_all(options.dir);
  }
  return EXIT_SUCCESS;
}
