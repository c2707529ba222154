// bisectr load: imports subunit v1/v2 or JUnit XML streams as runs.
#include "bisectr/importer/importer.hpp"
#include "bisectr/repository/repository.hpp"
#include "bisectr/util/clock.hpp"
#include "bisectr/util/error.hpp"
#include "bisectr/util/memory.hpp"
#include "commands.hpp"
#include "json_model.hpp"

#include <fstream>
#include <iostream>
#include <list>

namespace bisectr::cli {

namespace {

struct LoadOptions {
  std::vector<std::string> files;
  std::string format;
  bool each = false;
  bool json = false;
};

// Opens every named file up front so a missing file fails before anything is imported.
std::vector<importer::Source> open_sources(const LoadOptions& options, std::list<std::ifstream>& files)
{
  std::optional<stream::Format> format;
  if (!options.format.empty() && options.format != "auto") {
    format = stream::format_from_string(options.format);
    if (!format) {
      throw util::UsageError("unknown --format '" + options.format + "' (subunit2, subunit1, junit or auto)");
    }
  }
  std::vector<importer::Source> sources;
  for (const auto& name : options.files) {
    if (name == "-") {
      sources.push_back({&std::cin, "<stdin>", format});
      continue;
    }
    auto& file = files.emplace_back(name, std::ios::binary);
    if (!file) {
      throw util::Error("cannot open " + name);
    }
    sources.push_back({&file, name, format});
  }
  return sources;
}

void report(const Context& context, const LoadOptions& options, const std::vector<importer::Imported>& runs)
{
  if (options.json) {
    auto array = nlohmann::json::array();
    for (const auto& run : runs) {
      array.push_back({{"id", run.run_id}, {"results", run.results}, {"failures", run.failures},
                       {"workers", run.workers}, {"in_progress", run.in_progress}});
    }
    print_json(*context.out, options.each ? array : array.at(0));
    return;
  }
  for (const auto& run : runs) {
    *context.out << "run " << run.run_id << ": " << run.results << " tests, " << run.failures << " failed, "
                 << run.workers.size() << " workers\n";
    if (!run.in_progress.empty()) {
      *context.err << "bisectr: warning: " << run.in_progress.size() << " tests started but never ended (first: "
                   << run.in_progress.front() << ")\n";
    }
  }
}

void run_load(const LoadOptions& options, Context& context)
{
  // An import fills its names' table and SQLite's page cache (up to 256 MiB) at once: 1,000,000
  // results take about 430 MiB. In huge pages that is a page fault per 2 MiB, not per 4 KiB.
  util::back_heap_with_huge_pages(std::size_t{1} << 30);
  LoadOptions effective = options;
  if (effective.files.empty()) {
    effective.files.push_back("-");
  }
  std::list<std::ifstream> files;
  auto sources = open_sources(effective, files);
  auto repository = context.open_or_create_repository();
  util::SystemClock clock;
  std::vector<importer::Imported> runs;
  if (effective.each) {
    for (const auto& source : sources) {
      runs.push_back(importer::import_run(*repository, {source}, clock));
    }
  } else {
    runs.push_back(importer::import_run(*repository, sources, clock));
  }
  report(context, effective, runs);
}

} // namespace

void setup_load(CLI::App& app, Context& context)
{
  auto options = std::make_shared<LoadOptions>();
  auto* command = app.add_subcommand("load", "Import subunit v1/v2 or JUnit XML streams (files or - for stdin) as one run");
  command->add_option("files", options->files, "Stream files; - or none reads standard input");
  command->add_option("--format", options->format, "subunit2, subunit1, junit or auto (default: detect)");
  command->add_flag("--each", options->each, "One run per file instead of one run for all");
  command->add_flag("--json", options->json, "Print what was stored as JSON");
  command->callback([options, &context] { run_load(*options, context); });
}

} // namespace bisectr::cli
