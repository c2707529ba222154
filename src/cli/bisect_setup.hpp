#pragma once

#include "bisectr/driver/session_config.hpp"

#include <filesystem>
#include <string>

namespace bisectr::repository {
class Repository;
}

namespace bisectr::cli {

/// What the user asked `bisect` to search.
struct BisectTarget {
  std::string run;                   ///< RUN argument (empty with --from-list)
  std::string worker;
  std::string victim;                ///< --test
  std::filesystem::path from_list;   ///< --from-list
};

/// Fills config.run/worker/victim/candidates/problem from a stored run's worker order (or a list
/// file): the victim defaults to the worker's first failing test; candidates are the tests before it.
/// Throws util::UsageError when the victim is not in the order or there is nothing to bisect.
void resolve_target(const repository::Repository& repository, const BisectTarget& target, driver::SessionConfig& config);

} // namespace bisectr::cli
