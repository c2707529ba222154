#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <cstddef>
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

/// A row of test_hashes: (hash, id).
using TestHash = std::pair<std::int64_t, std::int64_t>;

/// The rows of test_hashes for the new tests `each` visits, sorted by hash (so that they go in
/// order into the index): each(visit) calls visit(name, id) for every test, `count` of them. Pure:
/// the run writer calls it on a thread of its own.
template <typename Each> std::vector<TestHash> sorted_test_hashes(std::size_t count, Each each)
{
  std::vector<TestHash> rows;
  rows.reserve(count);
  each([&rows](std::string_view name, std::int64_t id) { rows.emplace_back(name_hash(name), id); });
  std::sort(rows.begin(), rows.end());
  return rows;
}

/// Inserts rows sorted as sorted_test_hashes returns them.
void insert_test_hashes(StatementCache& statements, const std::vector<TestHash>& rows);

/// The ids `select_ids_sql` returns (one column; ?1 bound to run when given).
std::vector<std::int64_t> select_ids(SQLite::Database& db, const char* select_ids_sql, std::optional<std::int64_t> run);

/// Deletes these tests with their hashes, except those in `keep` (the tests runs still hold in
/// their order chunks); returns how many.
std::int64_t forget_tests(SQLite::Database& db, const std::vector<std::int64_t>& ids,
                          const std::unordered_set<std::int64_t>& keep);

/// Fills test_hashes from tests (the migration to v10).
void fill_test_hashes(SQLite::Database& db);

} // namespace bisectr::repository::detail
