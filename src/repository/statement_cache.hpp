#pragma once

#include <SQLiteCpp/SQLiteCpp.h>
#include <memory>
#include <string>
#include <unordered_map>

struct sqlite3_stmt;

namespace bisectr::repository::detail {

/// One connection's prepared statements, kept by SQL text for reuse. Preparing parses and plans
/// the SQL (20-40 us a statement here; recording a run needs about fifteen), so the repository
/// prepares the ones a run writes while the test command starts (Repository::prepare_to_record)
/// and every run of a loop reuses them. Must not outlive the database; one thread at a time.
class StatementCache
{
public:
  explicit StatementCache(SQLite::Database& db);
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  /// The statement for sql, prepared on first use, otherwise reset and its bindings cleared.
  /// The reference stays valid as long as the cache.
  SQLite::Statement& get(const std::string& sql);
  /// The same as a bare sqlite3_stmt, for loops over many rows where SQLiteCpp's per-column
  /// objects cost more than the query.
  sqlite3_stmt* raw(const std::string& sql);
  /// Resets every statement: one left on a row holds its read snapshot, which keeps a checkpoint
  /// from copying the newer commits back.
  void reset_all();
  SQLite::Database& database() const { return m_db; }
  std::size_t size() const { return m_statements.size() + m_raw.size(); }

private:
  SQLite::Database& m_db;
  struct Finalize {
    void operator()(sqlite3_stmt* statement) const;
  };
  std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> m_statements;
  std::unordered_map<std::string, std::unique_ptr<sqlite3_stmt, Finalize>> m_raw;
};

} // namespace bisectr::repository::detail
