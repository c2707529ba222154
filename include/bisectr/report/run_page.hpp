#pragma once

#include "bisectr/model/run.hpp"
#include "bisectr/model/test_result.hpp"

#include <filesystem>
#include <iosfwd>
#include <vector>

namespace bisectr::report {

/// Everything the run page shows.
struct RunPage {
  model::RunSummary run;
  std::vector<model::WorkerInfo> workers;    ///< resources and memory curves (may be empty for imports)
  std::vector<model::TestResult> results;    ///< ordered by worker then sequence, without attachments
  std::vector<model::TestResult> failures;   ///< the failing results with their attachments (tracebacks)
};

/// Writes the page as one self-contained HTML document: one lane per worker with each test a bar
/// in execution order coloured by status, the worker's memory curve under it, out-of-memory kills
/// and timeouts marked, and the failures with their tracebacks; all test text is escaped.
void write_run_page(std::ostream& out, const RunPage& page);
/// Writes the page to path; throws util::Error when the file cannot be written.
void write_run_page(const std::filesystem::path& path, const RunPage& page);

} // namespace bisectr::report
