#pragma once

#include "bisectr/model/event.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bisectr::model {

/// A whole attachment of a test result (chunks joined).
struct Attachment {
  std::string name;
  std::string mime_type;
  std::string bytes;
};

/// The outcome of one test in one run, as stored in the repository.
struct TestResult {
  std::string test_id;
  Status status = Status::Undefined;
  std::optional<TimePoint> start;
  std::optional<TimePoint> stop;
  std::string worker;              ///< "worker-0", ...; empty when the stream says nothing
  std::int64_t sequence = 0;       ///< position in its worker's execution order, from 0
  std::vector<std::string> tags;   ///< tags other than the worker tag
  std::vector<Attachment> attachments;
  std::optional<std::int64_t> rss_before_bytes;  ///< worker tree memory when the test started (runner only)
  std::optional<std::int64_t> rss_after_bytes;   ///< worker tree memory when the test ended (runner only)

  /// stop - start in seconds, or 0 when either is missing.
  double duration_seconds() const;
};

} // namespace bisectr::model
