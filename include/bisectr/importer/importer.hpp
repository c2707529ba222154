#pragma once

#include "bisectr/model/run.hpp"
#include "bisectr/stream/format.hpp"

#include <istream>
#include <optional>
#include <string>
#include <vector>

namespace bisectr::repository {
class Repository;
}
namespace bisectr::util {
class Clock;
}

namespace bisectr::importer {

/// One stream to import: where to read it, its name for messages, its format (nullopt = detect).
struct Source {
  std::istream* in = nullptr;
  std::string name;
  std::optional<stream::Format> format;
};

/// What an import stored.
struct Imported {
  model::RunId run_id = 0;
  std::int64_t results = 0;
  std::int64_t failures = 0;
  std::vector<std::string> workers;
  std::vector<std::string> in_progress;  ///< tests that started but never ended in the stream
};

/// Parses every source and stores them as ONE run in one transaction: on any error nothing is
/// stored and the util::ParseError (file and byte/line) propagates. When several sources use the
/// same worker name, the later source's workers are renamed "<n>:<worker>" (n = source index + 1).
Imported import_run(repository::Repository& repository, const std::vector<Source>& sources, const util::Clock& clock);

} // namespace bisectr::importer
