#include "bisectr/bisect/trial.hpp"

#include "bisectr/util/error.hpp"

#include <cstring>
#include <string>

namespace bisectr::bisect {

const char* to_string(TrialKind kind)
{
  switch (kind) {
  case TrialKind::Reproduce:
    return "reproduce";
  case TrialKind::Control:
    return "control";
  case TrialKind::Search:
    return "search";
  case TrialKind::Verify:
    return "verify";
  }
  return "search";
}

TrialKind trial_kind_from_string(const char* name)
{
  for (TrialKind kind : {TrialKind::Reproduce, TrialKind::Control, TrialKind::Search, TrialKind::Verify}) {
    if (std::strcmp(name, to_string(kind)) == 0) {
      return kind;
    }
  }
  throw util::Error(std::string("unknown bisect trial kind '") + name + "'");
}

} // namespace bisectr::bisect
