#pragma once
// Helpers shared by the scheduler's unit tests: subunit v2 streams for scripted workers.

#include "bisectr/config/runner_config.hpp"
#include "bisectr/model/event.hpp"
#include "bisectr/stream/subunit_v2_encoder.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace bisectr::test {

/// One scripted test in a stream: id, final status (InProgress = never ends), start and stop in ms after `origin`.
struct ScriptedTest {
  std::string id;
  model::Status status = model::Status::Success;
  int start_ms = 0;
  int stop_ms = 0;
};

/// The wall-clock origin scripted streams use (FakeClock's default wall origin).
inline model::TimePoint stream_origin()
{
  return model::TimePoint{std::chrono::seconds{1'700'000'000}};
}

/// One subunit v2 packet: a test's status at a time (and a traceback for failures).
inline std::string status_packet(const std::string& id, model::Status status, model::TimePoint at)
{
  model::Event event;
  event.test_id = id;
  event.status = status;
  event.timestamp.emplace(at);
  if (status == model::Status::Fail) {
    event.file.emplace(model::FileChunk{"traceback", "text/plain", "AssertionError: scripted\n", true});
  }
  std::string out;
  stream::append_v2_packet(out, event);
  return out;
}

/// A subunit v2 stream of the tests: an inprogress packet, then (unless InProgress) the final one.
inline std::string subunit_stream(const std::vector<ScriptedTest>& tests, model::TimePoint origin = stream_origin())
{
  std::string out;
  for (const auto& test : tests) {
    out += status_packet(test.id, model::Status::InProgress, origin + std::chrono::milliseconds{test.start_ms});
    if (test.status != model::Status::InProgress) {
      out += status_packet(test.id, test.status, origin + std::chrono::milliseconds{test.stop_ms});
    }
  }
  return out;
}

/// A config whose list command prints ids one a line and whose run command takes {ids} as argv.
inline config::RunnerConfig lines_config()
{
  config::RunnerConfig config;
  config.file = "/project/bisectr.toml";
  config.cwd = "/project";
  config.list_command = {"list-tests"};
  config.list_format = config::ListFormat::Lines;
  config.run_command = {"run-tests", "{ids}"};
  config.format = "subunit2";
  config.parallel = 1;
  return config;
}

/// The ids a scripted worker was given: everything after the run command's own arguments.
inline std::vector<std::string> ids_in_argv(const std::vector<std::string>& argv, std::size_t skip = 1)
{
  return std::vector<std::string>(argv.begin() + static_cast<std::ptrdiff_t>(skip), argv.end());
}

} // namespace bisectr::test
