#include "bisectr/report/flaky_page.hpp"

#include "bisectr/report/html_escape.hpp"
#include "bisectr/report/time_text.hpp"
#include "html_document.hpp"

#include <algorithm>
#include <cstdio>
#include <ostream>

namespace bisectr::report {

namespace {

using detail::number;

constexpr double k_map_width = 720.0;
constexpr double k_row_height = 14.0;

std::string status_label(std::optional<model::Status> status)
{
  return status ? std::string(model::to_string(*status)) : std::string("did not run");
}

// Consecutive equal cells become one rect, so a 1,000-run row of a rare flake is a few dozen
// elements rather than a thousand.
void write_heat_row(std::ostream& out, const HeatMapRow& row, const std::vector<HeatMapRun>& runs, double cell)
{
  const double width = cell * static_cast<double>(row.cells.size());
  out << "<svg class=\"heat\" width=\"" << number(width) << "\" height=\"" << number(k_row_height)
      << "\" role=\"img\">";
  std::size_t begin = 0;
  while (begin < row.cells.size()) {
    std::size_t end = begin + 1;
    while (end < row.cells.size() && row.cells[end] == row.cells[begin]) {
      ++end;
    }
    out << "<rect x=\"" << number(cell * static_cast<double>(begin)) << "\" y=\"0\" width=\""
        << number(cell * static_cast<double>(end - begin)) << "\" height=\"" << number(k_row_height - 2)
        << "\" fill=\"" << detail::status_colour(row.cells[begin]) << "\"><title>runs " << runs[begin].id;
    if (end - begin > 1) {
      out << "&#8211;" << runs[end - 1].id;
    }
    out << ": " << status_label(row.cells[begin]) << "</title></rect>";
    begin = end;
  }
  out << "</svg>";
}

void write_cluster(std::ostream& out, const std::optional<Cluster>& cluster)
{
  if (!cluster) {
    out << "<td class=\"muted\">&#8212;</td>";
    return;
  }
  out << "<td><code>";
  write_html_escaped(out, cluster->name.empty() ? std::string("(first)") : cluster->name);
  out << "</code> " << cluster->failures << " (" << format_percent(cluster->share) << ")</td>";
}

void write_row(std::ostream& out, const HeatMapRow& row, const std::vector<HeatMapRun>& runs, double cell)
{
  const auto& a = row.assessment;
  out << "<tr class=\"" << to_string(a.verdict) << "\"><td class=\"id\">";
  write_html_escaped(out, a.stats.test_id);
  out << "</td><td>" << to_string(a.verdict) << "</td><td class=\"num\">" << a.stats.failures << "/"
      << a.stats.runs << "</td><td class=\"num\">" << format_percent(a.failure_rate.estimate) << " ["
      << format_percent(a.failure_rate.lower) << ", " << format_percent(a.failure_rate.upper) << "]</td><td class=\"num\">"
      << a.stats.flips << "</td>";
  write_cluster(out, a.worker_cluster);
  write_cluster(out, a.predecessor_cluster);
  out << "<td>";
  write_heat_row(out, row, runs, cell);
  out << "</td></tr>\n";
}

void write_summary(std::ostream& out, const FlakyPage& page)
{
  const auto broken = std::count_if(page.rows.begin(), page.rows.end(),
                                    [](const auto& row) { return row.assessment.verdict == Verdict::Broken; });
  out << "<p class=\"meta\">" << page.tests_considered << " tests over " << page.runs_considered << " runs; "
      << static_cast<std::int64_t>(page.rows.size()) - broken << " flaky and " << broken
      << " broken shown, surest first (by the 95% Wilson lower bound of the pass/fail flip rate).";
  if (!page.runs.empty()) {
    out << " Columns: runs " << page.runs.front().id << " (" << format_time(page.runs.front().started) << ") to "
        << page.runs.back().id << " (" << format_time(page.runs.back().started) << "), oldest on the left.";
  }
  out << "</p>\n";
}

} // namespace

void write_flaky_page(std::ostream& out, const FlakyPage& page)
{
  detail::begin_document(out, "bisectr: flaky tests");
  write_summary(out, page);
  detail::write_legend(out);
  if (page.rows.empty()) {
    out << "<p id=\"no-flaky\">No test failed in these runs.</p>\n";
    detail::end_document(out);
    return;
  }
  const double runs = static_cast<double>(std::max<std::size_t>(page.runs.size(), 1));
  const double cell = std::clamp(k_map_width / runs, 0.5, 14.0);
  out << "<h2>Outcomes, tests &#215; runs</h2>\n<table id=\"heat-map\">\n<thead><tr><th>test</th><th>verdict</th>"
      << "<th>failed/runs</th><th>failure rate [95%]</th><th>flips</th><th>worker cluster</th>"
      << "<th>after neighbour</th><th>runs, oldest to newest</th></tr></thead>\n<tbody>\n";
  for (const auto& row : page.rows) {
    write_row(out, row, page.runs, cell);
  }
  out << "</tbody>\n</table>\n";
  detail::end_document(out);
}

void write_flaky_page(const std::filesystem::path& path, const FlakyPage& page)
{
  detail::write_file(path, [&](std::ostream& out) { write_flaky_page(out, page); });
}

} // namespace bisectr::report
