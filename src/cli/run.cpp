// bisectr run: runs the suite over parallel workers and records it; --until-failure loops.
#include "bisectr/config/runner_config.hpp"
#include "bisectr/executor/process_runner.hpp"
#include "bisectr/repository/lazy_repository.hpp"
#include "bisectr/repository/repository.hpp"
#include "bisectr/scheduler/partition.hpp"
#include "bisectr/scheduler/suite_runner.hpp"
#include "bisectr/scheduler/until_failure.hpp"
#include "bisectr/util/clock.hpp"
#include "bisectr/util/error.hpp"
#include "bisectr/util/exit_code.hpp"
#include "bisectr/util/memory.hpp"
#include "bisectr/util/units.hpp"
#include "commands.hpp"
#include "interrupt.hpp"
#include "json_model.hpp"
#include "progress_line.hpp"
#include "run_printer.hpp"

#include <array>
#include <charconv>
#include <cstdio>
#include <fstream>

namespace bisectr::cli {

namespace {

struct RunCliOptions {
  std::string config_file = config::k_default_config_name;
  std::size_t parallel = 0;
  std::string load_list;
  bool failing = false;
  std::string random;  // "" with --random given = draw a seed
  std::string timeout;
  std::string memory_limit;
  bool until_failure = false;
  std::size_t max_runs = 0;
  std::string max_duration;
  std::string test;
  std::size_t repeat = 0;
  std::size_t max_failures = 0;
  bool json = false;
  std::vector<std::string> extra;
  CLI::Option* random_option = nullptr;
};

std::vector<std::string> read_id_file(const std::string& path)
{
  std::ifstream in(path);
  if (!in) {
    throw util::UsageError("cannot open the id list " + path);
  }
  std::vector<std::string> ids;
  for (std::string line; std::getline(in, line);) {
    const auto first = line.find_first_not_of(" \t\r");
    if (first != std::string::npos) {
      ids.push_back(line.substr(first, line.find_last_not_of(" \t\r") - first + 1));
    }
  }
  return ids;
}

std::optional<std::uint64_t> chosen_seed(const RunCliOptions& options)
{
  if (options.random_option == nullptr || options.random_option->count() == 0) {
    return std::nullopt;
  }
  if (options.random.empty()) {
    return scheduler::draw_seed();
  }
  std::uint64_t seed = 0;
  const auto* end = options.random.data() + options.random.size();
  if (std::from_chars(options.random.data(), end, seed).ptr != end) {
    throw util::UsageError("--random takes a non-negative integer seed, not '" + options.random + "'");
  }
  return seed;
}

bool loops(const RunCliOptions& o)
{
  return o.until_failure || o.repeat > 0 || o.max_failures > 0 || o.max_runs > 0 || !o.max_duration.empty() || !o.test.empty();
}

scheduler::RunOptions run_options(const RunCliOptions& o)
{
  if (o.failing && !o.load_list.empty()) {
    throw util::UsageError("--failing and --load-list cannot be combined");
  }
  scheduler::RunOptions run;
  run.parallel = o.parallel;
  if (!o.load_list.empty()) {
    run.ids = read_id_file(o.load_list);
    run.metadata["load_list"] = o.load_list;
  }
  run.failing_only = o.failing;
  run.seed = chosen_seed(o);
  run.extra_args = o.extra;
  if (!o.timeout.empty()) {
    run.timeout = std::chrono::milliseconds{static_cast<std::int64_t>(util::parse_duration(o.timeout) * 1000.0)};
  }
  run.memory_limit_bytes = o.memory_limit.empty() ? 0 : util::parse_size(o.memory_limit);
  return run;
}

void print_workers(std::ostream& out, const scheduler::RunOutcome& outcome)
{
  for (const auto& worker : outcome.workers) {
    const auto& r = worker.resources;
    out << "  " << worker.name << ": " << util::format_duration(r.wall_seconds) << " wall, "
        << util::format_duration(r.cpu_user_seconds + r.cpu_system_seconds) << " cpu, peak "
        << util::format_bytes(r.peak_rss_bytes) << ", " << describe_ending(r);
    if (!r.in_progress_test.empty()) {
      out << ", in progress: " << r.in_progress_test;
    }
    out << '\n';
  }
  for (const auto& [worker, problem] : outcome.problems) {
    out << "bisectr: warning: " << worker << ": " << problem << '\n';
  }
}

nlohmann::json outcome_json(const scheduler::RunOutcome& outcome)
{
  auto failing = nlohmann::json::array();
  for (const auto& f : outcome.failing) {
    failing.push_back({{"id", f.test_id}, {"worker", f.worker}, {"status", std::string(model::to_string(f.status))}});
  }
  auto workers = nlohmann::json::array();
  for (const auto& worker : outcome.workers) {
    workers.push_back(to_json(worker));
  }
  return {{"run", outcome.run_id},
          {"total", outcome.counts.total},
          {"passed", outcome.counts.passed},
          {"failed", outcome.counts.failed},
          {"skipped", outcome.counts.skipped},
          {"duration_seconds", outcome.duration_seconds},
          {"interrupted", outcome.interrupted},
          {"seed", outcome.seed ? nlohmann::json(*outcome.seed) : nlohmann::json(nullptr)},
          {"failing", failing},
          {"workers", workers},
          {"problems", outcome.problems}};
}

int single_run(const RunCliOptions& o, scheduler::SuiteRunner& runner, repository::LazyRepository& repository,
               Context& context, InterruptGuard& guard)
{
  ProgressLine line(*context.err, context.err_is_terminal && !o.json);
  auto options = run_options(o);
  std::size_t failed = 0;
  auto shown = std::chrono::steady_clock::time_point{};
  options.on_progress = [&](const scheduler::TestProgress& p) {
    failed += model::is_failure(p.result->status) ? 1U : 0U;
    // A terminal redraw per test would cost more than a fast test; ten a second is plenty.
    const auto now = std::chrono::steady_clock::now();
    if (now - shown < std::chrono::milliseconds{100}) {
      return;
    }
    shown = now;
    line.update("[" + std::to_string(p.done) + (p.total > 0 ? "/" + std::to_string(p.total) : "") + "] " +
                std::to_string(failed) + " failed, last: " + p.result->test_id);
  };
  const auto outcome = runner.run(options, guard.token());
  line.finish();
  if (!outcome.ran) {
    *context.out << "no failing tests in the latest run: nothing to run\n";
    return util::to_int(util::ExitCode::Success);
  }
  if (o.json) {
    print_json(*context.out, outcome_json(outcome));
  } else {
    if (!outcome.failing.empty()) {
      print_failures(*context.out, repository.get().failing(outcome.run_id));  // with their tracebacks
    }
    if (auto summary = repository.get().run_summary(outcome.run_id)) {
      print_run_line(*context.out, *summary);
    }
    if (outcome.seed) {
      *context.out << "  order shuffled with --random " << *outcome.seed << '\n';
    }
    print_workers(*context.out, outcome);
  }
  if (outcome.interrupted || guard.interrupted()) {
    return util::to_int(util::ExitCode::Interrupted);
  }
  return util::to_int(outcome.passed() ? util::ExitCode::Success : util::ExitCode::TestsFailed);
}

// A fast suite's iterations take milliseconds; "0.00s/run" would say nothing.
std::string per_run_text(double seconds)
{
  if (seconds >= 0.1) {
    return util::format_duration(seconds);
  }
  std::array<char, 32> text{};
  std::snprintf(text.data(), text.size(), "%.1fms", seconds * 1000.0);
  return text.data();
}

std::string iteration_text(const scheduler::IterationProgress& p)
{
  const double elapsed = std::chrono::duration<double>(p.elapsed).count();
  std::string text = "run " + std::to_string(p.iteration) + (p.max_runs ? "/" + std::to_string(*p.max_runs) : "") +
                     " (#" + std::to_string(p.last_run) + (p.last_failed ? " FAILED" : " passed") + "), " +
                     std::to_string(p.failing_runs) + " failing, elapsed " + util::format_duration(elapsed) + ", " +
                     per_run_text(elapsed / static_cast<double>(p.iteration)) + "/run";
  if (p.max_runs && *p.max_runs > p.iteration) {
    text += ", ~" + util::format_duration(elapsed / static_cast<double>(p.iteration) * static_cast<double>(*p.max_runs - p.iteration)) + " left";
  }
  return text;
}

void print_loop_summary(std::ostream& out, const scheduler::UntilFailureOutcome& outcome, bool keep_going)
{
  const std::string elapsed = util::format_duration(std::chrono::duration<double>(outcome.elapsed).count());
  if (!outcome.found_failure()) {
    out << "no failure in " << outcome.iterations << " runs (" << elapsed << ")\n";
  } else {
    const auto& first = outcome.failures.front();
    out << outcome.failures.size() << " failing of " << outcome.iterations << " runs (" << elapsed << "); first failure: run "
        << first.run_id << '\n';
    for (const auto& f : first.failing) {
      out << "  " << f.test_id << " (" << f.worker << ")\n";
    }
    for (const auto& [worker, problem] : first.problems) {
      out << "  " << worker << ": " << problem << '\n';
    }
    const std::string worker = first.failing.empty() ? first.problems.begin()->first : first.failing.front().worker;
    out << "next:\n  bisectr order " << first.run_id << " --worker " << worker << "\n  bisectr bisect " << first.run_id
        << " --worker " << worker << '\n';
  }
  if (keep_going || outcome.failures.size() > 1) {
    for (const auto& flaky : outcome.flaky) {
      out << scheduler::describe_flakiness(flaky) << '\n';
    }
  }
}

nlohmann::json loop_json(const scheduler::UntilFailureOutcome& outcome)
{
  auto failures = nlohmann::json::array();
  for (const auto& f : outcome.failures) {
    auto failing = nlohmann::json::array();
    for (const auto& t : f.failing) {
      failing.push_back({{"id", t.test_id}, {"worker", t.worker}});
    }
    failures.push_back({{"run", f.run_id}, {"failing", failing}, {"problems", f.problems}});
  }
  auto flaky = nlohmann::json::array();
  for (const auto& f : outcome.flaky) {
    flaky.push_back({{"id", f.test_id}, {"failures", f.failures}, {"runs", f.runs}, {"rate", f.rate.estimate},
                     {"lower", f.rate.lower}, {"upper", f.rate.upper}});
  }
  return {{"iterations", outcome.iterations}, {"elapsed_seconds", std::chrono::duration<double>(outcome.elapsed).count()},
          {"failures", failures}, {"flaky", flaky}, {"interrupted", outcome.reason == scheduler::StopReason::Interrupted}};
}

scheduler::UntilFailureOptions loop_options(const RunCliOptions& o)
{
  scheduler::UntilFailureOptions loop;
  loop.run = run_options(o);
  loop.shuffle = loop.run.seed.has_value();
  if (o.max_runs > 0) {
    loop.max_runs = o.max_runs;
  }
  if (!o.max_duration.empty()) {
    loop.max_duration = std::chrono::nanoseconds{static_cast<std::int64_t>(util::parse_duration(o.max_duration) * 1e9)};
  }
  if (!o.test.empty()) {
    loop.test = o.test;
  }
  if (o.repeat > 0) {
    loop.repeat = o.repeat;
  }
  if (o.max_failures > 0) {
    loop.max_failures = o.max_failures;
  }
  return loop;
}

int until_failure(const RunCliOptions& o, scheduler::SuiteRunner& runner, const util::Clock& clock, Context& context,
                  InterruptGuard& guard)
{
  ProgressLine line(*context.err, context.err_is_terminal);
  auto loop = loop_options(o);
  loop.on_iteration = [&](const scheduler::IterationProgress& p) {
    if (context.err_is_terminal) {
      line.update(iteration_text(p));
    } else {
      *context.err << iteration_text(p) << std::endl;
    }
  };
  const auto outcome = scheduler::run_until_failure(runner, clock, loop, guard.token());
  line.finish();
  if (o.json) {
    print_json(*context.out, loop_json(outcome));
  } else {
    print_loop_summary(*context.out, outcome, loop.repeat || loop.max_failures);
  }
  if (outcome.reason == scheduler::StopReason::Interrupted) {
    return util::to_int(util::ExitCode::Interrupted);
  }
  return util::to_int(outcome.found_failure() ? util::ExitCode::TestsFailed : util::ExitCode::Success);
}

int run_run(const RunCliOptions& o, Context& context)
{
  const auto config = config::load_config(o.config_file);
  if ((o.parallel > 0 ? o.parallel : config.parallel) <= 1) {
    // One worker: the threads below share the main malloc arena. A thread's own arena (a fresh
    // 64 MiB mapping, and page faults for all it allocates) cost as much as opening the
    // repository on a thread of its own saves; with several workers each keeps its own arena.
    util::share_one_heap();
  }
  // Created before any other thread so that every thread inherits the blocked signals.
  InterruptGuard guard;
  // Opened on a thread of its own while the process runner is made and the test command starts,
  // with the statements that record the run prepared there too.
  repository::LazyRepository repository([&context] {
    auto opened = context.open_or_create_repository();
    opened->prepare_to_record();
    return opened;
  });
  repository.open_in_background();
  auto processes = executor::make_process_runner();
  util::SystemClock clock;
  scheduler::SuiteRunner runner(config, *processes, repository, clock);
  return loops(o) ? until_failure(o, runner, clock, context, guard) : single_run(o, runner, repository, context, guard);
}

} // namespace

void setup_run(CLI::App& app, Context& context)
{
  auto o = std::make_shared<RunCliOptions>();
  auto* command = app.add_subcommand("run", "Run the suite over parallel workers and record the run (--until-failure loops)");
  command->add_option("--config", o->config_file, "Runner config (default ./bisectr.toml)");
  command->add_option("--parallel", o->parallel, "Workers (default: the config's parallel)");
  command->add_option("--load-list", o->load_list, "Run only the ids in this file (one a line), in that order");
  command->add_flag("--failing", o->failing, "Run only the failing tests of the latest run");
  o->random_option = command->add_option("--random", o->random, "Shuffle each worker's order with SEED (drawn when omitted)")
                       ->expected(0, 1);
  command->add_option("--timeout", o->timeout, "Per worker run, e.g. 90s or 10m (default: the config's)");
  command->add_option("--memory-limit", o->memory_limit, "Cap each worker's process tree, e.g. 2G");
  command->add_flag("--until-failure", o->until_failure, "Repeat the run until a run fails");
  command->add_option("--max-runs", o->max_runs, "Stop looping after N runs");
  command->add_option("--max-duration", o->max_duration, "Start no new run after this long, e.g. 8h");
  command->add_option("--test", o->test, "Only this test failing ends the loop");
  command->add_option("--repeat", o->repeat, "Run N times whatever fails, then report each failing test's rate");
  command->add_option("--max-failures", o->max_failures, "Keep looping until K runs failed, then report rates");
  command->add_flag("--json", o->json, "Print the outcome as JSON");
  command->add_option("extra", o->extra, "Arguments after -- are appended to the test command");
  command->callback([o, &context] {
    const int code = run_run(*o, context);
    if (code != 0) {
      throw ExitRequest{code};
    }
  });
}

} // namespace bisectr::cli
