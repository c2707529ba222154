#include "block_scan.hpp"

#include "blob_codec.hpp"
#include "test_names.hpp"
#include "bisectr/util/error.hpp"

#include <memory>
#include <sqlite3.h>
#include <string_view>
#include <vector>

namespace bisectr::repository::detail {

namespace {

using RawStatement = std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)>;

RawStatement prepare(SQLite::Database& db, const char* sql)
{
  sqlite3_stmt* raw = nullptr;
  db.check(sqlite3_prepare_v2(db.getHandle(), sql, -1, &raw, nullptr));
  return RawStatement(raw, &sqlite3_finalize);
}

std::string_view blob_of(sqlite3_stmt* row, int column)
{
  const void* data = sqlite3_column_blob(row, column);
  return data == nullptr ? std::string_view()
                         : std::string_view(static_cast<const char*>(data),
                                            static_cast<std::size_t>(sqlite3_column_bytes(row, column)));
}

// Steps a query whose columns are (run, worker, names, results) and visits each result; with
// only_name, only the chunks that hold that name have their results decoded.
void visit_chunks(SQLite::Database& db, sqlite3_stmt* query, const BlockVisitor& visit, const std::string* only_name)
{
  int status = SQLITE_ROW;
  while ((status = sqlite3_step(query)) == SQLITE_ROW) {
    const std::string_view names_blob = blob_of(query, 2);
    if (only_name != nullptr) {
      FrontCodedNames probe(names_blob);
      bool found = false;
      while (!found && probe.next()) {
        found = probe.name() == *only_name;
      }
      if (!found) {
        continue;
      }
    }
    const std::int64_t run = sqlite3_column_int64(query, 0);
    const std::int64_t worker = sqlite3_column_int64(query, 1);
    FrontCodedNames names(names_blob);
    BlockDecoder entries(blob_of(query, 3));
    for (;;) {
      const bool name = names.next();
      const bool result = entries.next();
      if (name != result) {
        throw util::RepositoryError("a worker order chunk of run " + std::to_string(run) +
                                    " holds more names than results, or fewer; the repository is damaged");
      }
      if (!name) {
        break;
      }
      visit(run, worker, names.name(), entries.entry());
    }
  }
  if (status != SQLITE_DONE) {
    db.check(status);
  }
}

} // namespace

bool run_has_blocks(SQLite::Database& db, std::int64_t run)
{
  SQLite::Statement query(db, "SELECT blocks FROM runs WHERE id = ?");
  query.bind(1, run);
  return query.executeStep() && query.getColumn(0).getInt() != 0;
}

void for_each_block_result(SQLite::Database& db, std::int64_t run, const BlockVisitor& visit)
{
  const RawStatement query = prepare(db, "SELECT run, worker, names, results FROM worker_order WHERE run = ? "
                                         "AND coding = 2 ORDER BY run, worker, chunk");
  db.check(sqlite3_bind_int64(query.get(), 1, run));
  visit_chunks(db, query.get(), visit, nullptr);
}

void for_each_block_result_since(SQLite::Database& db, std::int64_t since_ns, const BlockVisitor& visit,
                                 const std::string* only_name)
{
  const RawStatement query = prepare(db, "SELECT o.run, o.worker, o.names, o.results FROM worker_order o "
                                         "WHERE o.run IN (SELECT id FROM runs WHERE blocks = 1 AND started_ns >= ?) "
                                         "AND o.coding = 2 ORDER BY o.run, o.worker, o.chunk");
  db.check(sqlite3_bind_int64(query.get(), 1, since_ns));
  visit_chunks(db, query.get(), visit, only_name);
}

std::unordered_set<std::int64_t> block_name_hashes(SQLite::Database& db, std::optional<std::int64_t> except)
{
  const RawStatement query =
      prepare(db, "SELECT names FROM worker_order WHERE coding = 2 AND run IS NOT ?");
  if (except) {
    db.check(sqlite3_bind_int64(query.get(), 1, *except));
  }
  std::unordered_set<std::int64_t> hashes;
  int status = SQLITE_ROW;
  while ((status = sqlite3_step(query.get())) == SQLITE_ROW) {
    FrontCodedNames names(blob_of(query.get(), 0));
    while (names.next()) {
      hashes.insert(name_hash(names.name()));
    }
  }
  if (status != SQLITE_DONE) {
    db.check(status);
  }
  return hashes;
}

TestIds::TestIds(SQLite::Database& db, bool read_all) : m_find(db, k_find_test_sql)
{
  if (!read_all) {
    return;
  }
  const RawStatement all = prepare(db, "SELECT id, name FROM tests");
  int status = SQLITE_ROW;
  while ((status = sqlite3_step(all.get())) == SQLITE_ROW) {
    m_ids.emplace(std::string(blob_of(all.get(), 1)), sqlite3_column_int64(all.get(), 0));
  }
  if (status != SQLITE_DONE) {
    db.check(status);
  }
}

std::int64_t TestIds::operator()(const std::string& name)
{
  auto found = m_ids.find(name);
  if (found == m_ids.end()) {
    m_find.bind(1, name_hash(name));
    m_find.bindNoCopy(2, name);
    const std::int64_t id = m_find.executeStep() ? m_find.getColumn(0).getInt64() : 0;
    m_find.reset();
    found = m_ids.emplace(name, id).first;
  }
  return found->second;
}

} // namespace bisectr::repository::detail
