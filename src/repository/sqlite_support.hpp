#pragma once

#include "bisectr/model/event.hpp"
#include "bisectr/util/error.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace bisectr::repository::detail {

/// Whether a SQLite failure is another connection's lock (SQLITE_BUSY or SQLITE_LOCKED, any extended code).
bool is_busy(const SQLite::Exception& error);

/// The util::RepositoryError for a SQLite failure: "repository busy, <file>" for a lock wait
/// that timed out, "repository error: <what>, <file>" otherwise.
util::RepositoryError to_repository_error(const SQLite::Exception& error, const std::filesystem::path& file);

/// Runs fn, turning SQLite exceptions into util::RepositoryError naming file.
template <typename Fn> auto guarded(const std::filesystem::path& file, Fn&& fn) -> decltype(fn())
{
  try {
    return fn();
  } catch (const SQLite::Exception& error) {
    throw to_repository_error(error, file);
  }
}

/// Nanoseconds since the epoch of a time point.
std::int64_t to_ns(model::TimePoint time);
/// The time point of nanoseconds since the epoch.
model::TimePoint from_ns(std::int64_t ns);

/// Binds an optional integer (NULL when empty).
void bind_optional(SQLite::Statement& statement, int index, std::optional<std::int64_t> value);
/// An optional integer column (nullopt when NULL).
std::optional<std::int64_t> optional_int64(const SQLite::Column& column);
/// A BLOB or TEXT column's bytes.
std::string column_bytes(const SQLite::Column& column);

/// Begins a write transaction (BEGIN IMMEDIATE) and rolls it back on destruction unless committed.
class WriteTransaction
{
public:
  explicit WriteTransaction(SQLite::Database& db);
  ~WriteTransaction();
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;
  void commit();

private:
  SQLite::Database& m_db;
  bool m_open = true;
};

/// Holds one read transaction (BEGIN DEFERRED) over a query of many statements: one snapshot,
/// and one lock instead of an fcntl lock and unlock per statement (10,000 name lookups: 29% of
/// `flaky`'s time). Ends it on destruction.
class ReadTransaction
{
public:
  explicit ReadTransaction(SQLite::Database& db);
  ~ReadTransaction();
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

private:
  SQLite::Database& m_db;
  bool m_open = false;
};

} // namespace bisectr::repository::detail
