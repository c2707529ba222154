#include "bisectr/bisect/verdict.hpp"

#include <nlohmann/json.hpp>

namespace bisectr::bisect {

namespace {

nlohmann::json suspects_json(const std::vector<Suspect>& suspects)
{
  nlohmann::json list = nlohmann::json::array();
  for (const Suspect& suspect : suspects) {
    list.push_back({{"members", suspect.members}, {"probability", suspect.probability}});
  }
  return list;
}

} // namespace

const char* to_string(VerdictKind kind)
{
  switch (kind) {
  case VerdictKind::Found:
    return "found";
  case VerdictKind::FailsAlone:
    return "fails_alone";
  case VerdictKind::NotReproducible:
    return "not_reproducible";
  case VerdictKind::Exhausted:
    return "exhausted";
  }
  return "exhausted";
}

const char* to_string(Phase phase)
{
  switch (phase) {
  case Phase::Reproduce:
    return "reproduce";
  case Phase::Search:
    return "search";
  case Phase::Verify:
    return "verify";
  case Phase::Done:
    return "done";
  }
  return "done";
}

nlohmann::json to_json(const Verdict& verdict)
{
  return {{"verdict", to_string(verdict.kind)},
          {"culprits", verdict.culprits},
          {"probability", verdict.probability},
          {"q", verdict.q_estimate},
          {"q_interval", {verdict.q_interval.low, verdict.q_interval.high}},
          {"others_may_exist", verdict.others_may_exist},
          {"suspects", suspects_json(verdict.suspects)},
          {"trials", verdict.trials},
          {"runs", verdict.runs},
          {"seconds", verdict.test_seconds},
          {"wall_seconds", verdict.wall_seconds},
          {"reproduce", {{"runs", verdict.reproduce_runs}, {"failures", verdict.reproduce_failures}}},
          {"control", {{"runs", verdict.control_runs}, {"failures", verdict.control_failures}}}};
}

nlohmann::json to_json(const Progress& progress)
{
  return {{"phase", to_string(progress.phase)},
          {"trials", progress.trials},
          {"runs", progress.runs},
          {"failures", progress.failures},
          {"seconds", progress.test_seconds},
          {"wall_seconds", progress.wall_seconds},
          {"suspects", suspects_json(progress.suspects)},
          {"q", progress.q_estimate},
          {"q_interval", {progress.q_interval.low, progress.q_interval.high}},
          {"remaining_runs", progress.remaining_runs},
          {"pairs_open", progress.pairs_open}};
}

} // namespace bisectr::bisect
