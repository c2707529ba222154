#pragma once

#include <SQLiteCpp/SQLiteCpp.h>
#include <span>
#include <string_view>

namespace bisectr::repository::detail {

/// One schema step: the SQL that takes a database from version - 1 to version.
struct Migration {
  int version;
  std::string_view sql;
};

/// Every migration from version 1 on, in order.
std::span<const Migration> migrations();

/// Brings db to target_version (applying the missing steps in one write transaction); throws
/// util::RepositoryError (via SQLite or directly) when the stored version is newer than
/// k_schema_version or the file holds tables that are not bisectr's.
void apply_migrations(SQLite::Database& db, int target_version);

} // namespace bisectr::repository::detail
