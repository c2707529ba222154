#pragma once

#include "bisectr/bisect/verdict.hpp"
#include "bisectr/driver/bisect_driver.hpp"

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>

namespace bisectr::cli {

/// One status line for a terminal: phase, trials, runs, failures, elapsed, leading suspect, runs left.
std::string progress_line(const bisect::Progress& progress, double elapsed_seconds, const driver::SessionConfig& config);
/// The verdict as a sentence, e.g. "test_a makes test_v fail: P=0.97, q≈0.04 [0.02, 0.08], 412 runs, 38m".
std::string verdict_sentence(const driver::Outcome& outcome, const driver::SessionConfig& config, double elapsed_seconds);
/// The --json document: verdict, culprits (ids), probability, runs, seconds, q, suspects, session.
nlohmann::json verdict_json(const driver::Outcome& outcome, const driver::SessionConfig& config, double elapsed_seconds);
/// The word used for the verdict in JSON and exit codes: found, fails_alone, not_reproducible, exhausted, interrupted.
std::string verdict_word(const driver::Outcome& outcome);

} // namespace bisectr::cli
