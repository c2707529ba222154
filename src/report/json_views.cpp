#include "bisectr/report/json_views.hpp"

#include <chrono>

namespace bisectr::report {

namespace {

using nlohmann::json;

// Seconds since the Unix epoch, as the other commands' JSON gives times.
double epoch_seconds(model::TimePoint time)
{
  return std::chrono::duration<double>(time.time_since_epoch()).count();
}

json time_json(const std::optional<model::TimePoint>& time)
{
  return time ? json(epoch_seconds(*time)) : json(nullptr);
}

json status_json(const std::optional<model::Status>& status)
{
  return status ? json(std::string(model::to_string(*status))) : json(nullptr);
}

json proportion_json(const util::Proportion& proportion)
{
  return {{"estimate", proportion.estimate}, {"lower", proportion.lower}, {"upper", proportion.upper}};
}

json cluster_json(const std::optional<Cluster>& cluster)
{
  if (!cluster) {
    return nullptr;
  }
  return {{"name", cluster->name}, {"failures", cluster->failures}, {"share", cluster->share}};
}

json counts_json(const std::vector<repository::NamedCount>& counts)
{
  json list = json::array();
  for (const auto& count : counts) {
    list.push_back({{"name", count.name}, {"count", count.count}});
  }
  return list;
}

} // namespace

json to_json(const FlakeAssessment& assessment)
{
  const auto& stats = assessment.stats;
  return {{"id", stats.test_id},
          {"verdict", to_string(assessment.verdict)},
          {"runs", stats.runs},
          {"failures", stats.failures},
          {"failure_rate", proportion_json(assessment.failure_rate)},
          {"flips", stats.flips},
          {"flip_rate", proportion_json(assessment.flip_rate)},
          {"first_failure", time_json(stats.first_failure)},
          {"last_failure", time_json(stats.last_failure)},
          {"failure_workers", counts_json(stats.failure_workers)},
          {"failure_predecessors", counts_json(stats.failure_predecessors)},
          {"worker_cluster", cluster_json(assessment.worker_cluster)},
          {"predecessor_cluster", cluster_json(assessment.predecessor_cluster)}};
}

json to_json(const repository::HistoryEntry& entry)
{
  return {{"run", entry.run},
          {"started", epoch_seconds(entry.started)},
          {"status", std::string(model::to_string(entry.status))},
          {"duration_seconds", entry.duration_seconds},
          {"worker", entry.worker},
          {"position", entry.sequence}};
}

json to_json(const repository::RunComparison& comparison)
{
  json statuses = json::array();
  for (const auto& change : comparison.status_changes) {
    statuses.push_back({{"id", change.test_id}, {"before", status_json(change.before)},
                        {"after", status_json(change.after)}});
  }
  json moves = json::array();
  for (const auto& move : comparison.moves) {
    moves.push_back({{"id", move.test_id},
                     {"before", {{"worker", move.worker_before}, {"position", move.sequence_before}}},
                     {"after", {{"worker", move.worker_after}, {"position", move.sequence_after}}}});
  }
  json durations = json::array();
  for (const auto& change : comparison.duration_changes) {
    durations.push_back({{"id", change.test_id}, {"seconds_before", change.seconds_before},
                         {"seconds_after", change.seconds_after}});
  }
  return {{"status_changes", statuses}, {"moves", moves}, {"duration_changes", durations}};
}

json to_json(const MemoryChange& change)
{
  return {{"name", change.name}, {"bytes_before", change.bytes_before}, {"bytes_after", change.bytes_after}};
}

json to_json(const repository::RepositoryStats& stats)
{
  return {{"runs", stats.runs},
          {"results", stats.results},
          {"tests", stats.tests},
          {"sessions", stats.sessions},
          {"size_bytes", stats.size_bytes},
          {"oldest_run", time_json(stats.oldest)},
          {"newest_run", time_json(stats.newest)}};
}

json to_json(const repository::PruneOutcome& outcome)
{
  return {{"runs_removed", outcome.runs_removed}, {"results_removed", outcome.results_removed}};
}

} // namespace bisectr::report
