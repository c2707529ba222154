#include "bisectr/bisect/search.hpp"

#include "bisectr/bisect/engine.hpp"

namespace bisectr::bisect {

Verdict search(const Problem& problem, const Options& options, const Probe& probe)
{
  Engine engine(problem, options);
  while (!engine.done()) {
    std::vector<TrialRequest> batch = engine.plan();
    if (batch.empty()) {
      break;
    }
    // record_round refuses a probe that returned a result count other than the batch's.
    engine.record_round(batch, probe(batch));
  }
  return engine.verdict();
}

} // namespace bisectr::bisect
