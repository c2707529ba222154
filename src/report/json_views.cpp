#include "bisectr/report/json_views.hpp"

#include "bisectr/util/json_text.hpp"

#include <chrono>
#include <string_view>

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


void close_object(std::string& out, int indent)
{
  out += '\n';
  out.append(static_cast<std::size_t>(indent), ' ');
  out += '}';
}

void append_proportion(std::string& out, const util::Proportion& proportion, int indent)
{
  out += '{';
  util::append_json_key(out, indent + 2, "estimate", true);
  util::append_json_number(out, proportion.estimate);
  util::append_json_key(out, indent + 2, "lower");
  util::append_json_number(out, proportion.lower);
  util::append_json_key(out, indent + 2, "upper");
  util::append_json_number(out, proportion.upper);
  close_object(out, indent);
}

void append_cluster(std::string& out, const std::optional<Cluster>& cluster, int indent)
{
  if (!cluster) {
    out += "null";
    return;
  }
  out += '{';
  util::append_json_key(out, indent + 2, "failures", true);
  util::append_json_number(out, std::optional<std::int64_t>(cluster->failures));
  util::append_json_key(out, indent + 2, "name");
  util::append_json_string(out, cluster->name);
  util::append_json_key(out, indent + 2, "share");
  util::append_json_number(out, cluster->share);
  close_object(out, indent);
}

void append_counts(std::string& out, const std::vector<repository::NamedCount>& counts, int indent)
{
  if (counts.empty()) {
    out += "[]";
    return;
  }
  out += '[';
  for (std::size_t i = 0; i < counts.size(); ++i) {
    out += i == 0 ? "\n" : ",\n";
    out.append(static_cast<std::size_t>(indent + 2), ' ');
    out += '{';
    util::append_json_key(out, indent + 4, "count", true);
    util::append_json_number(out, std::optional<std::int64_t>(counts[i].count));
    util::append_json_key(out, indent + 4, "name");
    util::append_json_string(out, counts[i].name);
    close_object(out, indent + 2);
  }
  out += '\n';
  out.append(static_cast<std::size_t>(indent), ' ');
  out += ']';
}

} // namespace

void append_json_time(std::string& out, const std::optional<model::TimePoint>& time)
{
  if (time) {
    util::append_json_number(out, epoch_seconds(*time));
  } else {
    out += "null";
  }
}

void append_json(std::string& out, const FlakeAssessment& assessment, int indent)
{
  const auto& stats = assessment.stats;
  const int inner = indent + 2;
  out.append(static_cast<std::size_t>(indent), ' ');
  out += '{';
  util::append_json_key(out, inner, "failure_predecessors", true);
  append_counts(out, stats.failure_predecessors, inner);
  util::append_json_key(out, inner, "failure_rate");
  append_proportion(out, assessment.failure_rate, inner);
  util::append_json_key(out, inner, "failure_workers");
  append_counts(out, stats.failure_workers, inner);
  util::append_json_key(out, inner, "failures");
  util::append_json_number(out, std::optional<std::int64_t>(stats.failures));
  util::append_json_key(out, inner, "first_failure");
  append_json_time(out, stats.first_failure);
  util::append_json_key(out, inner, "flip_rate");
  append_proportion(out, assessment.flip_rate, inner);
  util::append_json_key(out, inner, "flips");
  util::append_json_number(out, std::optional<std::int64_t>(stats.flips));
  util::append_json_key(out, inner, "id");
  util::append_json_string(out, stats.test_id);
  util::append_json_key(out, inner, "last_failure");
  append_json_time(out, stats.last_failure);
  util::append_json_key(out, inner, "predecessor_cluster");
  append_cluster(out, assessment.predecessor_cluster, inner);
  util::append_json_key(out, inner, "runs");
  util::append_json_number(out, std::optional<std::int64_t>(stats.runs));
  util::append_json_key(out, inner, "verdict");
  util::append_json_string(out, to_string(assessment.verdict));
  util::append_json_key(out, inner, "worker_cluster");
  append_cluster(out, assessment.worker_cluster, inner);
  close_object(out, indent);
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
