#include "fakes/fake_process_runner.hpp"

#include "bisectr/util/error.hpp"

#include <csignal>
#include <string_view>
#include <utility>

namespace bisectr::test {

namespace {

void deliver(const std::function<void(std::string_view)>& sink, const std::string& bytes, std::size_t chunk_size)
{
  if (!sink || bytes.empty()) {
    return;
  }
  const std::size_t step = chunk_size == 0 ? bytes.size() : chunk_size;
  for (std::size_t at = 0; at < bytes.size(); at += step) {
    sink(std::string_view(bytes).substr(at, step));
  }
}

} // namespace

void FakeProcessRunner::push(ScriptedRun run)
{
  const std::lock_guard lock(m_mutex);
  m_queue.push_back(std::move(run));
}

void FakeProcessRunner::set_handler(Handler handler)
{
  const std::lock_guard lock(m_mutex);
  m_handler = std::move(handler);
}

ScriptedRun FakeProcessRunner::next(const executor::ProcessSpec& spec)
{
  Handler handler;
  {
    const std::lock_guard lock(m_mutex);
    m_specs.push_back(spec);
    if (!m_queue.empty()) {
      ScriptedRun run = std::move(m_queue.front());
      m_queue.pop_front();
      return run;
    }
    handler = m_handler;
  }
  // The handler runs unlocked so that it may itself push or inspect the fake.
  if (handler) {
    return handler(spec);
  }
  ScriptedRun run;
  run.result.resources.exit_code = 0;
  return run;
}

executor::ProcessResult FakeProcessRunner::run(const executor::ProcessSpec& spec, std::stop_token stop)
{
  ScriptedRun scripted = next(spec);
  if (scripted.fail_to_start) {
    throw util::ProcessError("cannot start " + (spec.argv.empty() ? std::string("<empty argv>") : spec.argv.front()));
  }
  if (spec.on_started) {
    spec.on_started();
  }
  if (stop.stop_requested()) {
    executor::ProcessResult stopped;
    stopped.resources.signal = SIGTERM;
    stopped.resources.killed_by_us = true;
    return stopped;
  }
  deliver(spec.on_stdout, scripted.stdout_bytes, scripted.chunk_size);
  deliver(spec.on_stderr, scripted.stderr_bytes, scripted.chunk_size);
  if (!scripted.result.resources.exit_code && !scripted.result.resources.signal) {
    scripted.result.resources.exit_code = 0;
  }
  return scripted.result;
}

std::vector<executor::ProcessSpec> FakeProcessRunner::specs() const
{
  const std::lock_guard lock(m_mutex);
  return m_specs;
}

std::size_t FakeProcessRunner::run_count() const
{
  const std::lock_guard lock(m_mutex);
  return m_specs.size();
}

} // namespace bisectr::test
