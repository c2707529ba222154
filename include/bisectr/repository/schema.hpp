#pragma once

#include <filesystem>

namespace bisectr::repository {

/// The schema version this build reads and writes (PRAGMA user_version).
inline constexpr int k_schema_version = 11;

/// The schema version stored in a database file (0 for a new, empty file).
int schema_version(const std::filesystem::path& db_file);

/// Creates or upgrades db_file to version (1..k_schema_version) by applying the migrations
/// after its current version in order, in one transaction; throws util::RepositoryError when the
/// file is newer than version or is not a bisectr database.
void migrate(const std::filesystem::path& db_file, int version);

} // namespace bisectr::repository
