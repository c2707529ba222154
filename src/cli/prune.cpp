// bisectr prune: drops old runs in one transaction, then vacuums.
#include "bisectr/report/json_views.hpp"
#include "bisectr/report/time_text.hpp"
#include "bisectr/repository/history.hpp"
#include "bisectr/repository/repository.hpp"
#include "bisectr/util/clock.hpp"
#include "bisectr/util/error.hpp"
#include "commands.hpp"
#include "json_model.hpp"

#include <chrono>

namespace bisectr::cli {

namespace {

struct PruneOptions {
  std::optional<std::int64_t> keep;
  std::string older_than;
  bool json = false;
};

void run_prune(const PruneOptions& options, Context& context)
{
  if (!options.keep && options.older_than.empty()) {
    throw util::UsageError("prune needs --keep N or --older-than D (or both)");
  }
  if (options.keep && *options.keep < 0) {
    throw util::UsageError("--keep must not be negative");
  }
  repository::PruneRule rule;
  rule.keep = options.keep;
  if (!options.older_than.empty()) {
    rule.older_than = report::parse_time_arg(
        options.older_than, std::chrono::time_point_cast<std::chrono::nanoseconds>(util::SystemClock{}.wall_now()));
  }
  auto repository = context.open_repository();
  const auto outcome = repository->history().prune(rule);
  if (options.json) {
    auto json = report::to_json(outcome);
    json["size_bytes"] = repository->history().stats().size_bytes;
    print_json(*context.out, json);
    return;
  }
  const auto stats = repository->history().stats();
  *context.out << "removed " << outcome.runs_removed << " runs (" << outcome.results_removed << " results); "
               << stats.runs << " runs left, " << report::format_bytes(static_cast<double>(stats.size_bytes))
               << " on disk\n";
}

} // namespace

void setup_prune(CLI::App& app, Context& context)
{
  auto options = std::make_shared<PruneOptions>();
  auto* command = app.add_subcommand("prune", "Drop old runs in one transaction and vacuum the repository");
  command->add_option("--keep", options->keep, "Keep only the N newest runs");
  command->add_option("--older-than", options->older_than,
                      "Drop runs started before: 2026-11-01, 2026-11-01T12:00:00Z, or an age (12h, 7d, 2w)");
  command->add_flag("--json", options->json, "Print as JSON");
  command->callback([options, &context] { run_prune(*options, context); });
}

} // namespace bisectr::cli
