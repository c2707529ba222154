#include "run_printer.hpp"

#include "bisectr/util/units.hpp"

#include <string>

namespace bisectr::cli {

void print_run_line(std::ostream& out, const model::RunSummary& run)
{
  out << "run " << run.id << ": " << run.counts.total << " tests, " << run.counts.passed << " passed, "
      << run.counts.failed << " failed, " << run.counts.skipped << " skipped in "
      << util::format_duration(run.duration_seconds);
  if (run.state == model::RunState::Interrupted) {
    out << " (interrupted)";
  }
  out << " [" << run.source << "]\n";
}

void print_failures(std::ostream& out, const std::vector<model::TestResult>& failures)
{
  for (const auto& result : failures) {
    out << "======================================================================\n"
        << "FAIL: " << result.test_id;
    if (!result.worker.empty()) {
      out << " (" << result.worker << ")";
    }
    out << '\n';
    for (const auto& attachment : result.attachments) {
      if (attachment.mime_type.rfind("text/", 0) != 0 && !attachment.mime_type.empty()) {
        continue;
      }
      out << "--- " << attachment.name << " ---\n" << attachment.bytes;
      if (!attachment.bytes.empty() && attachment.bytes.back() != '\n') {
        out << '\n';
      }
    }
  }
}

std::string describe_ending(const model::Resources& resources)
{
  if (resources.oom_killed) {
    return resources.killed_by_us ? "killed at the memory limit (" + resources.memory_limit_method + ")"
                                   : "killed (likely out of memory)";
  }
  if (resources.timed_out) {
    return "timed out";
  }
  if (resources.signal) {
    return "signal " + std::to_string(*resources.signal) + (resources.killed_by_us ? " (sent by bisectr)" : "");
  }
  if (resources.exit_code) {
    return "exit " + std::to_string(*resources.exit_code);
  }
  return "-";
}

} // namespace bisectr::cli
