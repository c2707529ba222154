// bisectr flaky: per-test failure rates with confidence, flakiest first, broken tests apart.
#include "bisectr/report/collect.hpp"
#include "bisectr/report/flake_stats.hpp"
#include "bisectr/report/json_views.hpp"
#include "bisectr/report/text_table.hpp"
#include "bisectr/report/time_text.hpp"
#include "bisectr/repository/history.hpp"
#include "bisectr/repository/repository.hpp"
#include "bisectr/util/clock.hpp"
#include "bisectr/util/error.hpp"
#include "bisectr/util/json_text.hpp"
#include "commands.hpp"
#include "json_model.hpp"

#include <chrono>
#include <cstdio>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace bisectr::cli {

namespace {

struct FlakyOptions {
  std::string since;
  std::int64_t min_runs = 0;
  bool json = false;
};

std::string cluster_text(const report::FlakeAssessment& a)
{
  std::string text;
  if (a.worker_cluster) {
    text += "on " + a.worker_cluster->name + " " + std::to_string(a.worker_cluster->failures) + "/" +
            std::to_string(a.stats.failures);
  }
  if (a.predecessor_cluster) {
    const auto& name = a.predecessor_cluster->name;
    text += (text.empty() ? "" : "; ") + std::string("after ") + (name.empty() ? "(first)" : name) + " " +
            std::to_string(a.predecessor_cluster->failures) + "/" + std::to_string(a.stats.failures);
  }
  return text.empty() ? "-" : text;
}

std::string time_or_dash(const std::optional<model::TimePoint>& time)
{
  return time ? report::format_time(*time) : "-";
}

report::TextTable make_table(const std::vector<report::FlakeAssessment>& tests, bool with_verdict)
{
  using report::Align;
  std::vector<report::Column> columns{{"test"},         {"runs", Align::Right}, {"failed", Align::Right},
                                      {"rate", Align::Right}, {"95% interval", Align::Right},
                                      {"flips", Align::Right}, {"first failure"}, {"last failure"}, {"cluster"}};
  if (with_verdict) {
    columns.insert(columns.begin() + 1, report::Column{"verdict"});
  }
  report::TextTable table(columns);
  for (const auto& a : tests) {
    std::vector<std::string> row{a.stats.test_id,
                                 std::to_string(a.stats.runs),
                                 std::to_string(a.stats.failures),
                                 report::format_percent(a.failure_rate.estimate),
                                 report::format_percent(a.failure_rate.lower) + "-" + report::format_percent(a.failure_rate.upper),
                                 std::to_string(a.stats.flips),
                                 time_or_dash(a.stats.first_failure),
                                 time_or_dash(a.stats.last_failure),
                                 cluster_text(a)};
    if (with_verdict) {
      row.insert(row.begin() + 1, report::to_string(a.verdict));
    }
    table.add_row(std::move(row));
  }
  return table;
}

void print_text(const std::vector<report::FlakeAssessment>& ranked, std::size_t tests, Context& context)
{
  auto& out = *context.out;
  if (!context.out_is_terminal) {
    make_table(ranked, true).write(out, report::TableStyle::Plain);
    return;
  }
  std::vector<report::FlakeAssessment> flaky;
  std::vector<report::FlakeAssessment> broken;
  for (const auto& a : ranked) {
    (a.verdict == report::Verdict::Broken ? broken : flaky).push_back(a);
  }
  out << "Flaky (" << flaky.size() << " of " << tests << " tests; surest first):\n";
  if (!flaky.empty()) {
    make_table(flaky, false).write(out, report::TableStyle::Aligned);
  }
  out << "\nBroken, failed every run (" << broken.size() << "):\n";
  if (!broken.empty()) {
    make_table(broken, false).write(out, report::TableStyle::Aligned);
  }
}

// {"broken": [...], "flaky": [...], "tests": N}, laid out as print_json would, written as text.
void print_json_text(std::ostream& out, const std::vector<report::FlakeAssessment>& ranked, std::int64_t tests)
{
  std::string text = "{";
  for (const bool broken : {true, false}) {
    util::append_json_key(text, 2, broken ? "broken" : "flaky", broken);
    text += '[';
    bool first = true;
    for (const auto& a : ranked) {
      if ((a.verdict == report::Verdict::Broken) != broken) {
        continue;
      }
      text += first ? "\n" : ",\n";
      first = false;
      report::append_json(text, a, 4);
      util::write_when_large(out, text);
    }
    text += first ? "]" : "\n  ]";
  }
  util::append_json_key(text, 2, "tests");
  util::append_json_number(text, std::optional<std::int64_t>(tests));
  text += "\n}\n";
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

void run_flaky(const FlakyOptions& options, Context& context)
{
  if (options.min_runs < 0) {
    throw util::UsageError("--min-runs must not be negative");
  }
  repository::StatsFilter filter;
  filter.min_runs = options.min_runs;
  if (!options.since.empty()) {
    filter.since = report::parse_time_arg(options.since, std::chrono::time_point_cast<std::chrono::nanoseconds>(util::SystemClock{}.wall_now()));
  }
  auto repository = context.open_repository_to_read();
  // Only the tests that failed can rank; the others are counted, not read.
  const auto failed = repository->history().failed_test_stats(filter);
  const auto ranked = report::rank_flaky(failed.tests, report::cluster_options(*repository, failed.tests));
  if (!options.json) {
    print_text(ranked, static_cast<std::size_t>(failed.counted_tests), context);
    return;
  }
  print_json_text(*context.out, ranked, failed.counted_tests);
}

} // namespace

void setup_flaky(CLI::App& app, Context& context)
{
  auto options = std::make_shared<FlakyOptions>();
  auto* command = app.add_subcommand("flaky", "List tests that failed: flaky ones surest first, with 95% intervals; broken ones apart");
  command->add_option("--since", options->since, "Only runs started since: 2026-11-01, 2026-11-01T12:00:00Z, or an age (12h, 7d, 2w)");
  command->add_option("--min-runs", options->min_runs, "Leave out tests with fewer counted runs");
  command->add_flag("--json", options->json, "Print as JSON");
  command->callback([options, &context] { run_flaky(*options, context); });
}

} // namespace bisectr::cli
