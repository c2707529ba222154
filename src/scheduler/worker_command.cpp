#include "bisectr/scheduler/worker_command.hpp"

#include "bisectr/config/placeholders.hpp"
#include "bisectr/util/error.hpp"

#include <fstream>

namespace bisectr::scheduler {

namespace {

void write_id_file(const std::filesystem::path& file, const std::vector<std::string>& ids)
{
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  for (const auto& id : ids) {
    if (id.find('\n') != std::string::npos) {
      throw util::Error("test id holds a newline and cannot go into an id file: " + id.substr(0, id.find('\n')) + "...");
    }
    out << id << '\n';
  }
  if (!out.flush()) {
    throw util::Error("cannot write the id file " + file.string());
  }
}

} // namespace

namespace {

const std::vector<std::string>& command_template(const config::RunnerConfig& config, bool whole_suite)
{
  const bool use_all = whole_suite && !config.run_all_command.empty();
  return use_all ? config.run_all_command : config.run_command;
}

} // namespace

bool needs_scratch(const config::RunnerConfig& config, bool whole_suite)
{
  const auto& argv_template = command_template(config, whole_suite);
  return config.stream == config::StreamSource::File || config::uses_placeholder(argv_template, config::k_id_file) ||
         config::uses_placeholder(argv_template, config::k_output);
}

WorkerCommand make_worker_command(const config::RunnerConfig& config, const std::vector<std::string>& ids,
                                  bool whole_suite, const std::vector<std::string>& extra_args,
                                  const std::filesystem::path& scratch, std::size_t worker)
{
  const auto& argv_template = command_template(config, whole_suite);
  const std::string stem = "worker-" + std::to_string(worker);

  WorkerCommand command;
  command.output = scratch / (stem + ".out");
  config::Placeholders values;
  values.ids = ids;
  values.output = command.output;
  values.worker = worker;
  if (config::uses_placeholder(argv_template, config::k_id_file)) {
    command.id_file = scratch / (stem + ".ids");
    write_id_file(command.id_file, ids);
    values.id_file = command.id_file;
  }
  command.argv = config::expand_command(argv_template, values);
  command.argv.insert(command.argv.end(), extra_args.begin(), extra_args.end());
  return command;
}

std::string describe_command(const std::vector<std::string>& argv)
{
  std::string text;
  for (const auto& arg : argv) {
    if (!text.empty()) {
      text += ' ';
    }
    text += arg;
  }
  return text;
}

} // namespace bisectr::scheduler
