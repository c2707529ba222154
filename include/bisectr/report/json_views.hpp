#pragma once

#include "bisectr/report/flake_stats.hpp"
#include "bisectr/report/memory_changes.hpp"
#include "bisectr/repository/history.hpp"

#include <nlohmann/json.hpp>

namespace bisectr::report {

/// As in the other commands' JSON: times are seconds since the Unix epoch (null when unknown),
/// durations seconds, rates numbers in [0, 1], and a test id is "id".

/// A test's flakiness for `flaky --json`.
nlohmann::json to_json(const FlakeAssessment& assessment);
/// One line of `history --json`.
nlohmann::json to_json(const repository::HistoryEntry& entry);
/// The differences of `compare --json` (status, moves, durations).
nlohmann::json to_json(const repository::RunComparison& comparison);
/// A memory change of `compare --json`.
nlohmann::json to_json(const MemoryChange& change);
/// `stats --json`.
nlohmann::json to_json(const repository::RepositoryStats& stats);
/// `prune --json`.
nlohmann::json to_json(const repository::PruneOutcome& outcome);

} // namespace bisectr::report
