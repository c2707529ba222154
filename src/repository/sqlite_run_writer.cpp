#include "sqlite_run_writer.hpp"

#include "blob_codec.hpp"
#include "test_names.hpp"

#include <sqlite3.h>

#include <future>
#include <utility>
#include <vector>

namespace bisectr::repository::detail {

namespace {

std::optional<std::int64_t> ns_or_null(const std::optional<model::TimePoint>& time)
{
  if (!time) {
    return std::nullopt;
  }
  return to_ns(*time);
}

std::optional<std::int64_t> widen(std::optional<int> value)
{
  if (!value) {
    return std::nullopt;
  }
  return *value;
}

std::optional<std::int64_t> duration_ns(const model::TestResult& result)
{
  if (!result.start || !result.stop) {
    return std::nullopt;
  }
  return to_ns(*result.stop) - to_ns(*result.start);
}

// The writer's SQL, each statement kept in the connection's StatementCache.
// A run written from schema v11 on keeps every result in its workers' order chunks (blocks = 1) and
// only its failures as rows too.
constexpr const char* k_insert_run = "INSERT INTO runs (started_ns, source, state, blocks) VALUES (?, ?, ?, 1)";
constexpr const char* k_tests_target = "tests (id, name)";
constexpr int k_tests_columns = 2;
constexpr const char* k_results_target =
    "results (id, run, test, worker, sequence, status, start_ns, stop_ns, rss_before_bytes, rss_after_bytes, tags, "
    "previous_test, test_name, previous_name)";
constexpr int k_results_columns = 14;
// The run's rows go in with FAIL, not the default ABORT: an ABORT statement that changes many
// rows inside a transaction keeps a journal of its own, to undo just itself, and SQLite copied
// every page each batch touched into it (a fifth of an import). A failed statement fails the
// whole run here anyway, and the run's transaction is rolled back.
constexpr const char* k_bulk_insert = "INSERT OR FAIL";
// Hashing and sorting 100,000 new names took about 14 ms of a 100,000-test import's commit; from
// this many on they are hashed on a thread of their own while the commit writes the rest.
constexpr std::size_t k_hash_apart = 4096;
constexpr const char* k_insert_worker = "INSERT INTO workers (run, name) VALUES (?, ?)";
constexpr const char* k_set_metadata = "INSERT OR REPLACE INTO run_metadata (run, key, value) VALUES (?, ?, ?)";
constexpr const char* k_max_result = "SELECT coalesce(max(id), 0) FROM results";
constexpr const char* k_max_test = "SELECT coalesce(max(id), 0) FROM tests";
constexpr const char* k_all_tests = "SELECT id, name FROM tests";
constexpr const char* k_select_test = k_find_test_sql;
constexpr const char* k_select_string = "SELECT id FROM strings WHERE text = ?";
constexpr const char* k_insert_string = "INSERT INTO strings (text) VALUES (?)";
constexpr const char* k_insert_attachment =
    "INSERT INTO attachments (run, result, name, mime, encoding, size, bytes) VALUES (?, ?, ?, ?, ?, ?, ?)";
constexpr const char* k_update_worker =
    "UPDATE workers SET wall_seconds = ?, cpu_user_seconds = ?, cpu_system_seconds = ?, peak_rss_bytes = ?, "
    "exit_code = ?, signal = ?, killed_by_us = ?, timed_out = ?, oom_killed = ?, memory_limit_method = ?, "
    "in_progress_test = ?, memory_curve = ? WHERE id = ?";
constexpr const char* k_update_run = "UPDATE runs SET duration = ?, state = ?, total = ?, passed = ?, failed = ?, "
                                     "skipped = ?, started_ns = coalesce(?, started_ns) WHERE id = ?";

std::int64_t insert_run(StatementCache& statements, const NewRun& run)
{
  SQLite::Statement& insert = statements.get(k_insert_run);
  insert.bind(1, to_ns(run.started));
  insert.bind(2, run.source);
  insert.bind(3, static_cast<int>(model::RunState::Running));
  insert.exec();
  return statements.database().getLastInsertRowid();
}

std::int64_t single_number(StatementCache& statements, const char* sql)
{
  SQLite::Statement& query = statements.get(sql);
  const std::int64_t number = query.executeStep() ? query.getColumn(0).getInt64() : 0;
  query.reset();
  return number;
}

} // namespace

void SqliteRunWriter::prepare_statements(StatementCache& statements)
{
  // What a short run without attachments uses, in the order it does.
  for (const char* sql : {k_insert_run, k_insert_worker, k_set_metadata, k_max_result, k_max_test, k_all_tests,
                          k_update_worker, k_update_run}) {
    statements.get(sql);
  }
  ChunkWriter::prepare_statements(statements);
  BatchInserter::prepare(statements, k_tests_target, k_tests_columns, k_bulk_insert);
  BatchInserter::prepare(statements, k_results_target, k_results_columns, k_bulk_insert);
  prepare_test_hash_statements(statements);
  SummaryAccumulator::prepare_statements(statements);
  SlowestKeeper::prepare_statements(statements);
}

SqliteRunWriter::SqliteRunWriter(StatementCache& statements, std::filesystem::path file, const NewRun& run)
    : m_statements(statements), m_db(statements.database()), m_file(std::move(file)), m_transaction(m_db),
      m_run(insert_run(statements, run)),
      m_new_tests(statements, k_tests_target, k_tests_columns, k_batch_rows, k_bulk_insert),
      m_results(statements, k_results_target, k_results_columns, k_batch_rows, k_bulk_insert),
      m_chunks(statements, m_run)
{
  read_next_ids();
  for (const auto& [key, value] : run.metadata) {
    set_metadata(key, value);
  }
}

SqliteRunWriter::~SqliteRunWriter()
{
  // Before the transaction ends (or rolls back): no cached statement keeps a snapshot.
  m_statements.reset_all();
}

void SqliteRunWriter::check_open() const
{
  if (m_committed) {
    throw util::RepositoryError("run " + std::to_string(m_run) + " is already committed");
  }
  if (m_failed) {
    throw util::RepositoryError("run " + std::to_string(m_run) + " failed to write earlier and was not recorded");
  }
}

template <typename Step> void SqliteRunWriter::write(const Step& step)
{
  try {
    step();
  } catch (const SQLite::Exception& error) {
    // Statements may be left mid-step; the transaction can only be rolled back now.
    m_failed = true;
    throw to_repository_error(error, m_file);
  }
}

void SqliteRunWriter::add_result(const model::TestResult& result)
{
  check_open();
  write([&] {
    const auto [test, name] = intern_test(result.test_id);
    const std::int64_t worker = worker_id(result.worker);
    const std::int64_t result_id = m_next_result++;
    add_to_order(worker, result_id, test, result);  // reads the worker's latest result first
    std::optional<Previous> previous = previous_test(result, test, name, worker);
    if (model::is_failure(result.status)) {
      // Failures are rows as well: `failing`, `flaky` and the attachments read them there.
      insert_result(result_id, result, {test, name}, worker, std::move(previous));
    }
    const std::optional<std::int64_t> duration = duration_ns(result);
    m_summary.add(test, result.status, duration);
    if (duration) {
      m_slowest.add(result_id, test, *duration);
    }
    for (const model::Attachment& attachment : result.attachments) {
      insert_attachment(result_id, attachment);
    }
  });
  count(result.status);
}

std::optional<SqliteRunWriter::Previous> SqliteRunWriter::previous_test(const model::TestResult& result,
                                                                       std::int64_t test, std::string_view name,
                                                                       std::int64_t worker)
{
  // A worker's results arrive in its execution order (RunWriter's contract).
  Latest& latest = m_latest_of_worker[worker];
  const bool follows = latest.test != 0 && latest.sequence == result.sequence - 1;
  std::optional<Previous> before;
  if (model::is_failure(result.status) && follows) {
    before = Previous{latest.test, latest.name};
  }
  latest.sequence = result.sequence;
  latest.test = test;
  latest.name = name;
  return before;
}

void SqliteRunWriter::insert_result(std::int64_t id, const model::TestResult& result, Interned test,
                                    std::int64_t worker, std::optional<Previous> previous)
{
  const auto value = [](std::optional<std::int64_t> number) -> Value { return number ? Value(*number) : Value(); };
  m_results.push(id);
  m_results.push(m_run);
  m_results.push(test.id);
  m_results.push(worker);
  m_results.push(result.sequence);
  m_results.push(std::int64_t{static_cast<int>(result.status)});
  m_results.push(value(ns_or_null(result.start)));
  m_results.push(value(ns_or_null(result.stop)));
  m_results.push(value(result.rss_before_bytes));
  m_results.push(value(result.rss_after_bytes));
  std::string tags = join_tags(result.tags);
  m_results.push(tags.empty() ? Value() : Value(std::move(tags)));
  // Failures keep their name beside the id (schema v7), and the name of the test before them
  // (v9): `failing` and `flaky` read both from the failing index, with no lookup into tests.
  m_results.push(previous ? Value(previous->test) : Value());
  m_results.push(model::is_failure(result.status) ? Value(test.name) : Value());
  m_results.push(previous ? Value(previous->name) : Value());
}

void SqliteRunWriter::insert_attachment(std::int64_t result_id, const model::Attachment& attachment)
{
  const EncodedBytes encoded = encode_bytes(attachment.bytes);
  SQLite::Statement& insert = m_statements.get(k_insert_attachment);
  insert.bind(1, m_run);
  insert.bind(2, result_id);
  insert.bind(3, intern_string(attachment.name));
  insert.bind(4, intern_string(attachment.mime_type));
  insert.bind(5, static_cast<int>(encoded.encoding));
  insert.bind(6, static_cast<std::int64_t>(attachment.bytes.size()));
  insert.bindNoCopy(7, encoded.bytes.data(), static_cast<int>(encoded.bytes.size()));
  insert.exec();
  insert.reset();
}

void SqliteRunWriter::count(model::Status status)
{
  ++m_counts.total;
  if (model::is_failure(status)) {
    ++m_counts.failed;
  } else if (status == model::Status::Success || status == model::Status::XFail) {
    ++m_counts.passed;
  } else if (status == model::Status::Skip) {
    ++m_counts.skipped;
  }
}

SqliteRunWriter::Interned SqliteRunWriter::intern_test(const std::string& name)
{
  const NameTable::Key key(name);
  if (const NameTable::Entry* known = m_tests.find(key)) {
    return {known->second, known->first.name()};
  }
  // Past a sixteenth of the known ids looked up one by one, read them all (when not too many).
  if (!m_all_tests_cached && m_known_tests <= k_preload_limit && ++m_lookups > m_known_tests / k_lookups_per_preload) {
    cache_known_tests();
    if (const NameTable::Entry* known = m_tests.find(key)) {
      return {known->second, known->first.name()};
    }
  }
  // With every known id cached, a miss is a new test and needs no lookup.
  std::int64_t id = 0;
  if (!m_all_tests_cached) {
    SQLite::Statement& select = m_statements.get(k_select_test);
    select.bind(1, name_hash(name));
    select.bindNoCopy(2, name);
    if (select.executeStep()) {
      id = select.getColumn(0).getInt64();
    }
    select.reset();
  }
  if (id != 0) {
    return {id, m_tests.insert(key, id).first.name()};
  }
  // One copy of a new name: the table's, which also feeds the batched INSERTs.
  id = m_next_test++;
  const std::string_view stored = m_tests.insert(key, id).first.name();
  m_new_tests.push(id);
  m_new_tests.push(stored);
  return {id, stored};
}

void SqliteRunWriter::read_next_ids()
{
  // Ids are assigned here rather than by SQLite so that rows can be inserted in batches; the
  // write lock held since BEGIN IMMEDIATE keeps them unique.
  m_next_result = single_number(m_statements, k_max_result) + 1;
  m_known_tests = single_number(m_statements, k_max_test);
  m_next_test = m_known_tests + 1;
  m_summary = SummaryAccumulator(m_next_test);
  m_all_tests_cached = m_known_tests == 0;
}

void SqliteRunWriter::cache_known_tests()
{
  // Room for the known tests; the run's new ones grow the table geometrically (a fixed extra room
  // for 65,536 names was zeroed on every run: 40% of a one-test run's page faults).
  m_tests.reserve(static_cast<std::size_t>(m_known_tests) + m_tests.size());
  SQLite::Statement& all = m_statements.get(k_all_tests);
  while (all.executeStep()) {
    // A name the run met already keeps its id: a known one looked up holds the same id, and a
    // new one already flushed to the table too.
    const SQLite::Column name = all.getColumn(1);
    m_tests.insert(std::string_view(name.getText(), static_cast<std::size_t>(name.getBytes())),
                   all.getColumn(0).getInt64());
  }
  m_all_tests_cached = true;
}

std::int64_t SqliteRunWriter::intern_string(const std::string& text)
{
  if (const auto found = m_strings.find(text); found != m_strings.end()) {
    return found->second;
  }
  std::int64_t id = 0;
  SQLite::Statement& select = m_statements.get(k_select_string);
  select.bindNoCopy(1, text);
  if (select.executeStep()) {
    id = select.getColumn(0).getInt64();
  } else {
    SQLite::Statement& insert = m_statements.get(k_insert_string);
    insert.bindNoCopy(1, text);
    insert.exec();
    insert.reset();
    id = m_db.getLastInsertRowid();
  }
  select.reset();
  m_strings.emplace(text, id);
  return id;
}

std::int64_t SqliteRunWriter::worker_id(const std::string& name)
{
  if (const auto found = m_workers.find(name); found != m_workers.end()) {
    return found->second;
  }
  SQLite::Statement& insert = m_statements.get(k_insert_worker);
  insert.bind(1, m_run);
  insert.bindNoCopy(2, name);
  insert.exec();
  insert.reset();
  const std::int64_t id = m_db.getLastInsertRowid();
  m_workers.emplace(name, id);
  return id;
}

void SqliteRunWriter::add_to_order(std::int64_t worker, std::int64_t result_id, std::int64_t test,
                                   const model::TestResult& result)
{
  // Results arriving out of sequence order (RunWriter's contract asks for it) are sorted at
  // commit. The worker's latest result is the one previous_test() keeps (test 0: none yet).
  const Latest& latest = m_latest_of_worker[worker];
  const bool in_order = latest.test == 0 || result.sequence > latest.sequence;
  BlockEntry entry;
  entry.id = result_id;
  entry.test = test;
  entry.sequence = result.sequence;
  entry.status = static_cast<int>(result.status);
  entry.start_ns = ns_or_null(result.start);
  entry.stop_ns = ns_or_null(result.stop);
  entry.rss_before_bytes = result.rss_before_bytes;
  entry.rss_after_bytes = result.rss_after_bytes;
  entry.tags = join_tags(result.tags);
  m_chunks.add(worker, result.test_id, entry, in_order);
}

void SqliteRunWriter::set_worker(const model::WorkerInfo& worker)
{
  check_open();
  write([&] {
    const model::Resources& r = worker.resources;
    SQLite::Statement& update = m_statements.get(k_update_worker);
    update.bind(1, r.wall_seconds);
    update.bind(2, r.cpu_user_seconds);
    update.bind(3, r.cpu_system_seconds);
    update.bind(4, r.peak_rss_bytes);
    bind_optional(update, 5, widen(r.exit_code));
    bind_optional(update, 6, widen(r.signal));
    update.bind(7, r.killed_by_us ? 1 : 0);
    update.bind(8, r.timed_out ? 1 : 0);
    update.bind(9, r.oom_killed ? 1 : 0);
    update.bind(10, r.memory_limit_method);
    update.bind(11, r.in_progress_test);
    const std::string curve = encode_memory_curve(worker.memory_curve);
    update.bind(12, curve.data(), static_cast<int>(curve.size()));
    update.bind(13, worker_id(worker.name));
    update.exec();
  });
}

void SqliteRunWriter::set_state(model::RunState state)
{
  check_open();
  m_state = state;
}

void SqliteRunWriter::set_duration(double seconds)
{
  check_open();
  m_duration = seconds;
}

void SqliteRunWriter::set_started(model::TimePoint started)
{
  check_open();
  m_started = started;
}

void SqliteRunWriter::set_metadata(const std::string& key, const std::string& value)
{
  check_open();
  write([&] {
    SQLite::Statement& insert = m_statements.get(k_set_metadata);
    insert.bind(1, m_run);
    insert.bind(2, key);
    insert.bind(3, value);
    insert.exec();
    insert.reset();
  });
}

model::RunId SqliteRunWriter::commit()
{
  check_open();
  write([&] {
    SQLite::Statement& update = m_statements.get(k_update_run);
    update.bind(1, m_duration);
    update.bind(2, static_cast<int>(m_state));
    update.bind(3, m_counts.total);
    update.bind(4, m_counts.passed);
    update.bind(5, m_counts.failed);
    update.bind(6, m_counts.skipped);
    if (m_started) {
      update.bind(7, to_ns(*m_started));
    }
    update.bind(8, m_run);
    update.exec();
    // The run's new tests are those of its ids past the known ones; their names are in m_tests,
    // which nothing changes from here on.
    const auto new_tests = static_cast<std::size_t>(m_next_test - 1 - m_known_tests);
    std::future<std::vector<TestHash>> hashes =
        std::async(new_tests >= k_hash_apart ? std::launch::async : std::launch::deferred, [this, new_tests] {
          if (new_tests == 0) {
            return std::vector<TestHash>{};  // a bisect trial, an until-failure loop: no table walk
          }
          return sorted_test_hashes(new_tests, [this](const auto& visit) {
            m_tests.for_each([&](const NameTable::Entry& entry) {
              if (entry.second > m_known_tests) {
                visit(entry.first.name(), entry.second);
              }
            });
          });
        });
    m_new_tests.flush();
    m_results.flush();
    m_chunks.finish();
    m_summary.write(m_statements, m_run);
    m_slowest.write(m_statements, m_run);
    insert_test_hashes(m_statements, hashes.get());
    m_statements.reset_all();  // a statement left on a row would keep its read open past COMMIT
    m_transaction.commit();
  });
  m_committed = true;
  // The pages this run wrote stay in the connection's cache (up to cache_size, 256 MiB): a
  // long until-failure loop grew by about the repository's size. Reads go through the mapping.
  sqlite3_db_release_memory(m_db.getHandle());
  return m_run;
}

} // namespace bisectr::repository::detail
