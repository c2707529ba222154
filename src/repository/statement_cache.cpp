#include "statement_cache.hpp"

#include <sqlite3.h>

namespace bisectr::repository::detail {

StatementCache::StatementCache(SQLite::Database& db) : m_db(db) {}

SQLite::Statement& StatementCache::get(const std::string& sql)
{
  auto found = m_statements.find(sql);
  if (found == m_statements.end()) {
    found = m_statements.emplace(sql, std::make_unique<SQLite::Statement>(m_db, sql)).first;
    return *found->second;
  }
  SQLite::Statement& statement = *found->second;
  (void)statement.tryReset();  // an earlier failed step reports its error here; its user has seen it
  statement.clearBindings();
  return statement;
}

sqlite3_stmt* StatementCache::raw(const std::string& sql)
{
  auto found = m_raw.find(sql);
  if (found == m_raw.end()) {
    sqlite3_stmt* prepared = nullptr;
    m_db.check(sqlite3_prepare_v2(m_db.getHandle(), sql.c_str(), -1, &prepared, nullptr));
    return m_raw.emplace(sql, std::unique_ptr<sqlite3_stmt, Finalize>(prepared)).first->second.get();
  }
  sqlite3_stmt* statement = found->second.get();
  sqlite3_reset(statement);
  sqlite3_clear_bindings(statement);
  return statement;
}

void StatementCache::Finalize::operator()(sqlite3_stmt* statement) const
{
  sqlite3_finalize(statement);
}

void StatementCache::reset_all()
{
  for (auto& [sql, statement] : m_statements) {
    (void)statement->tryReset();
  }
  for (auto& [sql, statement] : m_raw) {
    sqlite3_reset(statement.get());
  }
}

} // namespace bisectr::repository::detail
