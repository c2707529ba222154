#pragma once
// Helpers shared by the repository unit tests: building results and runs with known values.

#include "bisectr/repository/repository.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace bisectr::test {

/// 2026-01-01T00:00:00Z plus seconds.
inline model::TimePoint at(double seconds)
{
  const auto base = std::chrono::sys_days{std::chrono::year{2026} / 1 / 1};
  return model::TimePoint(base.time_since_epoch()) +
         std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(seconds));
}

/// A result of test on worker at sequence, taking duration seconds from start.
inline model::TestResult make_result(const std::string& test, model::Status status, const std::string& worker,
                                     std::int64_t sequence, double start = 0.0, double duration = 1.0)
{
  model::TestResult result;
  result.test_id = test;
  result.status = status;
  result.worker = worker;
  result.sequence = sequence;
  result.start = at(start);
  result.stop = at(start + duration);
  return result;
}

/// Commits a run of the given results started at `started` seconds.
inline model::RunId write_run(repository::Repository& repo, const std::vector<model::TestResult>& results,
                              double started = 0.0, const std::string& source = "test")
{
  auto writer = repo.begin_run({at(started), source, {}});
  for (const auto& result : results) {
    writer->add_result(result);
  }
  return writer->commit();
}

} // namespace bisectr::test
