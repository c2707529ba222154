#include "test_names.hpp"

#include "batch_inserter.hpp"
#include "statement_cache.hpp"

#include <algorithm>
#include <string>

namespace bisectr::repository::detail {

namespace {

constexpr const char* k_hashes_target = "test_hashes (hash, id)";
constexpr int k_hashes_columns = 2;
constexpr int k_batch_rows = 128;
// See SqliteRunWriter: a failed statement fails the whole transaction anyway.
constexpr const char* k_insert_verb = "INSERT OR FAIL";

} // namespace

std::int64_t name_hash(std::string_view name)
{
  std::uint64_t hash = 14695981039346656037ULL;  // FNV-1a, 64-bit offset basis
  for (const char c : name) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;  // the 64-bit FNV prime
  }
  return static_cast<std::int64_t>(hash);
}

void prepare_test_hash_statements(StatementCache& statements)
{
  BatchInserter::prepare(statements, k_hashes_target, k_hashes_columns, k_insert_verb);
}

void insert_test_hashes(StatementCache& statements, const std::vector<TestHash>& rows)
{
  if (rows.empty()) {
    return;  // most runs (a bisect trial, an until-failure loop) add no test: build no batch SQL
  }
  BatchInserter insert(statements, k_hashes_target, k_hashes_columns, k_batch_rows, k_insert_verb);
  for (const auto& [hash, id] : rows) {
    insert.push(hash);
    insert.push(id);
  }
  insert.flush();
}

std::vector<std::int64_t> select_ids(SQLite::Database& db, const char* select_ids_sql, std::optional<std::int64_t> run)
{
  SQLite::Statement select(db, select_ids_sql);
  if (run) {
    select.bind(1, *run);
  }
  std::vector<std::int64_t> ids;
  while (select.executeStep()) {
    ids.push_back(select.getColumn(0).getInt64());
  }
  return ids;
}

std::int64_t forget_tests(SQLite::Database& db, const std::vector<std::int64_t>& ids,
                          const std::unordered_set<std::int64_t>& keep)
{
  // Read first, then delete: SQLite leaves undefined what a statement still stepping sees of
  // rows deleted under it.
  std::vector<std::pair<std::int64_t, std::int64_t>> doomed;  // (id, hash)
  {
    SQLite::Statement select(db, "SELECT name FROM tests WHERE id = ?");
    for (const std::int64_t id : ids) {
      if (keep.count(id) != 0) {
        continue;
      }
      select.bind(1, id);
      if (select.executeStep()) {
        const SQLite::Column name = select.getColumn(0);
        doomed.emplace_back(id, name_hash(std::string_view(name.getText(), static_cast<std::size_t>(name.getBytes()))));
      }
      select.reset();
    }
  }
  SQLite::Statement delete_hash(db, "DELETE FROM test_hashes WHERE hash = ? AND id = ?");
  SQLite::Statement delete_test(db, "DELETE FROM tests WHERE id = ?");
  for (const auto& [id, hash] : doomed) {
    delete_hash.bind(1, hash);
    delete_hash.bind(2, id);
    delete_hash.exec();
    delete_hash.reset();
    delete_test.bind(1, id);
    delete_test.exec();
    delete_test.reset();
  }
  return static_cast<std::int64_t>(doomed.size());
}

void fill_test_hashes(SQLite::Database& db)
{
  std::vector<std::pair<std::string, std::int64_t>> names;
  {
    SQLite::Statement all(db, "SELECT name, id FROM tests");
    while (all.executeStep()) {
      names.emplace_back(all.getColumn(0).getString(), all.getColumn(1).getInt64());
    }
  }
  StatementCache statements(db);
  insert_test_hashes(statements, sorted_test_hashes(names.size(), [&names](const auto& visit) {
                       for (const auto& [name, id] : names) {
                         visit(name, id);
                       }
                     }));
  statements.reset_all();
}

} // namespace bisectr::repository::detail
