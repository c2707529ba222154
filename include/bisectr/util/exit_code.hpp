#pragma once

namespace bisectr::util {

/// Every exit status bisectr returns; docs/manual.md lists them.
enum class ExitCode : int {
  Success = 0,          ///< the command did what was asked; a run passed; bisect found the culprits
  TestsFailed = 1,      ///< a run (or the last run) has failing tests; until-failure saw a failure
  Error = 2,            ///< bad input, repository or process failure (one line on stderr)
  FailsAlone = 3,       ///< bisect: the victim fails on its own
  NotReproducible = 4,  ///< bisect: the failure did not reproduce / no interference found
  Usage = 64,           ///< bad command line
  Interrupted = 130,    ///< stopped by SIGINT/SIGTERM; what was recorded is kept
};

/// The integer to return from main.
constexpr int to_int(ExitCode code) { return static_cast<int>(code); }

} // namespace bisectr::util
