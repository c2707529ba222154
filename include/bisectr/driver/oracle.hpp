#pragma once

#include "bisectr/scheduler/trial_runner.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace bisectr::driver {

/// What counts as reproducing the problem in one trial run.
enum class OracleKind { Fail, Signal, Oom, RssAbove };

/// An oracle and, for RssAbove, its threshold.
struct Oracle {
  OracleKind kind = OracleKind::Fail;
  std::int64_t rss_bytes = 0;
};

/// Parses "fail", "signal", "oom" or "rss>SIZE" (SIZE as 512M, 2G); throws util::UsageError.
Oracle parse_oracle(std::string_view text);
/// The spelling parse_oracle accepts.
std::string to_string(const Oracle& oracle);
/// Whether a trial run reproduced: the victim failed (Fail), the worker died of a signal bisectr did
/// not send for a stop (Signal), was killed for memory (Oom), or peaked above the threshold (RssAbove).
bool reproduced(const Oracle& oracle, const scheduler::TrialOutcome& outcome);

} // namespace bisectr::driver
