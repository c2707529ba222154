#include "run_queries.hpp"

#include "blob_codec.hpp"
#include "block_scan.hpp"
#include "run_slowest.hpp"
#include "sqlite_support.hpp"
#include "bisectr/util/error.hpp"
#include "bisectr/util/parallel.hpp"

#include <algorithm>
#include <limits>
#include <memory>
#include <span>
#include <sqlite3.h>
#include <unordered_map>

namespace bisectr::repository::detail {

namespace {

// A run has a few workers: their names are read once each (NameById), not joined in per result.
constexpr const char* k_select_results =
    "SELECT r.id, t.name, r.status, r.start_ns, r.stop_ns, r.worker, r.sequence, r.tags, r.rss_before_bytes, "
    "r.rss_after_bytes FROM results r JOIN tests t ON t.id = r.test WHERE r.run = ?";
// Failing results carry their test's name (v7): read from the covering index results_failing,
// with no lookup into tests (the subquery runs only for a row without one).
constexpr const char* k_select_failing =
    "SELECT r.id, coalesce(r.test_name, (SELECT name FROM tests WHERE id = r.test)), r.status, r.start_ns, "
    "r.stop_ns, r.worker, r.sequence, r.tags, r.rss_before_bytes, r.rss_after_bytes FROM results r "
    "WHERE r.run = ? AND r.status IN (4, 6, 8)";
constexpr const char* k_order_clause = " ORDER BY r.run, r.worker, r.sequence";

// Names and MIME types are interned strings, a handful in all: each is read once (NameById),
// not joined in twice per attachment.
constexpr const char* k_select_attachments =
    "SELECT a.result, a.name, a.mime, a.encoding, a.size, a.bytes FROM attachments a";

// The text of each id, read once: `sql` selects it by id; a missing id is a corrupt repository.
class NameById
{
public:
  NameById(SQLite::Database& db, const char* sql, const char* what) : m_query(db, sql), m_what(what) {}

