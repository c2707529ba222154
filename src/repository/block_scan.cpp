#include "block_scan.hpp"

#include "blob_codec.hpp"
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

// Steps a query to its end, calling row(query, run, worker) for each row; its first two columns
// are the run and the worker.
template <typename Row> void for_each_chunk(SQLite::Database& db, sqlite3_stmt* query, const Row& row)
{
  int status = SQLITE_ROW;
  while ((status = sqlite3_step(query)) == SQLITE_ROW) {
    row(query, sqlite3_column_int64(query, 0), sqlite3_column_int64(query, 1));
  }
  if (status != SQLITE_DONE) {
    db.check(status);
  }
}

// Visits each result of a query whose columns are (run, worker, names, results).
void visit_chunks(SQLite::Database& db, sqlite3_stmt* query, const BlockVisitor& visit)
{
  for_each_chunk(db, query, [&](sqlite3_stmt* chunk, std::int64_t run, std::int64_t worker) {
    FrontCodedNames names(blob_of(chunk, 2));
    BlockDecoder entries(blob_of(chunk, 3));
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
  });
}

// Visits each entry of a query whose columns are (run, worker, results).
void visit_entries(SQLite::Database& db, sqlite3_stmt* query, const BlockEntryVisitor& visit)
{
  for_each_chunk(db, query, [&](sqlite3_stmt* chunk, std::int64_t run, std::int64_t worker) {
    BlockDecoder entries(blob_of(chunk, 2));
    while (entries.next()) {
      visit(run, worker, entries.entry());
    }
  });
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
  const RawStatement query = prepare(db, "SELECT o.run, o.worker, o.names, r.results FROM worker_order o LEFT JOIN "
                                         "worker_results r ON r.run = o.run AND r.worker = o.worker AND r.chunk = o.chunk "
                                         "WHERE o.run = ? AND o.coding = 2 ORDER BY o.run, o.worker, o.chunk");
  db.check(sqlite3_bind_int64(query.get(), 1, run));
  visit_chunks(db, query.get(), visit);
}

void for_each_block_entry_since(SQLite::Database& db, std::int64_t since_ns, const BlockEntryVisitor& visit)
{
  const RawStatement query = prepare(db, "SELECT run, worker, results FROM worker_results WHERE run IN "
                                         "(SELECT id FROM runs WHERE blocks = 1 AND started_ns >= ?) "
                                         "ORDER BY run, worker, chunk");
  db.check(sqlite3_bind_int64(query.get(), 1, since_ns));
  visit_entries(db, query.get(), visit);
}

std::unordered_set<std::int64_t> block_test_ids(SQLite::Database& db, std::optional<std::int64_t> except)
{
  const RawStatement query = prepare(db, "SELECT run, worker, results FROM worker_results WHERE run IS NOT ?");
  if (except) {
    db.check(sqlite3_bind_int64(query.get(), 1, *except));
  }
  std::unordered_set<std::int64_t> ids;
  visit_entries(db, query.get(), [&](std::int64_t, std::int64_t, const BlockEntry& entry) { ids.insert(entry.test); });
  return ids;
}

} // namespace bisectr::repository::detail
