#pragma once

#include "bisectr/model/event.hpp"
#include "bisectr/stream/reader.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace bisectr::stream {

/// Push parser for subunit v2 (the binary packet protocol of python-subunit's v2.py).
/// Bytes between packets that do not start with 0xB3 (at a UTF-8 character boundary) become
/// events with an empty test id and a "stdout" text/plain file chunk, as python-subunit does.
/// Only one incomplete packet (at most 4 MiB) is ever buffered. Bytes after a packet's last
/// field and before its CRC are ignored, as python-subunit ignores them.
class SubunitV2Parser final : public Parser
{
public:
  /// The largest packet the spec allows: a 3-byte length field, 4 MiB - 1.
  static constexpr std::size_t k_max_packet_length = 4 * 1024 * 1024 - 1;

  SubunitV2Parser(std::string source_name, EventHandler handler);
  void feed(std::string_view bytes) override;
  void finish() override;
  /// Bytes fully consumed so far (the offset of the next byte to parse).
  std::uint64_t offset() const { return m_offset; }

private:
  std::size_t consume(std::string_view data);
  std::size_t consume_text(std::string_view data);
  std::size_t packet_length(std::string_view data);
  void top_up_pending(std::string_view& bytes);
  std::uint16_t check_packet(std::string_view packet) const;
  void parse_packet(std::string_view packet);
  [[noreturn]] void fail(const std::string& what) const;

  std::string m_source;
  EventHandler m_handler;
  std::string m_pending;        ///< the start of a packet that has not fully arrived
  std::uint64_t m_offset = 0;   ///< stream offset of the first byte not yet consumed
  std::uint64_t m_error_at = 0; ///< offset reported by fail()
  int m_utf8_remaining = 0;     ///< continuation bytes still expected in non-subunit text
  model::Event m_event;         ///< reused for every packet to avoid allocations
};

} // namespace bisectr::stream
