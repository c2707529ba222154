#include "bisectr/scheduler/run_recorder.hpp"

namespace bisectr::scheduler {

namespace {

void add_counts(model::Counts& counts, model::Status status)
{
  ++counts.total;
  if (model::is_failure(status)) {
    ++counts.failed;
  } else if (status == model::Status::Skip) {
    ++counts.skipped;
  } else {
    ++counts.passed;
  }
}

void write_run(repository::RunWriter& writer, const FinishedRun& run)
{
  for (const auto& worker : run.workers) {
    for (const auto& result : worker.results) {
      writer.add_result(result);
    }
    writer.set_worker(worker.info);
    if (!worker.problem.empty()) {
      writer.set_metadata("problem." + worker.info.name, worker.problem);
    }
  }
  writer.set_state(run.interrupted ? model::RunState::Interrupted : model::RunState::Complete);
  writer.set_duration(run.duration_seconds);
}

} // namespace

model::Counts count_results(const std::vector<model::TestResult>& results)
{
  model::Counts counts;
  for (const auto& result : results) {
    add_counts(counts, result.status);
  }
  return counts;
}

RunOutcome record_run(repository::Repository& repository, FinishedRun run)
{
  auto writer = repository.begin_run(run.header);
  write_run(*writer, run);

  RunOutcome outcome;
  outcome.ran = true;
  outcome.run_id = writer->commit();
  outcome.interrupted = run.interrupted;
  outcome.duration_seconds = run.duration_seconds;
  for (auto& worker : run.workers) {
    if (!worker.problem.empty()) {
      outcome.problems[worker.info.name] = worker.problem;
    }
    for (auto& result : worker.results) {
      add_counts(outcome.counts, result.status);
      if (model::is_failure(result.status)) {
        outcome.failing.push_back({result.test_id, result.worker, result.status});
      }
      outcome.results.push_back(std::move(result));
    }
    worker.info.memory_curve.clear();
    outcome.workers.push_back(std::move(worker.info));
  }
  return outcome;
}

} // namespace bisectr::scheduler
