#include "bisectr/bisect/search.hpp"

#include "bisectr/bisect/engine.hpp"
#include "bisectr/util/error.hpp"

namespace bisectr::bisect {

Verdict search(const Problem& problem, const Options& options, const Probe& probe)
{
  Engine engine(problem, options);
  while (!engine.done()) {
    std::vector<TrialRequest> batch = engine.plan();
    if (batch.empty()) {
      break;
    }
    std::vector<TrialResult> results = probe(batch);
    if (results.size() != batch.size()) {
      throw util::Error("bisect probe returned " + std::to_string(results.size()) + " results for " +
                        std::to_string(batch.size()) + " trials");
    }
    engine.record_round(batch, results);
  }
  return engine.verdict();
}

} // namespace bisectr::bisect
