#include "sqlite_support.hpp"

#include "bisectr/repository/repository.hpp"
#include "wal_fold.hpp"

#include <sqlite3.h>

namespace bisectr::repository::detail {

bool is_busy(const SQLite::Exception& error)
{
  const int code = error.getErrorCode() & 0xff; // extended codes (SQLITE_BUSY_RECOVERY, ...) too
  return code == SQLITE_BUSY || code == SQLITE_LOCKED;
}

util::RepositoryError to_repository_error(const SQLite::Exception& error, const std::filesystem::path& file)
{
  if (is_busy(error)) {
    return util::RepositoryError("repository busy (another bisectr holds its lock), " + file.string());
  }
  return util::RepositoryError(std::string("repository error: ") + error.what() + ", " + file.string());
}

std::int64_t to_ns(model::TimePoint time)
{
  return time.time_since_epoch().count();
}

model::TimePoint from_ns(std::int64_t ns)
{
  return model::TimePoint(std::chrono::nanoseconds(ns));
}

void bind_optional(SQLite::Statement& statement, int index, std::optional<std::int64_t> value)
{
  if (value) {
    statement.bind(index, *value);
  } else {
    statement.bind(index);
  }
}

std::optional<std::int64_t> optional_int64(const SQLite::Column& column)
{
  if (column.isNull()) {
    return std::nullopt;
  }
  return column.getInt64();
}


std::string column_bytes(const SQLite::Column& column)
{
  const int size = column.getBytes();
  if (size <= 0) {
    return {};
  }
  const auto* data = static_cast<const char*>(column.getBlob());
  return std::string(data, static_cast<std::size_t>(size));
}

WriteTransaction::WriteTransaction(SQLite::Database& db) : m_db(db)
{
  fold_wal_before_write(m_db.getHandle(), k_fold_wal_bytes);
  m_db.exec("BEGIN IMMEDIATE");
}

WriteTransaction::~WriteTransaction()
{
  if (m_open) {
    // A destructor must not throw; a failed rollback leaves SQLite to roll back on close.
    (void)m_db.tryExec("ROLLBACK");
  }
}

void WriteTransaction::commit()
{
  m_db.exec("COMMIT");
  m_open = false;
}

ReadTransaction::ReadTransaction(SQLite::Database& db) : m_db(db)
{
  // Inside a caller's transaction (a writer reading), that one already holds the snapshot.
  if (sqlite3_get_autocommit(m_db.getHandle()) != 0) {
    m_db.exec("BEGIN DEFERRED");
    m_open = true;
  }
}

ReadTransaction::~ReadTransaction()
{
  if (m_open && m_db.tryExec("COMMIT") != SQLITE_OK) {
    // Nothing was written, so nothing is lost; but a transaction left open would make the
    // connection's next BEGIN fail. A destructor must not throw.
    (void)m_db.tryExec("ROLLBACK");
  }
}

} // namespace bisectr::repository::detail
