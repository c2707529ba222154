// bisectr runs: the history of runs, newest last.
#include "bisectr/report/time_text.hpp"
#include "bisectr/repository/repository.hpp"
#include "bisectr/util/units.hpp"
#include "commands.hpp"
#include "json_model.hpp"

#include <iomanip>

namespace bisectr::cli {

namespace {

struct RunsOptions {
  std::size_t limit = 0;
  bool json = false;
};

void run_runs(const RunsOptions& options, Context& context)
{
  auto repository = context.open_repository_to_read();
  auto runs = repository->list_runs();
  if (options.limit > 0 && runs.size() > options.limit) {
    runs.erase(runs.begin(), runs.end() - static_cast<std::ptrdiff_t>(options.limit));
  }
  if (options.json) {
    auto list = nlohmann::json::array();
    for (const auto& run : runs) {
      list.push_back(to_json(run));
    }
    print_json(*context.out, list);
    return;
  }
  auto& out = *context.out;
  out << std::left << std::setw(6) << "id" << std::setw(21) << "started (UTC)" << std::right << std::setw(8) << "tests"
      << std::setw(8) << "failed" << std::setw(8) << "skipped" << std::setw(10) << "duration" << "  source\n";
  for (const auto& run : runs) {
    out << std::left << std::setw(6) << run.id << std::setw(21) << report::format_time(run.started) << std::right << std::setw(8)
        << run.counts.total << std::setw(8) << run.counts.failed << std::setw(8) << run.counts.skipped << std::setw(10)
        << util::format_duration(run.duration_seconds) << "  " << run.source
        << (run.state == model::RunState::Interrupted ? " (interrupted)" : "") << '\n';
  }
}

} // namespace

void setup_runs(CLI::App& app, Context& context)
{
  auto options = std::make_shared<RunsOptions>();
  auto* command = app.add_subcommand("runs", "List the recorded runs: id, time, counts, duration, source");
  command->add_option("-n,--limit", options->limit, "Only the newest N runs");
  command->add_flag("--json", options->json, "Print as JSON");
  command->callback([options, &context] { run_runs(*options, context); });
}

} // namespace bisectr::cli
