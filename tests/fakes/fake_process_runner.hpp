#pragma once

#include "bisectr/executor/process_runner.hpp"

#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

namespace bisectr::test {

/// One scripted outcome of FakeProcessRunner::run.
struct ScriptedRun {
  std::string stdout_bytes{};          ///< delivered through on_stdout in chunks of chunk_size
  std::string stderr_bytes{};          ///< delivered through on_stderr in chunks of chunk_size
  std::size_t chunk_size = 4096;       ///< bytes per callback (0 = all at once)
  executor::ProcessResult result{};    ///< returned as is (exit_code 0 by default)
  bool fail_to_start = false;          ///< run() throws util::ProcessError naming argv[0] instead
};

/// A ProcessRunner without processes: returns scripted results and records the specs it got; thread-safe.
class FakeProcessRunner final : public executor::ProcessRunner
{
public:
  using Handler = std::function<ScriptedRun(const executor::ProcessSpec&)>;

  /// Queues an outcome; runs take queued outcomes first, in order.
  void push(ScriptedRun run);
  /// Decides the outcome of runs once the queue is empty (default: exit 0, no output).
  void set_handler(Handler handler);
  /// Calls on_started, delivers the scripted output through the spec's callbacks and returns the scripted result; a stop requested before the call yields killed_by_us with SIGTERM and no output.
  executor::ProcessResult run(const executor::ProcessSpec& spec, std::stop_token stop) override;
  /// Copies of every spec received so far, in call order.
  std::vector<executor::ProcessSpec> specs() const;
  /// How many times run() was called.
  std::size_t run_count() const;

private:
  ScriptedRun next(const executor::ProcessSpec& spec);

  mutable std::mutex m_mutex;
  std::deque<ScriptedRun> m_queue;
  Handler m_handler;
  std::vector<executor::ProcessSpec> m_specs;
};

} // namespace bisectr::test
