#include "bisectr/report/session_page.hpp"

#include "bisectr/report/html_escape.hpp"
#include "bisectr/report/time_text.hpp"
#include "bisectr/report/trial_view.hpp"
#include "html_document.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <ostream>

namespace bisectr::report {

namespace {

using detail::number;

constexpr double k_width = 900.0;
constexpr double k_height = 160.0;
constexpr std::size_t k_max_suspect_lines = 5;
constexpr std::string_view k_line_colours[] = {"#3568c9", "#d9822b", "#2f9e8f", "#9b4dca", "#c43d6b"};

std::string pretty(const std::string& text)
{
  const auto document = nlohmann::json::parse(text, nullptr, false);
  return document.is_discarded() ? text : document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string outcome(const TrialView& trial)
{
  if (!trial.failures) {
    return "";
  }
  return *trial.failures > 0 ? "victim failed" : "victim passed";
}

// One bar per trial (the subset it ran, or the candidate set when no subset is stored) and the
// candidate-set size as a line, so the shrinking is visible at a glance.
void write_trial_chart(std::ostream& out, const std::vector<TrialView>& trials)
{
  std::int64_t top = 1;
  for (const auto& trial : trials) {
    top = std::max({top, trial.subset_size.value_or(0), trial.candidates.value_or(0)});
  }
  const double slot = k_width / static_cast<double>(std::max<std::size_t>(trials.size(), 1));
  const auto y_of = [&](std::int64_t value) {
    return k_height - static_cast<double>(value) / static_cast<double>(top) * (k_height - 14);
  };
  out << "<svg id=\"trial-chart\" width=\"" << number(k_width) << "\" height=\"" << number(k_height + 16)
      << "\" role=\"img\"><text x=\"2\" y=\"10\">max " << top << " tests</text>";
  std::string candidate_points;
  for (std::size_t i = 0; i < trials.size(); ++i) {
    const auto& trial = trials[i];
    const double x = slot * static_cast<double>(i);
    const std::int64_t size = trial.subset_size.value_or(trial.candidates.value_or(0));
    const bool failed = trial.failures.value_or(0) > 0;
    out << "<rect class=\"trial\" x=\"" << number(x + slot * 0.1) << "\" y=\"" << number(y_of(size))
        << "\" width=\"" << number(std::max(slot * 0.8, 0.5)) << "\" height=\"" << number(k_height - y_of(size))
        << "\" fill=\"" << (trial.failures ? (failed ? "#d93f3f" : "#3fa45b") : "#9aa0ab") << "\"><title>trial "
        << trial.index << ": " << size << " tests";
    write_html_escaped(out, trial.kind.empty() ? "" : ", " + trial.kind);
    write_html_escaped(out, outcome(trial).empty() ? "" : ", " + outcome(trial));
    out << "</title></rect>";
    if (trial.candidates) {
      candidate_points += number(x + slot / 2) + "," + number(y_of(*trial.candidates)) + " ";
    }
  }
  if (!candidate_points.empty()) {
    out << "<polyline id=\"candidate-line\" fill=\"none\" stroke=\"#1d232a\" stroke-width=\"2\" points=\""
        << candidate_points << "\"/>";
  }
  out << "</svg>\n<p class=\"muted\">Bars: tests each trial ran before the victim (red: the victim failed, "
      << "green: it passed, grey: outcome not stored). Line: candidates left.</p>\n";
}

void write_suspect_chart(std::ostream& out, const std::vector<TrialView>& trials)
{
  std::map<std::string, double> best;
  for (const auto& trial : trials) {
    for (const auto& suspect : trial.suspects) {
      best[suspect.name] = std::max(best[suspect.name], suspect.probability);
    }
  }
  if (best.empty()) {
    return;
  }
  std::vector<std::pair<std::string, double>> leading(best.begin(), best.end());
  std::stable_sort(leading.begin(), leading.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  leading.resize(std::min(leading.size(), k_max_suspect_lines));
  const double slot = k_width / static_cast<double>(std::max<std::size_t>(trials.size(), 1));
  out << "<h2>Leading suspects' probabilities</h2>\n<svg id=\"suspect-chart\" width=\"" << number(k_width)
      << "\" height=\"" << number(k_height + 4) << "\" role=\"img\">";
  for (std::size_t s = 0; s < leading.size(); ++s) {
    out << "<polyline class=\"suspect\" fill=\"none\" stroke=\"" << k_line_colours[s]
        << "\" stroke-width=\"2\" points=\"";
    for (std::size_t i = 0; i < trials.size(); ++i) {
      const auto& suspects = trials[i].suspects;
      const auto it = std::find_if(suspects.begin(), suspects.end(),
                                   [&](const auto& suspect) { return suspect.name == leading[s].first; });
      const double p = it == suspects.end() ? 0.0 : it->probability;
      out << number(slot * (static_cast<double>(i) + 0.5)) << "," << number(2 + (1.0 - p) * (k_height - 4)) << " ";
    }
    out << "\"><title>";
    write_html_escaped(out, leading[s].first);
    out << "</title></polyline>";
  }
  out << "</svg>\n<p>";
  for (std::size_t s = 0; s < leading.size(); ++s) {
    out << "<span class=\"swatch\" style=\"background:" << k_line_colours[s] << "\"></span><code>";
    write_html_escaped(out, leading[s].first);
    out << "</code> (max " << number(leading[s].second) << ")";
  }
  out << "</p>\n";
}

std::string optional_number(const std::optional<std::int64_t>& value)
{
  return value ? std::to_string(*value) : std::string("&#8212;");
}

void write_trial_table(std::ostream& out, const std::vector<TrialView>& trials)
{
  out << "<table id=\"trials\"><thead><tr><th>#</th><th>recorded</th><th>run</th><th>kind</th><th>subset</th>"
      << "<th>candidates</th><th>runs</th><th>failures</th><th>outcome</th><th>stored JSON</th></tr></thead><tbody>\n";
  for (const auto& trial : trials) {
    out << "<tr><td class=\"num\">" << trial.index << "</td><td>" << format_time(trial.recorded)
        << "</td><td class=\"num\">" << (trial.run ? std::to_string(*trial.run) : std::string("&#8212;"))
        << "</td><td>";
    write_html_escaped(out, trial.kind);
    out << "</td><td class=\"num\">" << optional_number(trial.subset_size) << "</td><td class=\"num\">"
        << optional_number(trial.candidates) << "</td><td class=\"num\">" << optional_number(trial.runs)
        << "</td><td class=\"num\">" << optional_number(trial.failures) << "</td><td>" << outcome(trial)
        << "</td><td><details><summary>" << (trial.parsed ? "JSON" : "unparsed text")
        << "</summary><pre>";
    write_html_escaped(out, trial.compact_json);
    out << "</pre></details></td></tr>\n";
  }
  out << "</tbody></table>\n";
}

void write_header(std::ostream& out, const repository::Session& session)
{
  const auto& info = session.info;
  out << "<p class=\"meta\" id=\"session-summary\">Kind <code>";
  write_html_escaped(out, info.kind);
  out << "</code>, status <strong>";
  write_html_escaped(out, info.status);
  out << "</strong>, created " << format_time(info.created) << ", updated " << format_time(info.updated) << ", "
      << session.trials.size() << " trials.</p>\n<details><summary>Configuration</summary><pre id=\"config\">";
  write_html_escaped(out, pretty(session.config_json));
  out << "</pre></details>\n<details><summary>Last saved state</summary><pre id=\"state\">";
  write_html_escaped(out, pretty(session.state_json));
  out << "</pre></details>\n";
}

} // namespace

void write_session_page(std::ostream& out, const repository::Session& session)
{
  detail::begin_document(out, "bisectr: bisect session " + std::to_string(session.info.id));
  write_header(out, session);
  std::vector<TrialView> trials;
  trials.reserve(session.trials.size());
  for (const auto& trial : session.trials) {
    trials.push_back(read_trial(trial));
  }
  out << "<h2>Trials</h2>\n";
  if (trials.empty()) {
    out << "<p id=\"no-trials\">No trial recorded yet.</p>\n";
  } else {
    write_trial_chart(out, trials);
    write_suspect_chart(out, trials);
    write_trial_table(out, trials);
  }
  detail::end_document(out);
}

void write_session_page(const std::filesystem::path& path, const repository::Session& session)
{
  detail::write_file(path, [&](std::ostream& out) { write_session_page(out, session); });
}

} // namespace bisectr::report
