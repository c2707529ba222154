#pragma once

#include "bisectr/repository/history.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <filesystem>

namespace bisectr::repository::detail {

/// History answered with aggregate SQL over the repository's connection.
class SqliteHistory final : public History
{
public:
  SqliteHistory(SQLite::Database& db, std::filesystem::path file);

  std::vector<TestStats> test_stats(const StatsFilter& filter) const override;
  FailedTestStats failed_test_stats(const StatsFilter& filter) const override;
  std::vector<HistoryEntry> test_history(const std::string& test_id) const override;
  RunComparison compare_runs(model::RunId a, model::RunId b, const CompareThresholds& thresholds) const override;
  RepositoryStats stats() const override;
  PruneOutcome prune(const PruneRule& rule) override;

private:
  SQLite::Database& m_db;
  std::filesystem::path m_file;
};

} // namespace bisectr::repository::detail
