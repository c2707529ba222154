#include "bisectr/importer/importer.hpp"

#include "bisectr/repository/repository.hpp"
#include "bisectr/stream/reader.hpp"
#include "bisectr/stream/result_assembler.hpp"
#include "bisectr/util/clock.hpp"
#include "bisectr/util/units.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace bisectr::importer {

namespace {

// Tracks the span of timestamps so the run gets a start time and a duration.
struct Span {
  std::optional<model::TimePoint> first;
  std::optional<model::TimePoint> last;

  void add(const std::optional<model::TimePoint>& time)
  {
    if (!time) {
      return;
    }
    first = first ? std::min(*first, *time) : *time;
    last = last ? std::max(*last, *time) : *time;
  }
};

constexpr std::size_t k_batch_results = 256;
constexpr std::size_t k_batches_in_flight = 4;

// Batches of results from the parsing thread to the writing one; at most k_batches_in_flight
// wait, so memory stays bounded whatever the stream's size. The writer hands each batch back once
// written and the parser empties it: the results' strings are freed on the thread that allocated
// them (glibc frees another thread's block under its arena's lock) and off the writer's, the
// slow half.
class ResultPipe
{
public:
  /// Thrown on the parsing thread to stop it once the writer gave up.
  struct Cancelled {};

  /// Hands over the batch (left empty); false when the writer gave up.
  bool push(std::vector<model::TestResult>& batch)
  {
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [&] { return m_cancelled || m_batches.size() < k_batches_in_flight; });
    if (m_cancelled) {
      return false;
    }
    if (!batch.empty()) {
      m_batches.push_back(std::move(batch));
      m_changed.notify_all();
    }
    batch = {};
    if (!m_written.empty()) {
      batch = std::move(m_written.back());
      m_written.pop_back();
    }
    lock.unlock();
    batch.clear();
    batch.reserve(k_batch_results);
    return true;
  }
  /// The parser is done (error: what stopped it, or nullptr).
  void finish(std::exception_ptr error)
  {
    const std::lock_guard lock(m_mutex);
    m_error = std::move(error);
    m_finished = true;
    m_changed.notify_all();
  }
  /// Hands back the batch written (if any) and takes the next; false once the parser finished and
  /// every batch was taken.
  bool pop(std::vector<model::TestResult>& batch)
  {
    std::unique_lock lock(m_mutex);
    if (!batch.empty() && !m_finished) {
      m_written.push_back(std::move(batch));
    }
    m_changed.wait(lock, [&] { return m_finished || !m_batches.empty(); });
    if (m_batches.empty()) {
      return false;
    }
    batch = std::move(m_batches.front());
    m_batches.pop_front();
    m_changed.notify_all();
    return true;
  }
  /// The writer gave up: the parser stops at its next batch.
  void cancel()
  {
    const std::lock_guard lock(m_mutex);
    m_cancelled = true;
    m_changed.notify_all();
  }
  /// Throws what stopped the parser, if anything did.
  void rethrow() const
  {
    if (m_error) {
      std::rethrow_exception(m_error);
    }
  }

private:
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::deque<std::vector<model::TestResult>> m_batches;
  std::vector<std::vector<model::TestResult>> m_written;  ///< written, for the parser to empty
  std::exception_ptr m_error;
  bool m_finished = false;
  bool m_cancelled = false;
};

// Results are written as they complete, so memory stays bounded by the tests in flight.
class SourceImporter
{
public:
  SourceImporter(repository::RunWriter& writer, Imported& imported, Span& span, std::set<std::string>& taken, std::size_t index)
    : m_writer(writer), m_imported(imported), m_span(span), m_taken(taken), m_prefix(std::to_string(index + 1) + ":")
  {
  }

  /// Parses on a thread of its own while this one writes: the SQLite writer is the slow half,
  /// and on two cores the parse (a fifth of an import's CPU) then costs no wall time.
  void read(const Source& source)
  {
    ResultPipe pipe;
    std::vector<std::string> in_progress;
    std::thread parser([&] {
      try {
        std::vector<model::TestResult> batch;
        batch.reserve(k_batch_results);
        stream::ResultAssembler assembler([&](model::TestResult&& result) {
          batch.push_back(std::move(result));
          if (batch.size() == k_batch_results && !pipe.push(batch)) {
            throw ResultPipe::Cancelled{};
          }
        });
        auto format = source.format ? *source.format : stream::detect_format(*source.in);
        stream::read_stream(*source.in, format, source.name, [&](const model::Event& event) {
          m_span.add(event.timestamp);
          assembler.on_event(event);
        });
        in_progress = assembler.in_progress();
        pipe.push(batch);
        pipe.finish(nullptr);
      } catch (const ResultPipe::Cancelled&) {
        pipe.finish(nullptr);
      } catch (...) {
        pipe.finish(std::current_exception());
      }
    });
    try {
      std::vector<model::TestResult> batch;
      while (pipe.pop(batch)) {
        for (model::TestResult& result : batch) {
          store(std::move(result));
        }
      }
    } catch (...) {
      pipe.cancel();
      parser.join();
      throw;
    }
    parser.join();
    pipe.rethrow();
    for (auto& id : in_progress) {
      m_imported.in_progress.push_back(std::move(id));
    }
    for (const auto& worker : m_local) {
      m_taken.insert(worker);
    }
  }

private:
  void store(model::TestResult&& result)
  {
    if (m_taken.count(result.worker) != 0) {
      result.worker = m_prefix + result.worker;
    }
    if (m_local.insert(result.worker).second) {
      m_imported.workers.push_back(result.worker);
    }
    ++m_imported.results;
    if (model::is_failure(result.status)) {
      ++m_imported.failures;
    }
    m_writer.add_result(result);
  }

  repository::RunWriter& m_writer;
  Imported& m_imported;
  Span& m_span;
  std::set<std::string>& m_taken;
  std::set<std::string> m_local;
  std::string m_prefix;
};

std::string describe(const std::vector<Source>& sources)
{
  std::string names;
  for (const auto& source : sources) {
    names += (names.empty() ? "" : ",") + source.name;
  }
  return "load:" + names;
}

} // namespace

Imported import_run(repository::Repository& repository, const std::vector<Source>& sources, const util::Clock& clock)
{
  auto now = std::chrono::time_point_cast<std::chrono::nanoseconds>(clock.wall_now());
  auto writer = repository.begin_run({model::TimePoint(now.time_since_epoch()), describe(sources), {}});
  Imported imported;
  Span span;
  std::set<std::string> taken;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    SourceImporter(*writer, imported, span, taken, i).read(sources[i]);
  }
  if (span.first && span.last) {
    // The run happened when its stream says, not when it was loaded (which is kept apart).
    writer->set_started(*span.first);
    writer->set_metadata("loaded_at", util::format_time(model::TimePoint(now.time_since_epoch())));
    writer->set_duration(std::chrono::duration<double>(*span.last - *span.first).count());
  }
  if (!imported.in_progress.empty()) {
    writer->set_metadata("in_progress", std::to_string(imported.in_progress.size()) + " tests never ended");
  }
  imported.run_id = writer->commit();
  return imported;
}

} // namespace bisectr::importer
