#pragma once

#include "bisectr/bisect/problem.hpp"
#include "bisectr/bisect/trial.hpp"
#include "bisectr/bisect/verdict.hpp"

#include <functional>
#include <vector>

namespace bisectr::bisect {

/// Runs a round of trials (they may run in parallel) and returns one result per request, in order.
using Probe = std::function<std::vector<TrialResult>(const std::vector<TrialRequest>&)>;

/// Runs an Engine to its verdict with the probe; throws util::Error if the probe answers a round
/// with the wrong number of results.
Verdict search(const Problem& problem, const Options& options, const Probe& probe);

} // namespace bisectr::bisect
