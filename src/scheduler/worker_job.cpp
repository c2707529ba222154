#include "bisectr/scheduler/worker_job.hpp"

#include "bisectr/scheduler/memory_alignment.hpp"
#include "bisectr/scheduler/worker_stream.hpp"
#include "bisectr/stream/format.hpp"

#include <csignal>
#include <cstdio>
#include <cstring>

namespace bisectr::scheduler {

namespace {

std::optional<stream::Format> configured_format(const config::RunnerConfig& config)
{
  return config.format == "auto" ? std::nullopt : stream::format_from_string(config.format);
}

std::string seconds_text(std::chrono::milliseconds duration)
{
  char buffer[32];
  if (duration.count() % 1000 == 0) {
    std::snprintf(buffer, sizeof buffer, "%llds", static_cast<long long>(duration.count() / 1000));
  } else {
    std::snprintf(buffer, sizeof buffer, "%.1fs", static_cast<double>(duration.count()) / 1000.0);
  }
  return buffer;
}

executor::ProcessSpec make_spec(const WorkerJob& job, const WorkerSettings& settings, WorkerStream& stream)
{
  executor::ProcessSpec spec;
  spec.argv = job.command.argv;
  spec.cwd = settings.config->cwd;
  spec.env = settings.config->env;
  for (const auto& [name, value] : settings.env) {
    spec.env[name] = value;
  }
  spec.env["BISECTR_WORKER"] = job.name;
  spec.timeout = settings.timeout;
  spec.memory_limit_bytes = settings.memory_limit_bytes;
  spec.sample_interval = settings.sample_interval;
  spec.on_started = settings.on_started;
  if (settings.config->stream == config::StreamSource::Stdout) {
    spec.on_stdout = [&stream](std::string_view chunk) { stream.feed(chunk); };
  }
  return spec;
}

model::TestResult cut_short(const std::string& id, const std::string& worker, std::int64_t sequence, const std::string& why)
{
  model::TestResult result;
  result.test_id = id;
  result.status = model::Status::Error;
  result.worker = worker;
  result.sequence = sequence;
  result.attachments.push_back({"bisectr", "text/plain; charset=utf8", why});
  return result;
}

// A stop we were asked for is the user's doing, not the test's.
bool stopped_by_request(const model::Resources& resources, const std::stop_token& stop)
{
  return stop.stop_requested() && resources.killed_by_us && !resources.timed_out && !resources.oom_killed;
}

std::string find_problem(const WorkerJob& job, const WorkerRun& run, const std::string& stream_error, const std::string& end)
{
  if (!stream_error.empty()) {
    return "stream error: " + stream_error;
  }
  if (!end.empty()) {
    return end;
  }
  if (run.results.empty() && !job.ids.empty()) {
    return "the worker reported no results (exit code " + std::to_string(run.info.resources.exit_code.value_or(-1)) + ")";
  }
  return {};
}

std::string end_reason(const model::Resources& resources, std::chrono::milliseconds timeout, bool test_open)
{
  std::string why = worker_end_reason(resources, timeout);
  if (why.empty() && test_open) {
    why = "the worker ended (exit code " + std::to_string(resources.exit_code.value_or(-1)) + ") before the test did";
  }
  return why;
}

// Names the test in progress and, when the worker died under it, records it as an error saying why.
void close_open_tests(WorkerRun& run, const std::vector<std::string>& open, const std::string& why)
{
  run.info.resources.in_progress_test = open.empty() ? std::string() : open.front();
  if (why.empty()) {
    return;
  }
  for (const auto& id : open) {
    run.results.push_back(cut_short(id, run.info.name, static_cast<std::int64_t>(run.results.size()), why));
  }
}

} // namespace

std::string worker_end_reason(const model::Resources& resources, std::chrono::milliseconds timeout)
{
  if (resources.timed_out) {
    return timeout.count() > 0 ? "timed out after " + seconds_text(timeout) : "timed out";
  }
  if (resources.oom_killed) {
    return resources.memory_limit_method.empty() ? "worker killed (likely out of memory)"
                                                  : "worker killed: memory limit reached (" + resources.memory_limit_method + ")";
  }
  if (resources.signal && !resources.killed_by_us) {
    const char* name = ::sigabbrev_np(*resources.signal);
    return "worker killed by signal " + std::to_string(*resources.signal) + (name != nullptr ? std::string(" (SIG") + name + ")" : "");
  }
  return {};
}

WorkerRun run_worker(const WorkerJob& job, const WorkerSettings& settings, executor::ProcessRunner& processes,
                     std::stop_token stop)
{
  WorkerStream stream(job.name, configured_format(*settings.config), job.name + " of " + describe_command(job.command.argv),
                      settings.ids);
  stream.set_on_result(settings.on_result);
  const auto spec = make_spec(job, settings, stream);
  const model::TimePoint launched{
    std::chrono::duration_cast<std::chrono::nanoseconds>(settings.clock->wall_now().time_since_epoch())};
  auto result = processes.run(spec, stop);
  std::string stream_error;
  if (settings.config->stream == config::StreamSource::File && !stream.feed_file(job.command.output)) {
    stream_error = "no output file " + job.command.output.string();
  }
  stream.finish();
  if (stream_error.empty()) {
    stream_error = stream.error();
  }

  WorkerRun run;
  run.info.name = job.name;
  run.info.resources = result.resources;
  run.results = stream.take_results();
  const bool requested = stopped_by_request(result.resources, stop);
  const std::string end = requested ? std::string() : end_reason(result.resources, settings.timeout, !stream.in_progress().empty());
  close_open_tests(run, stream.in_progress(), end);
  attach_memory(run.results, result.samples, launched);
  run.info.memory_curve = memory_curve(result.samples, k_max_curve_points);
  run.problem = requested ? std::string() : find_problem(job, run, stream_error, end);
  return run;
}

} // namespace bisectr::scheduler
