#pragma once

#include "bisectr/report/flake_stats.hpp"
#include "bisectr/report/memory_changes.hpp"
#include "bisectr/repository/history.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace bisectr::report {

/// As in the other commands' JSON: times are seconds since the Unix epoch (null when unknown),
/// durations seconds, rates numbers in [0, 1], and a test id is "id".

/// Appends a time as JSON: seconds since the Unix epoch, or null.
void append_json_time(std::string& out, const std::optional<model::TimePoint>& time);
/// A test's flakiness for `flaky --json`, appended to `out` as a JSON object laid out as
/// nlohmann's dump(2) would (members in name order, nested `indent` spaces deep): id, verdict,
/// runs, failures, failure_rate and flip_rate (estimate, lower, upper), flips, first_failure,
/// last_failure, failure_workers and failure_predecessors (name, count), worker_cluster and
/// predecessor_cluster (name, failures, share, or null). Written as text rather than built as a
/// tree: 10,000 flaky tests took 0.2 s more as a tree.
void append_json(std::string& out, const FlakeAssessment& assessment, int indent);
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