  const std::string& operator()(std::int64_t id)
  {
    auto found = m_texts.find(id);
    if (found == m_texts.end()) {
      m_query.bind(1, id);
      if (!m_query.executeStep()) {
        throw util::RepositoryError(std::string("a result refers to a missing ") + m_what + " (" +
                                    std::to_string(id) + ")");
      }
      found = m_texts.emplace(id, m_query.getColumn(0).getString()).first;
      m_query.reset();
    }
    return found->second;
  }

private:
  SQLite::Statement m_query;
  const char* m_what;
  std::unordered_map<std::int64_t, std::string> m_texts;
};

double seconds_of(std::int64_t ns)
{
  return static_cast<double>(ns) / 1e9;
}

std::optional<model::TimePoint> optional_time(const SQLite::Column& column)
{
  if (column.isNull()) {
    return std::nullopt;
  }
  return from_ns(column.getInt64());
}

model::TestResult result_from_row(const SQLite::Statement& row, NameById& worker_name)
{
  model::TestResult result;
  result.test_id = row.getColumn(1).getString();
  result.status = static_cast<model::Status>(row.getColumn(2).getInt());
  result.start = optional_time(row.getColumn(3));
  result.stop = optional_time(row.getColumn(4));
  result.worker = worker_name(row.getColumn(5).getInt64());
  result.sequence = row.getColumn(6).getInt64();
  result.tags = split_tags(row.getColumn(7).getString());
  result.rss_before_bytes = optional_int64(row.getColumn(8));
  result.rss_after_bytes = optional_int64(row.getColumn(9));
  return result;
}

std::optional<model::TimePoint> optional_time(std::optional<std::int64_t> ns)
{
  if (!ns) {
    return std::nullopt;
  }
  return from_ns(*ns);
}

model::TestResult result_from_entry(const std::string& name, const BlockEntry& entry, const std::string& worker)
{
  model::TestResult result;
  result.test_id = name;
  result.status = static_cast<model::Status>(entry.status);
  result.start = optional_time(entry.start_ns);
  result.stop = optional_time(entry.stop_ns);
  result.worker = worker;
  result.sequence = entry.sequence;
  result.tags = split_tags(entry.tags);
  result.rss_before_bytes = entry.rss_before_bytes;
  result.rss_after_bytes = entry.rss_after_bytes;
  return result;
}

// A compressed attachment body read by attach(), inflated once the query is done.
struct PendingBody {
  std::size_t result;      ///< index into the results
  std::size_t attachment;  ///< index into that result's attachments
  Encoding encoding;
  std::size_t offset;      ///< where its stored bytes start in PendingBodies::stored
  std::size_t length;
};

// The stored bytes of all pending bodies end to end: one growing buffer, not one string each.
struct PendingBodies {
  std::vector<PendingBody> bodies;
  std::string stored;
};

/// From this many compressed bodies on, a second thread inflates half of them: inflating was 30%
/// of `failing` on a run with 10,000 tracebacks.
constexpr std::size_t k_parallel_inflate_min = 256;

void inflate_range(std::span<const PendingBody> bodies, std::string_view stored,
                   std::vector<model::TestResult>& results)
{
  Decoder decoder;
  for (const PendingBody& body : bodies) {
    decoder.decode_into(body.encoding, stored.substr(body.offset, body.length),
                        results[body.result].attachments[body.attachment].bytes);
  }
}

// Each body is written by exactly one thread, into its own string, which attach() already sized:
// the helper thread allocates nothing (its own malloc arena grew by one mprotect call per page,
// about a thousand calls for 10,000 tracebacks).
void inflate_all(const PendingBodies& pending, std::vector<model::TestResult>& results)
{
  const std::span<const PendingBody> all(pending.bodies);
  const std::string_view stored(pending.stored);
  if (all.size() < k_parallel_inflate_min) {
    inflate_range(all, stored, results);
    return;
  }
  const std::size_t half = all.size() / 2;
  util::run_side_by_side([&] { inflate_range(all.first(half), stored, results); },
                         [&] { inflate_range(all.subspan(half), stored, results); });
}

void attach(SQLite::Database& db, model::RunId run, ResultFilter filter, std::vector<model::TestResult>& results,
            const std::unordered_map<std::int64_t, std::size_t>& index_of)
{
  std::string sql = k_select_attachments;
  if (filter == ResultFilter::Failing) {
    // One seek per failing result into attachments_by_run; the ids come from the covering
    // partial index, not from a lookup of each failing row in results.
    sql += " WHERE a.run = ?1 AND a.result IN (SELECT id FROM results INDEXED BY results_failing WHERE run = ?1 "
           "AND status IN (4, 6, 8))";
  } else {
    sql += " WHERE a.run = ?1";
  }
  sql += " ORDER BY a.result, a.id";
  SQLite::Statement query(db, sql);
  query.bind(1, run);
  NameById text_of(db, "SELECT text FROM strings WHERE id = ?", "attachment name or type");
  Decoder decoder;
  PendingBodies pending;
  while (query.executeStep()) {
    const auto found = index_of.find(query.getColumn(0).getInt64());
    if (found == index_of.end()) {
      continue;
    }
    model::Attachment attachment;
    attachment.name = text_of(query.getColumn(1).getInt64());
    attachment.mime_type = text_of(query.getColumn(2).getInt64());
    const SQLite::Column body = query.getColumn(5);
    const auto encoding = static_cast<Encoding>(query.getColumn(3).getInt());
    const std::string_view stored(static_cast<const char*>(body.getBlob()), static_cast<std::size_t>(body.getBytes()));
    const auto size = static_cast<std::size_t>(query.getColumn(4).getInt64());
    auto& attachments = results[found->second].attachments;
    if (encoding == Encoding::Raw) {
      attachment.bytes = decoder.decode(encoding, stored, size);
    } else {
      attachment.bytes.resize(size);
      pending.bodies.push_back({found->second, attachments.size(), encoding, pending.stored.size(), stored.size()});
      pending.stored += stored;
    }
    attachments.push_back(std::move(attachment));
  }
  inflate_all(pending, results);
}

} // namespace

std::vector<model::TestResult> read_results(SQLite::Database& db, model::RunId run, ResultFilter filter,
                                            bool with_attachments)
{
  NameById worker_name(db, "SELECT name FROM workers WHERE id = ?", "worker");
  std::vector<model::TestResult> results;
  std::unordered_map<std::int64_t, std::size_t> index_of;
  if (filter == ResultFilter::All && run_has_blocks(db, run)) {
    // Every result of a run written since schema v11 is in its workers' order chunks.
    for_each_block_result(db, run, [&](std::int64_t, std::int64_t worker, const std::string& name, const BlockEntry& entry) {
      if (with_attachments) {
        index_of.emplace(entry.id, results.size());
      }
      results.push_back(result_from_entry(name, entry, worker_name(worker)));
    });
  } else {
    std::string sql = filter == ResultFilter::Failing ? k_select_failing : k_select_results;
    sql += k_order_clause;
    SQLite::Statement query(db, sql);
    query.bind(1, run);
    while (query.executeStep()) {
      if (with_attachments) {
        index_of.emplace(query.getColumn(0).getInt64(), results.size());
      }
      results.push_back(result_from_row(query, worker_name));
    }
  }
  if (with_attachments && !results.empty()) {
    attach(db, run, filter, results, index_of);
  }
  return results;
}

namespace {

model::WorkerInfo worker_from_row(const SQLite::Statement& row)
{
  model::WorkerInfo worker;
  worker.name = row.getColumn(0).getString();
  model::Resources& r = worker.resources;
  r.wall_seconds = row.getColumn(1).getDouble();
  r.cpu_user_seconds = row.getColumn(2).getDouble();
  r.cpu_system_seconds = row.getColumn(3).getDouble();
  r.peak_rss_bytes = row.getColumn(4).getInt64();
  if (!row.getColumn(5).isNull()) {
    r.exit_code = row.getColumn(5).getInt();
  }
  if (!row.getColumn(6).isNull()) {
    r.signal = row.getColumn(6).getInt();
  }
  r.killed_by_us = row.getColumn(7).getInt() != 0;
  r.timed_out = row.getColumn(8).getInt() != 0;
  r.oom_killed = row.getColumn(9).getInt() != 0;
  r.memory_limit_method = row.getColumn(10).getString();
  r.in_progress_test = row.getColumn(11).getString();
  worker.memory_curve = decode_memory_curve(column_bytes(row.getColumn(12)));
  return worker;
}

} // namespace

std::vector<model::WorkerInfo> read_workers(SQLite::Database& db, model::RunId run)
{
  SQLite::Statement query(db, "SELECT name, wall_seconds, cpu_user_seconds, cpu_system_seconds, peak_rss_bytes, "
                              "exit_code, signal, killed_by_us, timed_out, oom_killed, memory_limit_method, "
                              "in_progress_test, memory_curve FROM workers WHERE run = ? ORDER BY id");
  query.bind(1, run);
  std::vector<model::WorkerInfo> workers;
  while (query.executeStep()) {
    workers.push_back(worker_from_row(query));
  }
  return workers;
}

std::vector<std::string> read_workers_with_results(SQLite::Database& db, model::RunId run, bool failing_only)
{
  // One index seek per worker (results_order, or the partial results_failing), not a scan of the run;
  // a run that keeps its results in chunks (v11) has them for every worker with results.
  const bool chunks = !failing_only && run_has_blocks(db, run);
  SQLite::Statement query(db, chunks ? "SELECT w.name FROM workers w WHERE w.run = ?1 AND EXISTS (SELECT 1 FROM "
                                       "worker_order o WHERE o.run = ?1 AND o.worker = w.id) ORDER BY w.name"
                                     : std::string("SELECT w.name FROM workers w WHERE w.run = ?1 AND EXISTS (SELECT 1 FROM "
                                                   "results r WHERE r.run = ?1 AND r.worker = w.id") +
                                           (failing_only ? " AND r.status IN (4, 6, 8)" : "") + ") ORDER BY w.name");
  query.bind(1, run);
  std::vector<std::string> names;
  while (query.executeStep()) {
    names.push_back(query.getColumn(0).getString());
  }
  return names;
}

namespace {

// The order through results: one tests lookup per result (runs written before schema v6, or a
// worker whose results arrived out of sequence order).
std::vector<std::string> read_worker_order_from_results(SQLite::Database& db, model::RunId run,
                                                        const std::string& worker)
{
  // The raw C API here: this loop can return hundreds of thousands of ids and SQLiteCpp's
  // per-column objects cost more than the query itself.
  sqlite3_stmt* raw = nullptr;
  const char* sql = "SELECT t.name FROM results r JOIN tests t ON t.id = r.test "
                    "WHERE r.run = ?1 AND r.worker = (SELECT id FROM workers WHERE run = ?1 AND name = ?2) "
                    "ORDER BY r.run, r.worker, r.sequence";
  db.check(sqlite3_prepare_v2(db.getHandle(), sql, -1, &raw, nullptr));
  const std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> query(raw, &sqlite3_finalize);
  db.check(sqlite3_bind_int64(raw, 1, run));
  db.check(sqlite3_bind_text(raw, 2, worker.data(), static_cast<int>(worker.size()), SQLITE_STATIC));
  std::vector<std::string> order;
  int status = SQLITE_ROW;
  while ((status = sqlite3_step(raw)) == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(raw, 0));
    order.emplace_back(text, static_cast<std::size_t>(sqlite3_column_bytes(raw, 0)));
  }
  if (status != SQLITE_DONE) {
    db.check(status);
  }
  return order;
}

} // namespace

