#pragma once

#include "bisectr/repository/history.hpp"
#include "bisectr/repository/repository.hpp"
#include "bisectr/repository/session_store.hpp"
#include "busy_wait.hpp"
#include "statement_cache.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <filesystem>
#include <memory>

namespace bisectr::repository::detail {

/// The Repository over one SQLite connection (WAL, busy timeout, migrated on open).
class SqliteRepository final : public Repository
{
public:
  /// Opens (or creates) file; throws util::RepositoryError when it cannot.
  SqliteRepository(std::filesystem::path file, bool create, const SqliteOptions& options);
  ~SqliteRepository() override;

  std::unique_ptr<RunWriter> begin_run(const NewRun& run) override;
  void prepare_to_record() override;
  std::vector<model::RunSummary> list_runs() const override;
  std::optional<model::RunId> latest_run() const override;
  std::optional<model::RunSummary> run_summary(model::RunId id) const override;
  std::vector<model::TestResult> results(model::RunId id, bool with_attachments) const override;
  using Repository::failing;
  std::vector<model::TestResult> failing(model::RunId id, bool with_attachments) const override;
  std::vector<model::WorkerInfo> workers(model::RunId id) const override;
  std::vector<std::string> workers_with_results(model::RunId id, bool failing_only) const override;
  std::vector<std::string> worker_order(model::RunId id, const std::string& worker) const override;
  std::vector<TestTiming> slowest(model::RunId id, std::size_t n) const override;
  std::map<std::string, double> recent_durations() const override;
  bool remove_run(model::RunId id) override;
  SessionStore& sessions() override;
  History& history() override;

private:
  std::filesystem::path m_file;
  std::unique_ptr<BusyWait> m_busy; // the connection's busy handler: declared first, destroyed last
  // mutable: SQLite reads need a non-const connection, but do not change the repository.
  mutable SQLite::Database m_db;
  StatementCache m_statements;  ///< the run writers' statements
  std::unique_ptr<SessionStore> m_sessions;
  std::unique_ptr<History> m_history;
};

/// Deletes everything run owns inside the caller's transaction; returns its result count, or
/// nullopt when there was no such run.
std::optional<std::int64_t> delete_run_rows(SQLite::Database& db, model::RunId run);

} // namespace bisectr::repository::detail
