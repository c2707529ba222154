#include "bisectr/driver/oracle.hpp"

#include "bisectr/util/error.hpp"
#include "bisectr/util/units.hpp"

namespace bisectr::driver {

Oracle parse_oracle(std::string_view text)
{
  if (text == "fail") {
    return {OracleKind::Fail, 0};
  }
  if (text == "signal") {
    return {OracleKind::Signal, 0};
  }
  if (text == "oom") {
    return {OracleKind::Oom, 0};
  }
  if (text.rfind("rss>", 0) == 0) {
    return {OracleKind::RssAbove, util::parse_size(text.substr(4))};
  }
  throw util::UsageError("unknown --oracle '" + std::string(text) + "' (fail, signal, oom or rss>SIZE)");
}

std::string to_string(const Oracle& oracle)
{
  switch (oracle.kind) {
  case OracleKind::Fail:
    return "fail";
  case OracleKind::Signal:
    return "signal";
  case OracleKind::Oom:
    return "oom";
  case OracleKind::RssAbove:
    return "rss>" + std::to_string(oracle.rss_bytes);
  }
  return "fail";
}

bool reproduced(const Oracle& oracle, const scheduler::TrialOutcome& outcome)
{
  switch (oracle.kind) {
  case OracleKind::Fail:
    return outcome.victim_failed();
  case OracleKind::Signal:
    return outcome.worker_killed;
  case OracleKind::Oom:
    return outcome.oom_killed;
  case OracleKind::RssAbove:
    return outcome.peak_rss_bytes > oracle.rss_bytes;
  }
  return false;
}

} // namespace bisectr::driver
