#pragma once

#include "bisectr/model/run.hpp"

#include <string>

namespace bisectr::repository {
class Repository;
}

namespace bisectr::cli {

/// Resolves a RUN argument: a run id, "last" (or empty) for the newest run, or "-N" for the Nth
/// newest; throws util::UsageError naming the argument when no such run exists.
model::RunId resolve_run(const repository::Repository& repository, const std::string& text);

} // namespace bisectr::cli
