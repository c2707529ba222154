// bisectr compare A B: what changed between two runs, beyond noise.
#include "bisectr/report/json_views.hpp"
#include "bisectr/report/memory_changes.hpp"
#include "bisectr/report/text_table.hpp"
#include "bisectr/report/time_text.hpp"
#include "bisectr/repository/history.hpp"
#include "bisectr/repository/repository.hpp"
#include "commands.hpp"
#include "json_model.hpp"
#include "run_ref.hpp"

#include <cmath>

namespace bisectr::cli {

namespace {

struct CompareOptions {
  std::string run_a;
  std::string run_b;
  repository::CompareThresholds thresholds;
  double min_memory_mib = 16.0;
  std::size_t limit = 20;
  bool json = false;
};

/// Everything compare prints, gathered once.
struct Differences {
  model::RunId a = 0;
  model::RunId b = 0;
  repository::RunComparison runs;
  std::vector<report::MemoryChange> test_memory;
  std::vector<report::MemoryChange> worker_memory;
};

std::string status_text(const std::optional<model::Status>& status)
{
  return status ? std::string(model::to_string(*status)) : "(absent)";
}

std::string place(const std::string& worker, std::int64_t sequence)
{
  return (worker.empty() ? std::string("-") : worker) + " #" + std::to_string(sequence);
}

// Prints at most limit rows of a section, then how many were left out.
template <typename Item, typename ToRow>
void print_section(Context& context, const std::string& title, const std::vector<report::Column>& columns,
                   const std::vector<Item>& items, std::size_t limit, ToRow to_row)
{
  auto& out = *context.out;
  out << title << " (" << items.size() << ")\n";
  if (items.empty()) {
    return;
  }
  report::TextTable table(columns);
  for (std::size_t i = 0; i < items.size() && (limit == 0 || i < limit); ++i) {
    table.add_row(to_row(items[i]));
  }
  table.write(out, context.out_is_terminal ? report::TableStyle::Aligned : report::TableStyle::Plain);
  if (limit != 0 && items.size() > limit) {
    out << "... and " << items.size() - limit << " more (--limit 0 or --json for all)\n";
  }
  out << '\n';
}

void print_text(const Differences& d, std::size_t limit, Context& context)
{
  using report::Align;
  const auto memory_row = [](const report::MemoryChange& c) {
    return std::vector<std::string>{c.name, report::format_bytes(static_cast<double>(c.bytes_before)),
                                    report::format_bytes(static_cast<double>(c.bytes_after))};
  };
  *context.out << "run " << d.a << " -> run " << d.b << "\n\n";
  print_section(context, "status changes", {{"test"}, {"before"}, {"after"}}, d.runs.status_changes, limit,
                [](const auto& c) { return std::vector<std::string>{c.test_id, status_text(c.before), status_text(c.after)}; });
  print_section(context, "duration changes", {{"test"}, {"before", Align::Right}, {"after", Align::Right}},
                d.runs.duration_changes, limit, [](const auto& c) {
                  return std::vector<std::string>{c.test_id, report::format_seconds(c.seconds_before),
                                                  report::format_seconds(c.seconds_after)};
                });
  print_section(context, "memory growth changes per test", {{"test"}, {"before", Align::Right}, {"after", Align::Right}},
                d.test_memory, limit, memory_row);
  print_section(context, "worker peak memory changes", {{"worker"}, {"before", Align::Right}, {"after", Align::Right}},
                d.worker_memory, limit, memory_row);
  print_section(context, "moved to another worker or position", {{"test"}, {"before"}, {"after"}}, d.runs.moves, limit,
                [](const auto& m) {
                  return std::vector<std::string>{m.test_id, place(m.worker_before, m.sequence_before),
                                                  place(m.worker_after, m.sequence_after)};
                });
}

void print_json_document(const Differences& d, Context& context)
{
  auto json = report::to_json(d.runs);
  json["run_a"] = d.a;
  json["run_b"] = d.b;
  auto tests = nlohmann::json::array();
  for (const auto& change : d.test_memory) {
    tests.push_back(report::to_json(change));
  }
  auto workers = nlohmann::json::array();
  for (const auto& change : d.worker_memory) {
    workers.push_back(report::to_json(change));
  }
  json["memory_changes"] = {{"tests", tests}, {"workers", workers}};
  print_json(*context.out, json);
}

void run_compare(const CompareOptions& options, Context& context)
{
  auto repository = context.open_repository_to_read();
  Differences d;
  d.a = resolve_run(*repository, options.run_a);
  d.b = resolve_run(*repository, options.run_b);
  d.runs = repository->history().compare_runs(d.a, d.b, options.thresholds);
  const report::MemoryThresholds memory{static_cast<std::int64_t>(std::llround(options.min_memory_mib * 1024 * 1024)),
                                        options.thresholds.min_ratio};
  d.test_memory = report::test_memory_changes(repository->results(d.a, false), repository->results(d.b, false), memory);
  d.worker_memory = report::worker_memory_changes(repository->workers(d.a), repository->workers(d.b), memory);
  if (options.json) {
    print_json_document(d, context);
  } else {
    print_text(d, options.limit, context);
  }
}

} // namespace

void setup_compare(CLI::App& app, Context& context)
{
  auto options = std::make_shared<CompareOptions>();
  auto* command = app.add_subcommand("compare", "Show what changed between two runs: status, worker/position, duration, memory");
  command->add_option("run_a", options->run_a, "The earlier run: id, -N or last")->required();
  command->add_option("run_b", options->run_b, "The later run: id, -N or last")->required();
  command->add_option("--min-seconds", options->thresholds.min_seconds, "Smallest duration change that counts (default 0.1)")
      ->check(CLI::NonNegativeNumber);
  command->add_option("--min-ratio", options->thresholds.min_ratio,
                      "Smallest relative duration or memory change that counts (default 0.5)")
      ->check(CLI::NonNegativeNumber);
  command->add_option("--min-memory-mib", options->min_memory_mib, "Smallest memory change that counts (default 16)")
      ->check(CLI::NonNegativeNumber);
  command->add_option("--limit", options->limit, "Rows per section, 0 for all (default 20)");
  command->add_flag("--json", options->json, "Print as JSON (every row)");
  command->callback([options, &context] { run_compare(*options, context); });
}

} // namespace bisectr::cli
