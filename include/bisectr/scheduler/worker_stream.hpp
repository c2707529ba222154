#pragma once

#include "bisectr/model/test_result.hpp"
#include "bisectr/scheduler/id_map.hpp"
#include "bisectr/stream/format.hpp"
#include "bisectr/stream/reader.hpp"
#include "bisectr/stream/result_assembler.hpp"

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bisectr::scheduler {

/// One worker's result stream turned into results as its bytes arrive: parsed, assembled, ids
/// mapped back to listed ids, stamped with this worker's name and numbered in arrival order.
/// A malformed stream does not throw: parsing stops, what came before is kept, error() says why.
class WorkerStream
{
public:
  using ResultHandler = std::function<void(const model::TestResult&)>;

  /// format nullopt means auto: detected from the first non-blank byte (0xB3 v2, '<' JUnit, else v1).
  WorkerStream(std::string worker, std::optional<stream::Format> format, std::string source_name, IdMap ids);
  /// Called (on the feeding thread) once per completed result, after stamping.
  void set_on_result(ResultHandler handler) { m_on_result = std::move(handler); }
  /// Feeds the next bytes of the stream.
  void feed(std::string_view bytes);
  /// Feeds a whole file (StreamSource::File); false when it cannot be opened.
  bool feed_file(const std::filesystem::path& file);
  /// Ends the stream; completes a format still undetected and flushes the parser.
  void finish();

  /// The results so far, in this worker's execution order.
  const std::vector<model::TestResult>& results() const { return m_results; }
  /// Moves the results out.
  std::vector<model::TestResult> take_results() { return std::move(m_results); }
  /// Ids (mapped) that started but did not end, the most recently started first.
  std::vector<std::string> in_progress() const;
  /// Why parsing stopped early, or empty.
  const std::string& error() const { return m_error; }
  /// The stream format used (nullopt while still undetected).
  std::optional<stream::Format> format() const { return m_format; }

private:
  void start_parser(stream::Format format);
  void parse(std::string_view bytes);
  void on_event(const model::Event& event);
  void on_result(model::TestResult&& result);

  std::string m_worker;
  std::optional<stream::Format> m_format;
  std::string m_source;
  IdMap m_ids;
  std::string m_pending;  // bytes held back while the format is undetected
  std::unique_ptr<stream::ResultAssembler> m_assembler;
  std::unique_ptr<stream::Parser> m_parser;
  std::vector<model::TestResult> m_results;
  std::vector<std::string> m_started;  // raw ids in start order, for in_progress()
  std::string m_error;
  ResultHandler m_on_result;
};

} // namespace bisectr::scheduler
