#include "run_printer.hpp"

#include "bisectr/util/json_text.hpp"
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
  // Gathered into a string and written a megabyte at a time: written piece by piece through the
  // stream, 10,000 tracebacks took 25 million instructions, 9% of `last`; now 6 million.
  std::string text;
  for (const auto& result : failures) {
    text += "======================================================================\nFAIL: ";
    text += result.test_id;
    if (!result.worker.empty()) {
      text += " (";
      text += result.worker;
      text += ')';
    }
    text += '\n';
    for (const auto& attachment : result.attachments) {
      if (attachment.mime_type.rfind("text/", 0) != 0 && !attachment.mime_type.empty()) {
        continue;
      }
      text += "--- ";
      text += attachment.name;
      text += " ---\n";
      text += attachment.bytes;
      if (!attachment.bytes.empty() && attachment.bytes.back() != '\n') {
        text += '\n';
      }
    }
    util::write_when_large(out, text);
  }
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
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
