// bisectr show: one run in full: summary, workers with resources, failures; --memory ranks tests by growth.
#include "bisectr/repository/repository.hpp"
#include "bisectr/util/units.hpp"
#include "commands.hpp"
#include "json_model.hpp"
#include "run_printer.hpp"
#include "run_ref.hpp"

#include <algorithm>
#include <iomanip>

namespace bisectr::cli {

namespace {

struct ShowOptions {
  std::string run;
  bool memory = false;
  std::size_t limit = 20;
  bool json = false;
};

struct Growth {
  std::string test_id;
  std::string worker;
  std::int64_t bytes = 0;
};

// Tests whose run left the worker's process tree larger, largest growth first.
std::vector<Growth> memory_growth(const std::vector<model::TestResult>& results, std::size_t limit)
{
  std::vector<Growth> growth;
  for (const auto& result : results) {
    if (result.rss_before_bytes && result.rss_after_bytes && *result.rss_after_bytes > *result.rss_before_bytes) {
      growth.push_back({result.test_id, result.worker, *result.rss_after_bytes - *result.rss_before_bytes});
    }
  }
  std::stable_sort(growth.begin(), growth.end(), [](const Growth& a, const Growth& b) { return a.bytes > b.bytes; });
  if (growth.size() > limit) {
    growth.resize(limit);
  }
  return growth;
}

void print_workers(std::ostream& out, const std::vector<model::WorkerInfo>& workers)
{
  for (const auto& worker : workers) {
    const auto& r = worker.resources;
    if (!r.exit_code && !r.signal && r.wall_seconds == 0.0 && r.peak_rss_bytes == 0) {
      // A loaded stream says nothing of the processes that wrote it.
      out << "  " << std::left << std::setw(12) << worker.name << " no process figures (loaded from a stream)\n";
      continue;
    }
    out << "  " << std::left << std::setw(12) << worker.name << " wall " << util::format_duration(r.wall_seconds)
        << ", cpu " << util::format_duration(r.cpu_user_seconds + r.cpu_system_seconds) << ", peak "
        << util::format_bytes(r.peak_rss_bytes) << ", " << describe_ending(r);
    if (!r.in_progress_test.empty()) {
      out << ", in progress: " << r.in_progress_test;
    }
    out << '\n';
  }
}

void print_json_show(const Context& context, const model::RunSummary& summary, const std::vector<model::WorkerInfo>& workers,
                     const std::vector<model::TestResult>& failures, const std::vector<Growth>& growth)
{
  auto json = to_json(summary);
  auto& worker_list = json["workers"] = nlohmann::json::array();
  for (const auto& worker : workers) {
    worker_list.push_back(to_json(worker));
  }
  auto& growth_list = json["memory_growth"] = nlohmann::json::array();
  for (const auto& item : growth) {
    growth_list.push_back({{"id", item.test_id}, {"worker", item.worker}, {"bytes", item.bytes}});
  }
  print_json_with_results(*context.out, json, "failures", failures);
}

void run_show(const ShowOptions& options, Context& context)
{
  auto repository = context.open_repository_to_read();
  auto id = resolve_run(*repository, options.run);
  auto summary = *repository->run_summary(id);
  auto workers = repository->workers(id);
  auto failures = repository->failing(id);
  std::vector<Growth> growth;
  // Per-test memory figures exist only where bisectr ran the workers (an imported stream's
  // workers have no resources): --json skips reading every result of such a run (1,000,000
  // results: 2.4 s).
  const bool measured = std::any_of(workers.begin(), workers.end(),
                                    [](const model::WorkerInfo& worker) { return worker.resources.peak_rss_bytes > 0; });
  if (options.memory || (options.json && measured)) {
    growth = memory_growth(repository->results(id, false), options.limit);
  }
  if (options.json) {
    print_json_show(context, summary, workers, failures, growth);
    return;
  }
  auto& out = *context.out;
  print_run_line(out, summary);
  for (const auto& [key, value] : summary.metadata) {
    out << "  " << key << ": " << value << '\n';
  }
  print_workers(out, workers);
  if (options.memory) {
    out << "tests that left their worker larger (RSS after - before):\n";
    for (const auto& item : growth) {
      out << "  " << std::right << std::setw(12) << util::format_bytes(item.bytes) << "  " << item.test_id << " ("
          << item.worker << ")\n";
    }
    return;
  }
  for (const auto& result : failures) {
    out << "  FAIL " << result.test_id << (result.worker.empty() ? "" : " (" + result.worker + ")") << '\n';
  }
}

} // namespace

void setup_show(CLI::App& app, Context& context)
{
  auto options = std::make_shared<ShowOptions>();
  auto* command = app.add_subcommand("show", "Show one run: summary, metadata, workers and their resources, failures");
  command->add_option("run", options->run, "Run id, -N or last (default: last)");
  command->add_flag("--memory", options->memory, "List the tests whose run left their worker's memory larger");
  command->add_option("-n,--limit", options->limit, "How many tests --memory lists (default 20)");
  command->add_flag("--json", options->json, "Print as JSON");
  command->callback([options, &context] { run_show(*options, context); });
}

} // namespace bisectr::cli
