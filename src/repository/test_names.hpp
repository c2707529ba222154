#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

namespace bisectr::repository::detail {

class StatementCache;

/// How a test's id is found from its name (schema v10): test_hashes (hash, id) is the index,
/// tests (id, name) has the names. A hash is 16 bytes of index where the name itself was ~60,
/// and a run's new hashes go in sorted at commit, so the index is written in order.

/// The 64-bit FNV-1a hash of a name, as test_hashes.hash stores it (the same bits, signed).
/// It is stored: it must never change.
std::int64_t name_hash(std::string_view name);

/// The id of a test by name: bind ?1 to name_hash(name) and ?2 to the name. One probe of
/// test_hashes, then one of tests per candidate: two names with one hash are both found, and
/// the name decides.
inline constexpr const char* k_find_test_sql =
    "SELECT h.id FROM test_hashes h JOIN tests t ON t.id = h.id WHERE h.hash = ?1 AND t.name = ?2";

/// Prepares in the cache the statement insert_test_hashes uses for a short run.
void prepare_test_hash_statements(StatementCache& statements);

/// Inserts the hashes of these new tests (name, id), sorted by hash: in order into the index.
void insert_test_hashes(StatementCache& statements, std::vector<std::pair<std::string_view, std::int64_t>> tests);

/// The ids `select_ids_sql` returns (one column; ?1 bound to run when given).
std::vector<std::int64_t> select_ids(SQLite::Database& db, const char* select_ids_sql, std::optional<std::int64_t> run);

/// Deletes these tests with their hashes, except those in `keep` (the tests runs still hold in
/// their order chunks); returns how many.
std::int64_t forget_tests(SQLite::Database& db, const std::vector<std::int64_t>& ids,
                          const std::unordered_set<std::int64_t>& keep);

/// Fills test_hashes from tests (the migration to v10).
void fill_test_hashes(SQLite::Database& db);

} // namespace bisectr::repository::detail
