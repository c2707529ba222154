#pragma once

#include "bisectr/model/run.hpp"
#include "bisectr/model/test_result.hpp"
#include "bisectr/util/clock.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bisectr::repository {

/// What a new run is: when it started, where it came from, extra key/values (seed, command, session).
struct NewRun {
  model::TimePoint started{};
  std::string source;
  std::map<std::string, std::string> metadata;
};

/// Writes one run inside one transaction: nothing is visible until commit(); destroying the
/// writer without commit() rolls everything back, leaving the repository as it was.
class RunWriter
{
public:
  virtual ~RunWriter() = default;
  /// Adds a result; results of a worker must arrive in its execution order (sequence).
  virtual void add_result(const model::TestResult& result) = 0;
  /// Records (or replaces) a worker's resources.
  virtual void set_worker(const model::WorkerInfo& worker) = 0;
  virtual void set_state(model::RunState state) = 0;
  virtual void set_duration(double seconds) = 0;
  /// Replaces the start time given to begin_run (an import learns it from the stream).
  virtual void set_started(model::TimePoint started) = 0;
  virtual void set_metadata(const std::string& key, const std::string& value) = 0;
  /// Commits the transaction and returns the new run's id.
  virtual model::RunId commit() = 0;
};

/// The per-test statistics a scheduler or `slowest` needs.
struct TestTiming {
  std::string test_id;
  double seconds = 0.0;
};

class SessionStore;
class History;

/// The store of every run; the SQLite implementation is the only one that touches SQLite.
/// One object is used by one thread at a time; threads and processes each open their own.
class Repository
{
public:
  virtual ~Repository() = default;

  /// Starts writing a run (takes the write lock, waiting for other writers).
  virtual std::unique_ptr<RunWriter> begin_run(const NewRun& run) = 0;
  /// Gets ready for begin_run without taking any lock (the SQLite repository prepares the
  /// statements a run writes), so that a caller can do it while the tests run. Optional.
  virtual void prepare_to_record() {}

  /// All runs, oldest first.
  virtual std::vector<model::RunSummary> list_runs() const = 0;
  /// The newest run's id, if any.
  virtual std::optional<model::RunId> latest_run() const = 0;
  virtual std::optional<model::RunSummary> run_summary(model::RunId id) const = 0;
  /// A run's results ordered by worker then sequence; attachments only when asked.
  virtual std::vector<model::TestResult> results(model::RunId id, bool with_attachments) const = 0;
  /// A run's failing results (fail, error, uxsuccess), with their attachments when asked.
  virtual std::vector<model::TestResult> failing(model::RunId id, bool with_attachments) const = 0;
  /// failing(id, true).
  std::vector<model::TestResult> failing(model::RunId id) const { return failing(id, true); }
  virtual std::vector<model::WorkerInfo> workers(model::RunId id) const = 0;
  /// Names of the run's workers that have results (only failing ones when failing_only), sorted;
  /// index seeks only, however many results the run holds.
  virtual std::vector<std::string> workers_with_results(model::RunId id, bool failing_only) const = 0;
  /// Test ids a worker ran, in execution order.
  virtual std::vector<std::string> worker_order(model::RunId id, const std::string& worker) const = 0;
  /// The n slowest tests of a run, slowest first.
  virtual std::vector<TestTiming> slowest(model::RunId id, std::size_t n) const = 0;
  /// Each test's duration in its most recent successful run (for balancing workers).
  virtual std::map<std::string, double> recent_durations() const = 0;
  /// Deletes a run and everything it owns; false if there was no such run.
  virtual bool remove_run(model::RunId id) = 0;

  /// The bisect session store sharing this repository (see session_store.hpp); throws
  /// util::RepositoryError when this implementation keeps no sessions.
  virtual SessionStore& sessions();
  /// The history queries over this repository (see history.hpp); throws util::RepositoryError
  /// when this implementation cannot answer them.
  virtual History& history();
};

/// Tuning of the SQLite repository; the defaults are what the command line uses.
struct SqliteOptions {
  /// How long to wait for another process's write lock before failing with "repository busy".
  std::chrono::milliseconds busy_timeout{60000};
  /// Told once per connection when a wait for the lock passes a second (e.g. to say so on stderr).
  std::function<void(const std::string&)> on_busy;
  /// Where session timestamps come from; nullptr means the system clock.
  const util::Clock* clock = nullptr;
};

/// The page size of a new repository file (SQLite's default is 4,096). Loading 100,000 new tests
/// writes about 15 MB; with 8 KiB pages that took 9% less time (half the WAL frames and B-tree
/// pages to write, copy back and checksum). A one-test run writes twice the bytes to the WAL
/// (66 KB). An existing file keeps the size it was created with (docs/schema.md).
inline constexpr int k_page_size = 8192;

/// Closing a repository leaves its commits in the write-ahead log (bisectr.db-wal) rather than
/// checkpointing them with fsyncs each time. A write transaction that finds more than
/// k_fold_wal_bytes of commits in the log first copies them back into bisectr.db, and the write
/// then starts the log over at its beginning (the file keeps its size and its blocks).
inline constexpr std::uintmax_t k_fold_wal_bytes = 256 * 1024;
/// Closing a repository whose log file is larger than this (after a large import) copies it back
/// and truncates the file, so that the next process does not rebuild the index of a long log.
inline constexpr std::uintmax_t k_checkpoint_wal_bytes = 1024 * 1024;
/// A WAL copied back and emptied at close keeps its blocks up to this size (only its header is
/// zeroed, which makes it empty to SQLite); a longer one is truncated (src/repository/buffered_file.cpp).
inline constexpr std::uintmax_t k_kept_wal_bytes = std::uintmax_t{64} << 20;

/// Opens the SQLite repository in dir (dir/bisectr.db); creates it when create is true and it
/// does not exist; throws util::RepositoryError when it cannot (or util::UsageError when absent).
std::unique_ptr<Repository> open_sqlite_repository(const std::filesystem::path& dir, bool create);
/// As above, with explicit options (busy timeout, clock).
std::unique_ptr<Repository> open_sqlite_repository(const std::filesystem::path& dir, bool create,
                                                   const SqliteOptions& options);
/// The database file of the repository in dir: dir / "bisectr.db".
std::filesystem::path repository_file(const std::filesystem::path& dir);

} // namespace bisectr::repository
