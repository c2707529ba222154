#pragma once

// The worker lanes of the run page: bars in execution order and memory curves. Internal.
#include "bisectr/model/run.hpp"
#include "bisectr/model/test_result.hpp"

#include <iosfwd>
#include <string>
#include <vector>

namespace bisectr::report::detail {

/// One worker's results in execution order and its resources, if the runner recorded them.
struct Lane {
  std::string worker;
  std::vector<const model::TestResult*> results;
  const model::WorkerInfo* info = nullptr;
};

/// Groups results by worker (keeping their order) and attaches each worker's info.
std::vector<Lane> make_lanes(const std::vector<model::TestResult>& results,
                             const std::vector<model::WorkerInfo>& workers);

/// Writes each lane as an SVG: bars placed by time when the results carry start and stop
/// times, else one equal slot per test; the memory curve under it; OOM kills marked.
void write_lanes(std::ostream& out, const std::vector<Lane>& lanes);

} // namespace bisectr::report::detail
