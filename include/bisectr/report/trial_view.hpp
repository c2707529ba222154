#pragma once

#include "bisectr/repository/session_store.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bisectr::report {

/// A suspect (a test or a set of tests) and the probability the engine gave it.
struct Suspect {
  std::string name;
  double probability = 0.0;
};

/// What the session page can read from one stored trial, whose JSON is the bisect engine's:
/// each field is looked for at the top level and under "request" / "result"; absent ones stay unset.
struct TrialView {
  std::int64_t index = 0;
  model::TimePoint recorded{};
  std::optional<model::RunId> run;
  bool parsed = false;                     ///< false when the JSON did not parse
  std::string kind;                        ///< "kind" (reproduce, control, search, verify), "" if absent
  std::optional<std::int64_t> subset_size; ///< size of "subset" (an array) or "subset_size"
  std::optional<std::int64_t> candidates;  ///< size of "candidates" (array) or a number under "candidates", "candidate_count" or "remaining"
  std::optional<std::int64_t> runs;
  std::optional<std::int64_t> failures;
  std::vector<Suspect> suspects;           ///< from "suspects", "leading", "probabilities" or "posterior", most probable first
  std::string compact_json;                ///< the stored JSON on one line (as stored when it did not parse)
};

/// Reads the fields above from a stored trial.
TrialView read_trial(const repository::Trial& trial);

/// Reads suspects from a state or trial JSON text (the same keys as TrialView::suspects).
std::vector<Suspect> read_suspects(const std::string& json_text);

} // namespace bisectr::report
