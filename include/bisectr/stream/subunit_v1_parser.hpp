#pragma once

#include "bisectr/model/event.hpp"
#include "bisectr/stream/reader.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bisectr::stream {

/// Push parser for the subunit v1 text protocol, mapped to events as python-subunit's
/// subunit-1to2 maps it: `test:` is inprogress, an outcome line is the final status, details
/// (bracketed or `[ multipart` with chunked bodies) become file chunks sent before the final
/// status, `time:` stamps the events that follow, `tags:` outside a test applies to every later
/// event until removed (`-tag`) and inside a test only to that test. Any other line is stdout.
/// Errors carry the line number; memory is bounded by the longest line (at most 4 MiB).
class SubunitV1Parser final : public Parser
{
public:
  /// The longest line accepted.
  static constexpr std::size_t k_max_line = 4 * 1024 * 1024;
  /// The most tags in effect at once, globally and for a test (each); more is refused.
  static constexpr std::size_t k_max_tags = 256;

  SubunitV1Parser(std::string source_name, EventHandler handler);
  void feed(std::string_view bytes) override;
  void finish() override;

private:
  enum class State { Lines, SimpleDetails, PartHeader, PartName, ChunkSize, ChunkBody };

  std::size_t feed_chunk_body(std::string_view bytes);
  void on_line(std::string_view line);
  void on_protocol_line(std::string_view line);
  void on_details_line(std::string_view line);
  void on_chunk_size(std::string_view line);
  void check_test_id(std::string_view id) const;
  void on_outcome(model::Status status, std::string_view rest);
  void on_tags(std::string_view rest);
  void begin_part(std::string name, std::string mime_type);
  void flush_detail(bool eof);
  void end_details();
  void emit(model::Status status, std::string_view test_id);
  void update_tags();
  [[noreturn]] void fail(const std::string& what) const;

  std::string m_source;
  EventHandler m_handler;
  std::string m_line;                      ///< a line that has not fully arrived
  std::uint64_t m_line_number = 1;
  State m_state = State::Lines;
  std::uint64_t m_chunk_remaining = 0;
  std::string m_current_test;              ///< the test between `test:` and its outcome
  std::string m_outcome_test;              ///< the test whose details are being read
  model::Status m_outcome = model::Status::Undefined;
  model::FileChunk m_detail;               ///< the attachment being read (flushed every MiB)
  std::optional<model::TimePoint> m_time;
  std::vector<std::string> m_global_tags;
  std::vector<std::string> m_test_tags;    ///< "-tag" entries remove a global tag for the test
  std::vector<std::string> m_tags;         ///< global and test tags combined, for every event
  bool m_tags_stale = false;               ///< m_tags needs recombining before the next event
  model::Event m_event;
};

} // namespace bisectr::stream
