// Per-run overhead of the executor: /bin/true spawned through ProcessRunner versus
// posix_spawn + waitpid directly, and the CPU the supervisor's sampling costs while a tree sleeps.
//
//   bench_spawn [--runs N] [--sleep SECONDS] [--ballast MB] [--gap MS]
//
// --gap pauses that long between runs (not timed), as a real test command leaves a gap between
// two spawns: the cgroup.procs join then pays a full RCU grace period, back to back it does not.
// --ballast makes this process that much larger first (touched heap), as a long bisectr session
// with a big repository cache would be: fork() copies page tables, posix_spawn does not.
#include "bisectr/executor/process_runner.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <spawn.h>
#include <sys/wait.h>
#include <time.h>

extern char** environ;

namespace {

using namespace bisectr::executor;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start)
{
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double process_cpu_seconds()
{
  timespec now{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

struct PerRun {
  double wall_ms = 0.0;
  double cpu_ms = 0.0;  ///< this process's own CPU (user + system), children excluded
};

int g_gap_ms = 0;

template <typename Body>
PerRun time_runs(int runs, Body body)
{
  double wall_ms = 0.0;
  double cpu_seconds = 0.0;
  for (int i = 0; i < runs; ++i) {
    if (g_gap_ms > 0) {
      const timespec pause{g_gap_ms / 1000, static_cast<long>(g_gap_ms % 1000) * 1000000L};
      ::nanosleep(&pause, nullptr);
    }
    const double cpu_before = process_cpu_seconds();
    const auto start = Clock::now();
    body();
    wall_ms += ms_since(start);
    cpu_seconds += process_cpu_seconds() - cpu_before;
  }
  return {wall_ms / runs, cpu_seconds * 1000.0 / runs};
}

PerRun direct_per_run(int runs)
{
  char program[] = "/bin/true";
  char* argv[] = {program, nullptr};
  return time_runs(runs, [&] {
    pid_t pid = 0;
    if (::posix_spawn(&pid, program, nullptr, nullptr, argv, environ) != 0) {
      std::perror("posix_spawn");
      std::exit(1);
    }
    ::waitpid(pid, nullptr, 0);
  });
}

PerRun runner_per_run(ProcessRunner& runner, int runs)
{
  ProcessSpec spec;
  spec.argv = {"/bin/true"};
  return time_runs(runs, [&] { runner.run(spec, {}); });
}

struct SamplerCost {
  double cpu_percent = 0.0;
  std::size_t samples = 0;
  std::string containment;
};

SamplerCost sampler_cost(ProcessRunner& runner, const std::string& script)
{
  ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", script};
  spec.sample_interval = std::chrono::milliseconds(50);
  const double cpu_before = process_cpu_seconds();
  const auto start = Clock::now();
  const ProcessResult result = runner.run(spec, {});
  const double wall = ms_since(start) / 1000.0;
  return {100.0 * (process_cpu_seconds() - cpu_before) / wall, result.samples.size(), result.resources.containment};
}

} // namespace

int main(int argc, char** argv)
{
  int runs = 200;
  int sleep_seconds = 5;
  std::size_t ballast_mb = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--runs") == 0) {
      runs = std::atoi(argv[i + 1]);
    }
    else if (std::strcmp(argv[i], "--sleep") == 0) {
      sleep_seconds = std::atoi(argv[i + 1]);
    }
    else if (std::strcmp(argv[i], "--gap") == 0) {
      g_gap_ms = std::atoi(argv[i + 1]);
    }
    else if (std::strcmp(argv[i], "--ballast") == 0) {
      ballast_mb = static_cast<std::size_t>(std::atoi(argv[i + 1]));
    }
  }
  std::vector<char> ballast(ballast_mb * 1024 * 1024, 1);
  std::printf("ballast %zu MB (first byte %d)\n", ballast_mb, ballast.empty() ? 0 : ballast.front());
  const std::vector<std::pair<const char*, RunnerOptions>> modes = {
      {"cgroup, clone3 into it", RunnerOptions{Containment::Auto, true}},
      {"cgroup, Boost launcher + cgroup.procs join", RunnerOptions{Containment::Auto, false}},
      {"process-tree", RunnerOptions{Containment::ProcessTree, true}}};
  std::printf("gap between runs: %d ms\n", g_gap_ms);
  direct_per_run(10);  // warm the page cache and the dynamic loader
  const PerRun direct = direct_per_run(runs);
  std::printf("/bin/true x %d: posix_spawn+waitpid %.3f ms/run (our CPU %.3f ms/run)\n", runs, direct.wall_ms,
              direct.cpu_ms);
  for (const auto& [name, options] : modes) {
    const auto runner = make_process_runner(options);
    runner_per_run(*runner, 10);
    const PerRun through_runner = runner_per_run(*runner, runs);
    std::printf("  runner (%s): %.3f ms/run, overhead %+.3f ms/run (our CPU %.3f ms/run)\n", name,
                through_runner.wall_ms, through_runner.wall_ms - direct.wall_ms, through_runner.cpu_ms);
  }
  const std::string one = "sleep " + std::to_string(sleep_seconds);
  const std::string twenty = "for i in $(seq 20); do sleep " + std::to_string(sleep_seconds) + " & done; wait";
  for (const auto& [name, options] : modes) {
    if (!options.clone_into_cgroup) {
      continue;  // sampling does not depend on the launcher
    }
    const auto runner = make_process_runner(options);
    for (const auto& [label, script] : {std::pair{"1 process", one}, std::pair{"21 processes", twenty}}) {
      const SamplerCost cost = sampler_cost(*runner, script);
      std::printf("sampling every 50 ms, %s (%s): %.3f%% of one core, %zu samples\n", label,
                  cost.containment.c_str(), cost.cpu_percent, cost.samples);
    }
  }
  return 0;
}
