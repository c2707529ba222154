#pragma once

#include "bisectr/model/event.hpp"
#include "bisectr/stream/format.hpp"

#include <cstddef>
#include <functional>
#include <istream>
#include <memory>
#include <string>
#include <string_view>

namespace bisectr::stream {

/// Receives each event as it is parsed.
using EventHandler = std::function<void(const model::Event&)>;

/// A push parser: bytes in as they arrive (from a pipe or a file), events out through the handler.
/// Memory is bounded by the largest single packet or line, not by the stream size.
class Parser
{
public:
  virtual ~Parser() = default;
  /// Feeds the next bytes; throws util::ParseError naming the source and byte offset (or line).
  virtual void feed(std::string_view bytes) = 0;
  /// Signals the end of input; throws util::ParseError if the stream ended inside a packet.
  virtual void finish() = 0;
};

/// A push parser for a format; source_name is used in error messages.
std::unique_ptr<Parser> make_parser(Format format, std::string source_name, EventHandler handler);

/// Reads a whole stream (in fixed-size chunks) and emits its events.
void read_stream(std::istream& in, Format format, const std::string& source_name, const EventHandler& handler);

} // namespace bisectr::stream
