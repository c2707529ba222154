#pragma once

#include "bisectr/repository/history.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

namespace bisectr::repository::detail {

/// Compares two stored runs test by test (History::compare_runs); throws util::UsageError when
/// either run does not exist.
RunComparison compare_stored_runs(SQLite::Database& db, model::RunId a, model::RunId b,
                                  const CompareThresholds& thresholds);

} // namespace bisectr::repository::detail