std::vector<std::string> read_worker_order(SQLite::Database& db, model::RunId run, const std::string& worker)
{
  SQLite::Statement stored(db, "SELECT id, order_chunks FROM workers WHERE run = ? AND name = ?");
  stored.bind(1, run);
  stored.bindNoCopy(2, worker);
  if (!stored.executeStep() || stored.getColumn(1).isNull()) {
    return read_worker_order_from_results(db, run, worker);
  }
  const std::int64_t worker_id = stored.getColumn(0).getInt64();
  const std::int64_t chunks = stored.getColumn(1).getInt64();
  SQLite::Statement query(db, "SELECT chunk, names, coding FROM worker_order WHERE run = ? AND worker = ? ORDER BY chunk");
  query.bind(1, run);
  query.bind(2, worker_id);
  std::vector<std::string> order;
  // A guess (full chunks), capped: the count is read from the file.
  order.reserve(static_cast<std::size_t>(std::clamp<std::int64_t>(chunks, 0, 256)) * k_order_chunk_names);
  std::int64_t expected = 0;
  while (query.executeStep()) {
    if (query.getColumn(0).getInt64() != expected) {
      break;
    }
    const SQLite::Column names = query.getColumn(1);
    decode_names(std::string_view(static_cast<const char*>(names.getBlob()), static_cast<std::size_t>(names.getBytes())),
                 static_cast<NameCoding>(query.getColumn(2).getInt()), order);
    ++expected;
  }
  if (expected != chunks) {
    throw util::RepositoryError("worker " + worker + " of run " + std::to_string(run) + " has " +
                                std::to_string(expected) + " of its " + std::to_string(chunks) +
                                " order chunks; the repository is damaged");
  }
  return order;
}

