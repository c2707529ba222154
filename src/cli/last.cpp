// bisectr last: the newest run's summary and failures; exits 1 when it failed (like testr last).
#include "bisectr/repository/repository.hpp"
#include "bisectr/util/exit_code.hpp"
#include "commands.hpp"
#include "json_model.hpp"
#include "run_printer.hpp"
#include "run_ref.hpp"

namespace bisectr::cli {

namespace {

struct LastOptions {
  bool json = false;
  bool ids_only = false;
};

void run_last(const LastOptions& options, Context& context)
{
  auto repository = context.open_repository_to_read();
  auto id = resolve_run(*repository, "last");
  auto summary = *repository->run_summary(id);
  auto failures = repository->failing(id);
  if (options.json) {
    print_json_with_results(*context.out, to_json(summary), "failures", failures);
  } else {
    if (!options.ids_only) {
      print_failures(*context.out, failures);
    } else {
      for (const auto& result : failures) {
        *context.out << result.test_id << '\n';
      }
    }
    print_run_line(*context.out, summary);
  }
  if (summary.counts.failed > 0 || summary.state == model::RunState::Interrupted) {
    throw ExitRequest{util::to_int(util::ExitCode::TestsFailed)};
  }
}

} // namespace

void setup_last(CLI::App& app, Context& context)
{
  auto options = std::make_shared<LastOptions>();
  auto* command = app.add_subcommand("last", "Show the newest run: failures with tracebacks, then a summary (exit 1 if it failed)");
  command->add_flag("--json", options->json, "Print the run and its failures as JSON");
  command->add_flag("--list", options->ids_only, "Failing test ids only, no tracebacks");
  command->callback([options, &context] { run_last(*options, context); });
}

} // namespace bisectr::cli
