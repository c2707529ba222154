#include "json_model.hpp"

#include <chrono>
#include <ostream>

namespace bisectr::cli {

namespace {

double epoch_seconds(const model::TimePoint& time)
{
  return std::chrono::duration<double>(time.time_since_epoch()).count();
}

nlohmann::json optional_time(const std::optional<model::TimePoint>& time)
{
  return time ? nlohmann::json(epoch_seconds(*time)) : nlohmann::json(nullptr);
}

template <typename T>
nlohmann::json optional_value(const std::optional<T>& value)
{
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

} // namespace

nlohmann::json to_json(const model::RunSummary& run)
{
  static constexpr const char* k_states[] = {"complete", "interrupted", "running"};
  return {{"id", run.id},
          {"started", epoch_seconds(run.started)},
          {"duration_seconds", run.duration_seconds},
          {"source", run.source},
          {"state", k_states[static_cast<int>(run.state)]},
          {"total", run.counts.total},
          {"passed", run.counts.passed},
          {"failed", run.counts.failed},
          {"skipped", run.counts.skipped},
          {"metadata", run.metadata}};
}

nlohmann::json to_json(const model::TestResult& result)
{
  nlohmann::json json = {{"id", result.test_id},
                         {"status", std::string(model::to_string(result.status))},
                         {"worker", result.worker},
                         {"sequence", result.sequence},
                         {"start", optional_time(result.start)},
                         {"stop", optional_time(result.stop)},
                         {"duration_seconds", result.duration_seconds()},
                         {"tags", result.tags},
                         {"rss_before_bytes", optional_value(result.rss_before_bytes)},
                         {"rss_after_bytes", optional_value(result.rss_after_bytes)}};
  if (!result.attachments.empty()) {
    auto& attachments = json["attachments"] = nlohmann::json::array();
    for (const auto& attachment : result.attachments) {
      attachments.push_back({{"name", attachment.name}, {"mime_type", attachment.mime_type}, {"text", attachment.bytes}});
    }
  }
  return json;
}

nlohmann::json to_json(const model::WorkerInfo& worker)
{
  const auto& r = worker.resources;
  return {{"name", worker.name},
          {"wall_seconds", r.wall_seconds},
          {"cpu_user_seconds", r.cpu_user_seconds},
          {"cpu_system_seconds", r.cpu_system_seconds},
          {"peak_rss_bytes", r.peak_rss_bytes},
          {"exit_code", optional_value(r.exit_code)},
          {"signal", optional_value(r.signal)},
          {"killed_by_us", r.killed_by_us},
          {"timed_out", r.timed_out},
          {"oom_killed", r.oom_killed},
          {"memory_limit_method", r.memory_limit_method},
          {"in_progress_test", r.in_progress_test}};
}

void print_json(std::ostream& out, const nlohmann::json& document)
{
  out << document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

} // namespace bisectr::cli
