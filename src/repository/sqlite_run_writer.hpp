#pragma once

#include "batch_inserter.hpp"
#include "chunk_writer.hpp"
#include "name_table.hpp"
#include "run_slowest.hpp"
#include "bisectr/repository/repository.hpp"
#include "sqlite_support.hpp"
#include "statement_cache.hpp"
#include "test_summary.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace bisectr::repository::detail {

/// RunWriter over one SQLite write transaction with cached statements and interning caches;
/// it must not outlive the database it writes to.
class SqliteRunWriter final : public RunWriter
{
public:
  /// Up to this many known test ids are read into the cache, once the run has looked up more
  /// than 1/k_lookups_per_preload of them one by one: reading 100,000 names made every one-test
  /// run (and every bisect trial) in such a repository cost ~120 ms; a lookup costs a few us.
  static constexpr std::int64_t k_preload_limit = 200000;
  static constexpr std::int64_t k_lookups_per_preload = 16;
  /// Rows per multi-row INSERT.
  static constexpr int k_batch_rows = 128;


  /// Takes the write lock (BEGIN IMMEDIATE) and inserts the run's header row; its statements
  /// come from (and stay in) the connection's cache.
  SqliteRunWriter(StatementCache& statements, std::filesystem::path file, const NewRun& run);
  ~SqliteRunWriter() override;
  SqliteRunWriter(const SqliteRunWriter&) = delete;
  SqliteRunWriter& operator=(const SqliteRunWriter&) = delete;
  /// Prepares in the cache the statements that writing a short run uses.
  static void prepare_statements(StatementCache& statements);

  void add_result(const model::TestResult& result) override;
  void set_worker(const model::WorkerInfo& worker) override;
  void set_state(model::RunState state) override;
  void set_duration(double seconds) override;
  void set_started(model::TimePoint started) override;
  void set_metadata(const std::string& key, const std::string& value) override;
  model::RunId commit() override;

private:
  void check_open() const;
  /// Runs a step, marking the writer failed (and translating the error) if SQLite throws.
  template <typename Step> void write(const Step& step);
  /// The test just before a failure on its worker: its id and name (stored in m_tests).
  struct Previous {
    std::int64_t test = 0;
    std::string_view name;
  };

  /// The test just before this result on its worker, for failures only (NULL otherwise).
  std::optional<Previous> previous_test(const model::TestResult& result, std::int64_t test, std::string_view name,
                                        std::int64_t worker);
  void insert_attachment(std::int64_t result_id, const model::Attachment& attachment);
  void count(model::Status status);
  /// A test's id and its name as stored in m_tests (valid while the writer lives).
  struct Interned {
    std::int64_t id = 0;
    std::string_view name;
  };
  Interned intern_test(const std::string& name);
  void insert_result(std::int64_t id, const model::TestResult& result, Interned test, std::int64_t worker,
                     std::optional<Previous> previous);
  /// Reads the next free result and test ids.
  void read_next_ids();
  /// Reads every known test id into the cache (see k_preload_limit).
  void cache_known_tests();
  std::int64_t intern_string(const std::string& text);
  std::int64_t worker_id(const std::string& name);
  /// Appends a result (its test's name and its fields) to its worker's order chunk.
  void add_to_order(std::int64_t worker, std::int64_t result_id, std::int64_t test, const model::TestResult& result);

  StatementCache& m_statements;
  SQLite::Database& m_db;
  std::filesystem::path m_file;
  WriteTransaction m_transaction;
  model::RunId m_run = 0;
  model::Counts m_counts;
  model::RunState m_state = model::RunState::Complete;
  double m_duration = 0.0;
  std::optional<model::TimePoint> m_started;
  bool m_committed = false;
  bool m_failed = false;
  bool m_all_tests_cached = false;
  std::int64_t m_known_tests = 0;  ///< test ids in the repository when the run began
  std::int64_t m_lookups = 0;      ///< test names looked up one by one so far
  std::int64_t m_next_result = 1;
  std::int64_t m_next_test = 1;
  BatchInserter m_new_tests;
  BatchInserter m_results;
  ChunkWriter m_chunks;  ///< after m_run, which it is made with
  SummaryAccumulator m_summary{0};
  SlowestKeeper m_slowest;
  NameTable m_tests;
  std::unordered_map<std::string, std::int64_t> m_strings;
  std::unordered_map<std::string, std::int64_t> m_workers;
  /// A worker's latest result: what a failure after it records as its previous test.
  struct Latest {
    std::int64_t sequence = 0;
    std::int64_t test = 0;  ///< 0: none yet
    std::string_view name;  ///< stored in m_tests
  };
  /// Per worker id.
  std::unordered_map<std::int64_t, Latest> m_latest_of_worker;
};

} // namespace bisectr::repository::detail
