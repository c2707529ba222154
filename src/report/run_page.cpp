#include "bisectr/report/run_page.hpp"

#include "bisectr/report/html_escape.hpp"
#include "bisectr/report/time_text.hpp"
#include "html_document.hpp"
#include "run_lanes.hpp"

#include <ostream>
#include <string>

namespace bisectr::report {

namespace {

std::string state_name(model::RunState state)
{
  switch (state) {
  case model::RunState::Complete: return "complete";
  case model::RunState::Interrupted: return "interrupted";
  case model::RunState::Running: return "running";
  }
  return "unknown";
}

void write_summary(std::ostream& out, const model::RunSummary& run)
{
  out << "<p class=\"meta\" id=\"run-summary\">Started " << format_time(run.started) << ", "
      << format_seconds(run.duration_seconds) << ", " << state_name(run.state) << ". " << run.counts.total
      << " tests: " << run.counts.passed << " passed, " << run.counts.failed << " failed, " << run.counts.skipped
      << " skipped. Source: <code>";
  write_html_escaped(out, run.source);
  out << "</code></p>\n";
}

void write_worker_table(std::ostream& out, const std::vector<model::WorkerInfo>& workers)
{
  if (workers.empty()) {
    return;
  }
  out << "<h2>Workers</h2>\n<table id=\"workers\"><thead><tr><th>worker</th><th>wall</th><th>cpu</th>"
      << "<th>peak memory</th><th>exit</th><th>ended by</th></tr></thead><tbody>\n";
  for (const auto& worker : workers) {
    const auto& r = worker.resources;
    out << "<tr><td><code>";
    write_html_escaped(out, worker.name);
    out << "</code></td><td class=\"num\">" << format_seconds(r.wall_seconds) << "</td><td class=\"num\">"
        << format_seconds(r.cpu_user_seconds + r.cpu_system_seconds) << "</td><td class=\"num\">"
        << format_bytes(static_cast<double>(r.peak_rss_bytes)) << "</td><td class=\"num\">"
        << (r.exit_code ? std::to_string(*r.exit_code) : std::string("&#8212;")) << "</td><td>";
    if (r.oom_killed) {
      out << "<span class=\"oom\">out of memory</span>";
    } else if (r.timed_out) {
      out << "<span class=\"oom\">timeout</span>";
    } else if (r.signal) {
      out << "signal " << *r.signal;
    } else {
      out << "exit";
    }
    out << "</td></tr>\n";
  }
  out << "</tbody></table>\n";
}

void write_failure(std::ostream& out, const model::TestResult& failure)
{
  out << "<details class=\"failure\"><summary><code>";
  write_html_escaped(out, failure.test_id);
  out << "</code> &#8212; " << model::to_string(failure.status) << " on ";
  write_html_escaped(out, failure.worker.empty() ? std::string("(no worker)") : failure.worker);
  out << " at #" << failure.sequence << "</summary>\n";
  for (const auto& attachment : failure.attachments) {
    out << "<p class=\"muted\">";
    write_html_escaped(out, attachment.name);
    out << " (";
    write_html_escaped(out, attachment.mime_type);
    out << ")</p><pre>";
    write_html_escaped(out, attachment.bytes);
    out << "</pre>\n";
  }
  out << "</details>\n";
}

} // namespace

void write_run_page(std::ostream& out, const RunPage& page)
{
  detail::begin_document(out, "bisectr: run " + std::to_string(page.run.id));
  write_summary(out, page.run);
  detail::write_legend(out);
  out << "<h2>Workers, tests in execution order</h2>\n<section id=\"lanes\">\n";
  detail::write_lanes(out, detail::make_lanes(page.results, page.workers));
  out << "</section>\n";
  write_worker_table(out, page.workers);
  out << "<h2>Failures (" << page.failures.size() << ")</h2>\n<section id=\"failures\">\n";
  for (const auto& failure : page.failures) {
    write_failure(out, failure);
  }
  out << "</section>\n";
  detail::end_document(out);
}

void write_run_page(const std::filesystem::path& path, const RunPage& page)
{
  detail::write_file(path, [&](std::ostream& out) { write_run_page(out, page); });
}

} // namespace bisectr::report
