#pragma once

#include "bisectr/model/run.hpp"
#include "bisectr/model/test_result.hpp"

#include <ostream>
#include <vector>

namespace bisectr::cli {

/// One line: "run 3: 357 tests, 316 passed, 41 failed, 0 skipped in 12.3s [load:x.subunit]".
void print_run_line(std::ostream& out, const model::RunSummary& run);
/// Each failing test as "FAIL: <id> (<worker>)" followed by its text attachments, as testr prints them.
void print_failures(std::ostream& out, const std::vector<model::TestResult>& failures);
/// "killed (likely out of memory)", "timed out", "signal 9", "exit 1" or "ok" for a worker's ending.
std::string describe_ending(const model::Resources& resources);

} // namespace bisectr::cli
