#pragma once

#include "bisectr/model/run.hpp"
#include "bisectr/model/test_result.hpp"

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace bisectr::cli {

/// The JSON shape every --json command uses for a run header.
nlohmann::json to_json(const model::RunSummary& run);
/// A worker and its resources.
nlohmann::json to_json(const model::WorkerInfo& worker);
/// Prints a JSON document followed by a newline; invalid UTF-8 in untrusted strings is replaced, not thrown.
void print_json(std::ostream& out, const nlohmann::json& document);
/// Prints `head` (a JSON object) with one more member, `key`: the results, each an object with
/// id, status, worker, sequence, start, stop, duration_seconds, tags, rss_before_bytes,
/// rss_after_bytes and, when it has any, attachments (name, mime_type, text). The results are
/// written as text one by one, not built as a tree: 10,000 failures with tracebacks took 0.44 s
/// as a tree. Invalid UTF-8 is replaced as print_json does.
void print_json_with_results(std::ostream& out, const nlohmann::json& head, std::string_view key,
                             const std::vector<model::TestResult>& results);

} // namespace bisectr::cli
