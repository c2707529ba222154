#pragma once

#include "bisectr/model/status.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace bisectr::model {

/// Wall-clock instant with nanosecond resolution (subunit v2 timestamps).
using TimePoint = std::chrono::sys_time<std::chrono::nanoseconds>;

/// One chunk of a file attachment as carried by a stream packet.
struct FileChunk {
  std::string name;       ///< e.g. "traceback", "stdout"
  std::string mime_type;  ///< empty when the packet omitted it (later chunks may)
  std::string bytes;
  bool eof = false;
};

/// One packet of a test stream, whatever the format; the unit every reader emits and every writer takes.
struct Event {
  std::string test_id;                 ///< empty for packets not about a test (global attachments)
  Status status = Status::Undefined;
  std::optional<TimePoint> timestamp;
  std::vector<std::string> tags;
  std::string route_code;              ///< subunit v2 route code, empty if none
  std::optional<FileChunk> file;
  bool runnable = true;
};

} // namespace bisectr::model
