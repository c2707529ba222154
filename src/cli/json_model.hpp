#pragma once

#include "bisectr/model/run.hpp"
#include "bisectr/model/test_result.hpp"

#include <nlohmann/json.hpp>

namespace bisectr::cli {

/// The JSON shape every --json command uses for a run header.
nlohmann::json to_json(const model::RunSummary& run);
/// A result; attachments included (as text) when the result carries them.
nlohmann::json to_json(const model::TestResult& result);
/// A worker and its resources.
nlohmann::json to_json(const model::WorkerInfo& worker);
/// Prints a JSON document followed by a newline; invalid UTF-8 in untrusted strings is replaced, not thrown.
void print_json(std::ostream& out, const nlohmann::json& document);

} // namespace bisectr::cli
