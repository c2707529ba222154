#include "bisectr/importer/importer.hpp"

#include "bisectr/repository/repository.hpp"
#include "bisectr/stream/reader.hpp"
#include "bisectr/stream/result_assembler.hpp"
#include "bisectr/util/clock.hpp"
#include "bisectr/util/units.hpp"

#include <algorithm>
#include <set>

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

// Results are written as they complete, so memory stays bounded by the tests in flight.
class SourceImporter
{
public:
  SourceImporter(repository::RunWriter& writer, Imported& imported, Span& span, std::set<std::string>& taken, std::size_t index)
    : m_writer(writer), m_imported(imported), m_span(span), m_taken(taken), m_prefix(std::to_string(index + 1) + ":")
  {
  }

  void read(const Source& source)
  {
    stream::ResultAssembler assembler([this](model::TestResult&& result) { store(std::move(result)); });
    auto format = source.format ? *source.format : stream::detect_format(*source.in);
    stream::read_stream(*source.in, format, source.name, [&](const model::Event& event) {
      m_span.add(event.timestamp);
      assembler.on_event(event);
    });
    for (auto& id : assembler.in_progress()) {
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
