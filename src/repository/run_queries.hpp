#pragma once

#include "bisectr/repository/repository.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

namespace bisectr::repository::detail {

/// Which results of a run read_results returns.
enum class ResultFilter { All, Failing };

/// A run's results ordered by worker (first-seen order) then sequence, optionally with attachments.
std::vector<model::TestResult> read_results(SQLite::Database& db, model::RunId run, ResultFilter filter,
                                            bool with_attachments);
/// A run's workers in first-seen order with resources and memory curves.
std::vector<model::WorkerInfo> read_workers(SQLite::Database& db, model::RunId run);
/// The test ids a worker of a run ran, in sequence order.
std::vector<std::string> read_workers_with_results(SQLite::Database& db, model::RunId run, bool failing_only);
std::vector<std::string> read_worker_order(SQLite::Database& db, model::RunId run, const std::string& worker);
/// The n slowest results of a run that have both start and stop times.
std::vector<TestTiming> read_slowest(SQLite::Database& db, model::RunId run, std::size_t n);
/// Each test's duration in the newest run where it succeeded with both times known.
std::map<std::string, double> read_recent_durations(SQLite::Database& db);

} // namespace bisectr::repository::detail
