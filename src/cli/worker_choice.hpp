#pragma once

#include "bisectr/model/run.hpp"

#include <string>

namespace bisectr::repository {
class Repository;
}

namespace bisectr::cli {

/// The worker a command should use: the one named (checked to exist), else the run's only worker,
/// else the only worker with failures; throws util::UsageError listing the workers otherwise.
std::string choose_worker(const repository::Repository& repository, model::RunId run, const std::string& requested);

} // namespace bisectr::cli
