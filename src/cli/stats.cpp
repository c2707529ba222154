// bisectr stats: repository totals, size on disk, oldest and newest run.
#include "bisectr/report/json_views.hpp"
#include "bisectr/report/time_text.hpp"
#include "bisectr/repository/history.hpp"
#include "bisectr/repository/repository.hpp"
#include "commands.hpp"
#include "json_model.hpp"

namespace bisectr::cli {

namespace {

struct StatsOptions {
  bool json = false;
};

std::string time_or_dash(const std::optional<model::TimePoint>& time)
{
  return time ? report::format_time(*time) : "-";
}

void run_stats(const StatsOptions& options, Context& context)
{
  auto repository = context.open_repository_to_read();
  const auto stats = repository->history().stats();
  if (options.json) {
    auto json = report::to_json(stats);
    json["path"] = repository::repository_file(context.repo_dir).string();
    print_json(*context.out, json);
    return;
  }
  auto& out = *context.out;
  out << "repository:  " << repository::repository_file(context.repo_dir).string() << '\n'
      << "size:        " << report::format_bytes(static_cast<double>(stats.size_bytes)) << " (" << stats.size_bytes
      << " bytes)\n"
      << "runs:        " << stats.runs << '\n'
      << "results:     " << stats.results << '\n'
      << "tests:       " << stats.tests << '\n'
      << "sessions:    " << stats.sessions << '\n'
      << "oldest run:  " << time_or_dash(stats.oldest) << '\n'
      << "newest run:  " << time_or_dash(stats.newest) << '\n';
}

} // namespace

void setup_stats(CLI::App& app, Context& context)
{
  auto options = std::make_shared<StatsOptions>();
  auto* command = app.add_subcommand("stats", "Show repository totals, size on disk, oldest and newest run");
  command->add_flag("--json", options->json, "Print as JSON");
  command->callback([options, &context] { run_stats(*options, context); });
}

} // namespace bisectr::cli
