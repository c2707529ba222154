// bisectr failing: the failing tests of a run (the newest by default).
#include "bisectr/repository/repository.hpp"
#include "bisectr/util/exit_code.hpp"
#include "commands.hpp"
#include "json_model.hpp"
#include "run_printer.hpp"
#include "run_ref.hpp"

namespace bisectr::cli {

namespace {

struct FailingOptions {
  std::string run;
  bool list = false;
  bool json = false;
};

void run_failing(const FailingOptions& options, Context& context)
{
  auto repository = context.open_repository_to_read();
  auto id = resolve_run(*repository, options.run);
  // The list needs no tracebacks: inflating them is most of the work on a big run.
  auto failures = repository->failing(id, options.json || !options.list);
  if (options.json) {
    print_json_with_results(*context.out, {{"run", id}}, "failures", failures);
  } else if (options.list) {
    for (const auto& result : failures) {
      *context.out << result.test_id << '\n';
    }
  } else {
    print_failures(*context.out, failures);
  }
  if (!failures.empty()) {
    throw ExitRequest{util::to_int(util::ExitCode::TestsFailed)};
  }
}

} // namespace

void setup_failing(CLI::App& app, Context& context)
{
  auto options = std::make_shared<FailingOptions>();
  auto* command = app.add_subcommand("failing", "List the failing tests of a run (exit 1 when there are any)");
  command->add_option("run", options->run, "Run id, -N or last (default: last)");
  command->add_flag("--list", options->list, "Test ids only, one a line (a --load-list file)");
  command->add_flag("--json", options->json, "Print as JSON");
  command->callback([options, &context] { run_failing(*options, context); });
}

} // namespace bisectr::cli
