#pragma once

#include "bisectr/config/runner_config.hpp"
#include "bisectr/executor/process_runner.hpp"

#include <stop_token>
#include <string>
#include <vector>

namespace bisectr::scheduler {

/// Runs the config's list command (in its cwd, with its env and timeout) and returns the listed
/// ids in listed order, duplicates dropped; an empty list when stopped. Throws util::Error naming
/// the command and quoting its stderr when it exits non-zero or is killed.
std::vector<std::string> list_tests(const config::RunnerConfig& config, executor::ProcessRunner& runner,
                                    std::stop_token stop);

/// The ids in a list command's output read as the config's list format (subunit through the stream module).
std::vector<std::string> parse_listing(const config::RunnerConfig& config, const std::string& output);

} // namespace bisectr::scheduler
