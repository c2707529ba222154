// bisectr report: writes one self-contained HTML page for a run, a bisect session or the flaky tests.
#include "bisectr/report/collect.hpp"
#include "bisectr/report/flaky_page.hpp"
#include "bisectr/report/run_page.hpp"
#include "bisectr/report/session_page.hpp"
#include "bisectr/report/time_text.hpp"
#include "bisectr/repository/repository.hpp"
#include "bisectr/repository/session_store.hpp"
#include "bisectr/util/clock.hpp"
#include "bisectr/util/error.hpp"
#include "commands.hpp"
#include "json_model.hpp"
#include "run_ref.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>

namespace bisectr::cli {

namespace {

struct ReportOptions {
  std::string run;
  std::optional<repository::SessionId> session;
  bool flaky = false;
  std::string output = "report.html";
  std::string since;
  std::int64_t min_runs = 0;
  std::size_t max_tests = 100;
  std::size_t max_runs = 1000;
  bool json = false;
};

using PageWriter = std::function<void(std::ostream&)>;

PageWriter flaky_writer(repository::Repository& repository, const ReportOptions& options)
{
  report::FlakyPageOptions page_options;
  page_options.filter.min_runs = options.min_runs;
  if (!options.since.empty()) {
    page_options.filter.since = report::parse_time_arg(
        options.since, std::chrono::time_point_cast<std::chrono::nanoseconds>(util::SystemClock{}.wall_now()));
  }
  page_options.max_tests = options.max_tests;
  page_options.max_runs = options.max_runs;
  auto page = std::make_shared<report::FlakyPage>(report::collect_flaky_page(repository, page_options));
  return [page](std::ostream& out) { report::write_flaky_page(out, *page); };
}

PageWriter session_writer(repository::Repository& repository, repository::SessionId id)
{
  auto session = repository.sessions().load_session(id);
  if (!session) {
    throw util::UsageError("no bisect session " + std::to_string(id) + " in the repository");
  }
  auto shared = std::make_shared<repository::Session>(std::move(*session));
  return [shared](std::ostream& out) { report::write_session_page(out, *shared); };
}

PageWriter run_writer(repository::Repository& repository, const std::string& run)
{
  auto page = std::make_shared<report::RunPage>(report::collect_run_page(repository, resolve_run(repository, run)));
  return [page](std::ostream& out) { report::write_run_page(out, *page); };
}

void write_output(const std::string& output, const PageWriter& write, Context& context)
{
  if (output == "-") {
    write(*context.out);
    return;
  }
  std::ofstream file(output, std::ios::binary | std::ios::trunc);
  if (!file) {
    throw util::Error("cannot write " + output);
  }
  write(file);
  file.flush();
  if (!file) {
    throw util::Error("cannot write " + output + " (disk full?)");
  }
}

void run_report(const ReportOptions& options, Context& context)
{
  const int chosen = (options.run.empty() ? 0 : 1) + (options.session ? 1 : 0) + (options.flaky ? 1 : 0);
  if (chosen > 1) {
    throw util::UsageError("report takes one of RUN, --bisect SESSION or --flaky");
  }
  auto repository = context.open_repository_to_read();
  const std::string kind = options.flaky ? "flaky" : (options.session ? "bisect" : "run");
  const PageWriter write = options.flaky     ? flaky_writer(*repository, options)
                           : options.session ? session_writer(*repository, *options.session)
                                             : run_writer(*repository, options.run);
  write_output(options.output, write, context);
  if (options.output == "-") {
    return;
  }
  const auto bytes = std::filesystem::file_size(options.output);
  if (options.json) {
    print_json(*context.out, {{"path", std::filesystem::absolute(options.output).string()}, {"page", kind}, {"bytes", bytes}});
  } else {
    *context.out << "wrote " << options.output << " (" << kind << " page, " << report::format_bytes(static_cast<double>(bytes))
                 << ")\n";
  }
}

} // namespace

void setup_report(CLI::App& app, Context& context)
{
  auto options = std::make_shared<ReportOptions>();
  auto* command = app.add_subcommand("report", "Write a self-contained HTML report of a run, a bisect session or the flaky tests");
  command->add_option("run", options->run, "Run id, -N or last (default: last)");
  command->add_option("--bisect", options->session, "Report this bisect session instead");
  command->add_flag("--flaky", options->flaky, "Report the flaky tests: a tests x runs heat map");
  command->add_option("-o,--output", options->output, "Where to write the page, - for stdout (default report.html)");
  command->add_option("--since", options->since, "--flaky: only runs started since (date or age like 7d)");
  command->add_option("--min-runs", options->min_runs, "--flaky: leave out tests with fewer counted runs");
  command->add_option("--tests", options->max_tests, "--flaky: at most this many flaky (and broken) rows (default 100)");
  command->add_option("--runs", options->max_runs, "--flaky: at most this many newest runs as columns (default 1000)");
  command->add_flag("--json", options->json, "Print where the page went as JSON");
  command->callback([options, &context] { run_report(*options, context); });
}

} // namespace bisectr::cli
