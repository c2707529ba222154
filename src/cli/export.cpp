// bisectr export: writes a stored run as subunit v2, subunit v1, JUnit XML or JSON.
#include "bisectr/repository/repository.hpp"
#include "bisectr/stream/writer.hpp"
#include "bisectr/util/error.hpp"
#include "commands.hpp"
#include "json_model.hpp"
#include "run_ref.hpp"

#include <fstream>

namespace bisectr::cli {

namespace {

struct ExportOptions {
  std::string run;
  std::string format = "subunit2";
  std::string output;
};

void write_run(const ExportOptions& options, repository::Repository& repository, model::RunId id, std::ostream& out)
{
  auto results = repository.results(id, true);
  if (options.format == "json") {
    print_json_with_results(out, to_json(*repository.run_summary(id)), "results", results);
    return;
  }
  auto format = stream::format_from_string(options.format);
  if (!format) {
    throw util::UsageError("unknown --format '" + options.format + "' (subunit2, subunit1, junit or json)");
  }
  auto writer = stream::make_writer(*format, out);
  for (const auto& result : results) {
    writer->write(result);
  }
  writer->finish();
}

void run_export(const ExportOptions& options, Context& context)
{
  auto repository = context.open_repository_to_read();
  auto id = resolve_run(*repository, options.run);
  if (options.output.empty() || options.output == "-") {
    write_run(options, *repository, id, *context.out);
    context.out->flush();
    return;
  }
  std::ofstream file(options.output, std::ios::binary | std::ios::trunc);
  if (!file) {
    throw util::Error("cannot write " + options.output);
  }
  write_run(options, *repository, id, file);
  if (!file.flush()) {
    throw util::Error("cannot write " + options.output + " (disk full?)");
  }
}

} // namespace

void setup_export(CLI::App& app, Context& context)
{
  auto options = std::make_shared<ExportOptions>();
  auto* command = app.add_subcommand("export", "Write a stored run as subunit2, subunit1, junit or json");
  command->add_option("run", options->run, "Run id, -N or last")->required();
  command->add_option("--format", options->format, "subunit2 (default), subunit1, junit or json");
  command->add_option("-o,--output", options->output, "File to write (default: standard output)");
  command->callback([options, &context] { run_export(*options, context); });
}

} // namespace bisectr::cli
