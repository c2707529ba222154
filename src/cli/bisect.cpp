// bisectr bisect: finds the tests that make a (flaky) victim fail, with a stated confidence.
#include "bisectr/config/runner_config.hpp"
#include "bisectr/driver/bisect_driver.hpp"
#include "bisectr/util/error.hpp"
#include "bisectr/util/exit_code.hpp"
#include "bisectr/util/memory.hpp"
#include "bisectr/util/units.hpp"
#include "bisect_printer.hpp"
#include "bisect_sessions.hpp"
#include "bisect_setup.hpp"
#include "commands.hpp"
#include "interrupt.hpp"
#include "json_model.hpp"
#include "progress_line.hpp"

#include <fstream>
#include <random>

namespace bisectr::cli {

namespace {

struct BisectOptions {
  BisectTarget target;
  std::string config_file = config::k_default_config_name;
  driver::SessionConfig session;
  std::string oracle = "fail";
  std::string max_duration;
  std::string timeout;
  std::string memory_limit;
  std::int64_t resume = 0;
  std::int64_t show = 0;
  bool list = false;
  bool json = false;
};

util::ExitCode exit_code_for(const driver::Outcome& outcome)
{
  if (outcome.interrupted || outcome.out_of_time) {
    return util::ExitCode::Interrupted;
  }
  switch (outcome.verdict.kind) {
  case bisect::VerdictKind::Found:
    return util::ExitCode::Success;
  case bisect::VerdictKind::FailsAlone:
    return util::ExitCode::FailsAlone;
  case bisect::VerdictKind::NotReproducible:
  case bisect::VerdictKind::Exhausted:
    break;
  }
  return util::ExitCode::NotReproducible;
}

// The culprits (or the victim alone) and the victim, one id a line: a --load-list file.
std::filesystem::path write_reproducer(const Context& context, const driver::Outcome& outcome, const driver::SessionConfig& config)
{
  auto path = context.repo_dir / ("bisect-" + std::to_string(outcome.session) + ".list");
  std::ofstream file(path, std::ios::trunc);
  for (const auto& id : outcome.culprit_ids) {
    file << id << '\n';
  }
  file << config.victim << '\n';
  return path;
}

void print_outcome(const Context& context, const driver::Outcome& outcome, const driver::SessionConfig& config,
                   double elapsed, bool json)
{
  bool decided = !outcome.interrupted && !outcome.out_of_time &&
                 (outcome.verdict.kind == bisect::VerdictKind::Found || outcome.verdict.kind == bisect::VerdictKind::FailsAlone);
  std::filesystem::path reproducer;
  if (decided) {
    reproducer = write_reproducer(context, outcome, config);
  }
  if (json) {
    auto document = verdict_json(outcome, config, elapsed);
    document["reproducer"] = reproducer.string();
    print_json(*context.out, document);
    return;
  }
  *context.out << verdict_sentence(outcome, config, elapsed) << '\n';
  if (decided) {
    *context.out << "reproducer: " << reproducer.string() << "\n  bisectr run --config " << config.config_file.string()
                 << " --parallel 1 --load-list " << reproducer.string() << " --until-failure\n";
  }
}

void run_session_and_report(Context& context, repository::SessionId id, const driver::SessionConfig& config, bool json)
{
  auto runner = config::load_config(config.config_file);
  auto processes = executor::make_process_runner();
  util::SystemClock clock;
  driver::Services services{[&context] { return context.open_repository(); }, processes.get(), &clock};
  InterruptGuard interrupt;
  ProgressLine line(*context.err, context.err_is_terminal);
  auto started = clock.now();
  auto outcome = driver::run_session(services, runner, id, interrupt.token(), [&](const bisect::Progress& progress, double elapsed) {
    line.update(progress_line(progress, elapsed, config));
  });
  line.finish();
  print_outcome(context, outcome, config, std::chrono::duration<double>(clock.now() - started).count(), json);
  throw ExitRequest{util::to_int(exit_code_for(outcome))};
}

void start_session(BisectOptions options, Context& context)
{
  auto& config = options.session;
  config.config_file = std::filesystem::absolute(options.config_file);
  config::load_config(config.config_file);
  config.oracle = driver::parse_oracle(options.oracle);
  config.max_duration_seconds = options.max_duration.empty() ? 0.0 : util::parse_duration(options.max_duration);
  config.timeout_ms = options.timeout.empty() ? 0 : static_cast<std::int64_t>(util::parse_duration(options.timeout) * 1000.0);
  config.memory_limit_bytes = options.memory_limit.empty() ? 0 : util::parse_size(options.memory_limit);
  if (config.options.seed == 0) {
    config.options.seed = std::random_device{}() | 1U;
  }
  auto repository = context.open_repository();
  resolve_target(*repository, options.target, config);
  auto id = driver::create_session(*repository, config);
  if (!options.json) {
    *context.err << "bisect session " << id << ": " << config.candidates.size() << " candidates before " << config.victim
                 << (config.worker.empty() ? "" : " (" + config.worker + ")") << '\n';
  }
  repository.reset();
  run_session_and_report(context, id, config, options.json);
}

void resume_session(const BisectOptions& options, Context& context)
{
  auto repository = context.open_repository();
  auto stored = repository->sessions().load_session(options.resume);
  if (!stored) {
    throw util::UsageError("no bisect session " + std::to_string(options.resume));
  }
  auto config = driver::session_config_from_json(nlohmann::json::parse(stored->config_json));
  repository.reset();
  run_session_and_report(context, options.resume, config, options.json);
}

void add_search_options(CLI::App& command, BisectOptions& options)
{
  auto& o = options.session.options;
  command.add_option("--confidence", o.confidence, "Posterior probability to reach before verifying (default 0.95)");
  command.add_option("--parallel", o.parallel, "Trials run at once, each in its own worker (default 1)");
  command.add_option("--max-runs", o.max_runs, "Stop after this many test runs (default: no limit)");
  command.add_option("--max-duration", options.max_duration, "Stop after this long (e.g. 2h); resumable");
  command.add_option("--seed", o.seed, "Seed for the randomised subsets (default: drawn)");
  command.add_flag("--inverse", o.inverse, "The victim passes in the full order but fails alone: find what it needs");
  command.add_option("--oracle", options.oracle, "What reproduces: fail (default), signal, oom, rss>SIZE");
  command.add_option("--timeout", options.timeout, "Per trial run (default: the config's)");
  command.add_option("--memory-limit", options.memory_limit, "Per trial run worker (e.g. 2G)");
  command.add_option("extra", options.session.extra_args, "Arguments after -- go to the test command");
}

} // namespace

void setup_bisect(CLI::App& app, Context& context)
{
  auto options = std::make_shared<BisectOptions>();
  options->session.options.seed = 0;
  auto* command = app.add_subcommand("bisect", "Find the tests that make a flaky victim fail, with a stated confidence");
  command->add_option("run", options->target.run, "Run whose worker order to bisect (id, -N or last)");
  command->add_option("--worker", options->target.worker, "Worker (default: the one with failures)");
  command->add_option("--test", options->target.victim, "The victim (default: the worker's first failing test)");
  command->add_option("--from-list", options->target.from_list, "Take the order from a file (one id a line)");
  command->add_option("--config", options->config_file, "Runner config (default bisectr.toml)");
  command->add_option("--resume", options->resume, "Continue an interrupted session");
  command->add_flag("--list", options->list, "List the bisect sessions");
  command->add_option("--show", options->show, "Show a session: trials and verdict so far");
  command->add_flag("--json", options->json, "Print the verdict as JSON");
  add_search_options(*command, *options);
  command->callback([options, &context] {
    if (options->list) {
      list_bisect_sessions(context, options->json);
    } else if (options->show > 0) {
      show_bisect_session(context, options->show, options->json);
    } else {
      // The planner builds and drops its posterior's columns every step: keep that memory.
      util::keep_freed_memory();
      if (options->resume > 0) {
        resume_session(*options, context);
      } else {
        start_session(*options, context);
      }
    }
  });
}

} // namespace bisectr::cli
