#pragma once

#include "bisectr/config/runner_config.hpp"

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace bisectr::scheduler {

/// The command one worker runs and the files it uses.
struct WorkerCommand {
  std::vector<std::string> argv;   ///< expanded template plus the extra arguments
  std::filesystem::path output;    ///< where the stream is read from when the config's stream is File
  std::filesystem::path id_file;   ///< the id file written for {id_file}, or empty
};

/// Builds worker `worker`'s command: run_all_command when whole_suite and the config has one,
/// else run_command with ids; writes the id file (one id a line) into scratch when the template
/// uses {id_file}; output is scratch/worker-<i>.out; extra arguments are appended as they are.
/// Throws util::Error when an id holds a newline and must go through an id file.
WorkerCommand make_worker_command(const config::RunnerConfig& config, const std::vector<std::string>& ids,
                                  bool whole_suite, const std::vector<std::string>& extra_args,
                                  const std::filesystem::path& scratch, std::size_t worker);

/// True when the workers' commands write or read a file in the scratch directory: an id file, an
/// {output} file, or a stream read from a file. A plain stdout run needs no directory (creating
/// and removing it was ~0.3 ms of a short run).
bool needs_scratch(const config::RunnerConfig& config, bool whole_suite);

/// The template joined by spaces, for run metadata and messages (not for a shell).
std::string describe_command(const std::vector<std::string>& argv);

} // namespace bisectr::scheduler
