#include "bisectr/bisect/problem.hpp"

#include "bisectr/util/error.hpp"

#include <string>

namespace bisectr::bisect {

double run_seconds(const Problem& problem, const std::vector<std::size_t>& subset)
{
  double total = problem.startup_seconds + problem.victim_seconds;
  for (std::size_t index : subset) {
    total += problem.candidate_seconds.at(index);
  }
  return total;
}

void validate(const Problem& problem, const Options& options)
{
  if (!(options.confidence > 0.0 && options.confidence < 1.0)) {
    throw util::UsageError("bisect confidence must be between 0 and 1, got " + std::to_string(options.confidence));
  }
  if (options.parallel == 0) {
    throw util::UsageError("bisect parallel must be at least 1");
  }
  if (!(options.q_floor > 0.0 && options.q_floor < 1.0)) {
    throw util::UsageError("bisect q floor must be between 0 and 1, got " + std::to_string(options.q_floor));
  }
  if (!(options.cost_share > 0.0 && options.cost_share <= 1.0)) {
    throw util::UsageError("bisect cost share must be in (0, 1], got " + std::to_string(options.cost_share));
  }
  for (double seconds : problem.candidate_seconds) {
    if (!(seconds >= 0.0)) {
      throw util::UsageError("bisect candidate durations must be non-negative");
    }
  }
}

} // namespace bisectr::bisect