namespace {

std::vector<TestTiming> slowest_from_blocks(SQLite::Database& db, model::RunId run, std::size_t n)
{
  struct Timed {
    std::int64_t duration_ns;
    std::int64_t id;
    std::string name;
  };
  std::vector<Timed> timed;
  for_each_block_result(db, run, [&](std::int64_t, std::int64_t, const std::string& name, const BlockEntry& entry) {
    if (entry.start_ns && entry.stop_ns) {
      timed.push_back({*entry.stop_ns - *entry.start_ns, entry.id, name});
    }
  });
  // The order of the rows' query: duration descending, then newest result first.
  const auto slower = [](const Timed& a, const Timed& b) {
    return a.duration_ns != b.duration_ns ? a.duration_ns > b.duration_ns : a.id > b.id;
  };
  const std::size_t count = std::min(n, timed.size());
  std::partial_sort(timed.begin(), timed.begin() + static_cast<std::ptrdiff_t>(count), timed.end(), slower);
  std::vector<TestTiming> slowest;
  slowest.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    slowest.push_back({std::move(timed[i].name), seconds_of(timed[i].duration_ns)});
  }
  return slowest;
}

} // namespace

std::vector<TestTiming> read_slowest(SQLite::Database& db, model::RunId run, std::size_t n)
{
  // run_slowest holds each run's k_slowest_kept slowest results; beyond them the run's results
  // are sorted (same order: duration descending, then newest result first).
  const bool kept = n <= k_slowest_kept;
  if (!kept && run_has_blocks(db, run)) {
    return slowest_from_blocks(db, run, n);
  }
  SQLite::Statement query(db, kept ? "SELECT t.name, s.duration_ns FROM run_slowest s JOIN tests t ON t.id = s.test "
                                     "WHERE s.run = ? ORDER BY s.rank LIMIT ?"
                                   : "SELECT t.name, r.duration_ns FROM results r JOIN tests t ON t.id = r.test "
                                     "WHERE r.run = ? AND r.duration_ns IS NOT NULL "
                                     "ORDER BY r.duration_ns DESC, r.id DESC LIMIT ?");
  query.bind(1, run);
  query.bind(2, static_cast<std::int64_t>(std::min<std::size_t>(n, std::numeric_limits<std::int64_t>::max())));
  std::vector<TestTiming> slowest;
  while (query.executeStep()) {
    slowest.push_back({query.getColumn(0).getString(), seconds_of(query.getColumn(1).getInt64())});
  }
  return slowest;
}

std::map<std::string, double> read_recent_durations(SQLite::Database& db)
{
  // test_summary keeps each test's newest success with a duration (updated at every commit).
  SQLite::Statement query(db, "SELECT t.name, s.success_ns FROM test_summary s JOIN tests t ON t.id = s.test "
                              "WHERE s.success_ns IS NOT NULL");
  std::map<std::string, double> durations;
  while (query.executeStep()) {
    durations.emplace(query.getColumn(0).getString(), seconds_of(query.getColumn(1).getInt64()));
  }
  return durations;
}

} // namespace bisectr::repository::detail
