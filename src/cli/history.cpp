// bisectr history TEST: one test's results run by run, with a sparkline on a terminal.
#include "bisectr/report/json_views.hpp"
#include "bisectr/report/sparkline.hpp"
#include "bisectr/report/text_table.hpp"
#include "bisectr/report/time_text.hpp"
#include "bisectr/repository/history.hpp"
#include "bisectr/repository/repository.hpp"
#include "bisectr/util/error.hpp"
#include "commands.hpp"
#include "json_model.hpp"

#include <algorithm>

namespace bisectr::cli {

namespace {

struct HistoryOptions {
  std::string test_id;
  bool json = false;
};

void print_table(const std::vector<repository::HistoryEntry>& entries, Context& context)
{
  using report::Align;
  report::TextTable table({{"run", Align::Right},
                           {"started"},
                           {"status"},
                           {"duration", Align::Right},
                           {"worker"},
                           {"position", Align::Right}});
  for (const auto& entry : entries) {
    table.add_row({std::to_string(entry.run), report::format_time(entry.started), std::string(model::to_string(entry.status)),
                   report::format_seconds(entry.duration_seconds), entry.worker.empty() ? "-" : entry.worker,
                   std::to_string(entry.sequence)});
  }
  table.write(*context.out, context.out_is_terminal ? report::TableStyle::Aligned : report::TableStyle::Plain);
}

void print_sparkline(const std::string& test_id, const std::vector<repository::HistoryEntry>& entries, Context& context)
{
  std::vector<model::Status> outcomes;
  outcomes.reserve(entries.size());
  for (const auto& entry : entries) {
    outcomes.push_back(entry.status);
  }
  const auto failures = std::count_if(outcomes.begin(), outcomes.end(), model::is_failure);
  *context.out << report::terminal_safe(test_id) << '\n'
               << report::sparkline(outcomes, report::SparkCharset::Unicode, 80) << "  " << failures << " failed of "
               << outcomes.size() << " runs (oldest left; \u2588 fail, \u2581 pass, \u00B7 skip)\n\n";
}

void run_history(const HistoryOptions& options, Context& context)
{
  auto repository = context.open_repository_to_read();
  const auto entries = repository->history().test_history(options.test_id);
  if (entries.empty()) {
    throw util::UsageError("no results for test '" + report::terminal_safe(options.test_id) + "' in the repository");
  }
  if (options.json) {
    auto list = nlohmann::json::array();
    for (const auto& entry : entries) {
      list.push_back(report::to_json(entry));
    }
    print_json(*context.out, {{"id", options.test_id}, {"results", std::move(list)}});
    return;
  }
  if (context.out_is_terminal) {
    print_sparkline(options.test_id, entries, context);
  }
  print_table(entries, context);
}

} // namespace

void setup_history(CLI::App& app, Context& context)
{
  auto options = std::make_shared<HistoryOptions>();
  auto* command = app.add_subcommand("history", "Show one test's results run by run (status, duration, worker, position)");
  command->add_option("test", options->test_id, "The test id")->required();
  command->add_flag("--json", options->json, "Print as JSON");
  command->callback([options, &context] { run_history(*options, context); });
}

} // namespace bisectr::cli
