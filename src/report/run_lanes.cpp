#include "run_lanes.hpp"

#include "bisectr/report/html_escape.hpp"
#include "bisectr/report/time_text.hpp"
#include "html_document.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <ostream>

namespace bisectr::report::detail {

namespace {

constexpr double k_width = 1100.0;
constexpr double k_bar_height = 22.0;
constexpr double k_memory_top = 30.0;
constexpr double k_memory_height = 56.0;

/// Where a lane's x axis comes from: wall time shared by all lanes, or one slot per test.
struct Scale {
  bool by_time = false;
  model::TimePoint origin{};
  double seconds = 1.0;        ///< the span the width shows, time mode
  std::size_t slots = 1;       ///< the longest lane, slot mode
};

double seconds_between(model::TimePoint a, model::TimePoint b)
{
  return std::chrono::duration<double>(b - a).count();
}

Scale make_scale(const std::vector<Lane>& lanes)
{
  Scale scale;
  std::optional<model::TimePoint> first;
  std::optional<model::TimePoint> last;
  bool all_timed = true;
  for (const auto& lane : lanes) {
    scale.slots = std::max(scale.slots, lane.results.size());
    for (const auto* result : lane.results) {
      if (!result->start || !result->stop) {
        all_timed = false;
        continue;
      }
      first = first ? std::min(*first, *result->start) : *result->start;
      last = last ? std::max(*last, *result->stop) : *result->stop;
    }
  }
  if (all_timed && first && last && *last > *first) {
    scale.by_time = true;
    scale.origin = *first;
    scale.seconds = seconds_between(*first, *last);
  }
  return scale;
}

void write_bar(std::ostream& out, const model::TestResult& result, double x, double width)
{
  out << "<rect class=\"test\" x=\"" << number(x) << "\" y=\"0\" width=\"" << number(std::max(width, 0.6))
      << "\" height=\"" << number(k_bar_height) << "\" fill=\"" << status_colour(result.status) << "\"><title>#"
      << result.sequence << " ";
  write_html_escaped(out, result.test_id);
  out << " &#8212; " << model::to_string(result.status) << ", " << format_seconds(result.duration_seconds())
      << "</title></rect>";
}

void write_bars(std::ostream& out, const Lane& lane, const Scale& scale)
{
  const double slot = k_width / static_cast<double>(scale.slots);
  for (std::size_t i = 0; i < lane.results.size(); ++i) {
    const auto& result = *lane.results[i];
    if (scale.by_time) {
      const double x = seconds_between(scale.origin, *result.start) / scale.seconds * k_width;
      write_bar(out, result, x, result.duration_seconds() / scale.seconds * k_width);
    } else {
      write_bar(out, result, slot * static_cast<double>(i), slot * 0.9);
    }
  }
}

// The curve is drawn against the lane's own start: memory samples count from the worker's start,
// which is taken to be its first test's start.
double memory_x(const Lane& lane, const Scale& scale, double sample_seconds, double curve_seconds)
{
  if (scale.by_time && lane.results.front()->start) {
    const double offset = seconds_between(scale.origin, *lane.results.front()->start);
    return std::min((offset + sample_seconds) / scale.seconds, 1.0) * k_width;
  }
  return curve_seconds > 0.0 ? sample_seconds / curve_seconds * k_width : 0.0;
}

void write_memory(std::ostream& out, const Lane& lane, const Scale& scale, std::int64_t peak)
{
  const auto& curve = lane.info->memory_curve;
  const double curve_seconds = curve.back().seconds;
  const double base = k_memory_top + k_memory_height;
  out << "<rect x=\"0\" y=\"" << number(k_memory_top) << "\" width=\"" << number(k_width) << "\" height=\""
      << number(k_memory_height) << "\" fill=\"#f5f7fb\"/><polyline class=\"memory\" fill=\"none\" "
      << "stroke=\"#3568c9\" stroke-width=\"1.5\" points=\"";
  for (const auto& point : curve) {
    const double y = base - static_cast<double>(point.rss_bytes) / static_cast<double>(peak) * k_memory_height;
    out << number(memory_x(lane, scale, point.seconds, curve_seconds)) << "," << number(y) << " ";
  }
  out << "\"/><text x=\"4\" y=\"" << number(k_memory_top + 12) << "\">memory, peak "
      << format_bytes(static_cast<double>(lane.info->resources.peak_rss_bytes)) << " (scale "
      << format_bytes(static_cast<double>(peak)) << ")</text>";
}

void write_kill_marker(std::ostream& out, const Lane& lane, double height)
{
  const auto& resources = lane.info->resources;
  if (!resources.oom_killed && !resources.timed_out) {
    return;
  }
  const char* label = resources.oom_killed ? "OOM kill" : "timeout";
  const double x = k_width - 2;
  out << "<g class=\"" << (resources.oom_killed ? "oom-kill" : "timeout") << "\"><line x1=\"" << number(x)
      << "\" y1=\"0\" x2=\"" << number(x) << "\" y2=\"" << number(height) << "\" stroke=\"#b00020\" "
      << "stroke-width=\"3\"/><text x=\"" << number(x - 70) << "\" y=\"" << number(k_bar_height + 2 + 10)
      << "\" style=\"fill:#b00020;font-weight:600\">" << label << "</text><title>" << label << " while running ";
  write_html_escaped(out, resources.in_progress_test);
  out << "</title></g>";
}

std::int64_t peak_memory(const std::vector<Lane>& lanes)
{
  std::int64_t peak = 1;
  for (const auto& lane : lanes) {
    if (lane.info != nullptr) {
      for (const auto& point : lane.info->memory_curve) {
        peak = std::max(peak, point.rss_bytes);
      }
    }
  }
  return peak;
}

void write_lane_caption(std::ostream& out, const Lane& lane)
{
  out << "<h3>";
  write_html_escaped(out, lane.worker.empty() ? std::string("(no worker)") : lane.worker);
  out << " <span class=\"muted\">" << lane.results.size() << " tests</span>";
  if (lane.info != nullptr && lane.info->resources.oom_killed) {
    out << " <span class=\"oom\">killed: out of memory while running <code>";
    write_html_escaped(out, lane.info->resources.in_progress_test);
    out << "</code></span>";
  } else if (lane.info != nullptr && lane.info->resources.timed_out) {
    out << " <span class=\"oom\">timed out while running <code>";
    write_html_escaped(out, lane.info->resources.in_progress_test);
    out << "</code></span>";
  }
  out << "</h3>\n";
}

} // namespace

std::vector<Lane> make_lanes(const std::vector<model::TestResult>& results,
                             const std::vector<model::WorkerInfo>& workers)
{
  std::map<std::string, Lane> by_worker;
  for (const auto& result : results) {
    auto& lane = by_worker[result.worker];
    lane.worker = result.worker;
    lane.results.push_back(&result);
  }
  for (const auto& worker : workers) {
    auto& lane = by_worker[worker.name];
    lane.worker = worker.name;
    lane.info = &worker;
  }
  std::vector<Lane> lanes;
  for (auto& [name, lane] : by_worker) {
    std::stable_sort(lane.results.begin(), lane.results.end(),
                     [](const auto* a, const auto* b) { return a->sequence < b->sequence; });
    lanes.push_back(std::move(lane));
  }
  return lanes;
}

void write_lanes(std::ostream& out, const std::vector<Lane>& lanes)
{
  const Scale scale = make_scale(lanes);
  const std::int64_t peak = peak_memory(lanes);
  out << "<p class=\"meta\">Bars are placed by "
      << (scale.by_time ? "start time (shared axis, " + format_seconds(scale.seconds) + " wide)"
                        : std::string("execution order, one slot per test"))
      << "; hover a bar for the test.</p>\n";
  for (const auto& lane : lanes) {
    const bool has_memory = lane.info != nullptr && !lane.info->memory_curve.empty() && !lane.results.empty();
    const double height = has_memory ? k_memory_top + k_memory_height + 2 : k_bar_height + 16;
    out << "<div class=\"lane\">";
    write_lane_caption(out, lane);
    out << "<svg class=\"lane-svg\" width=\"" << number(k_width) << "\" height=\"" << number(height)
        << "\" role=\"img\">";
    write_bars(out, lane, scale);
    if (has_memory) {
      write_memory(out, lane, scale, peak);
    }
    if (lane.info != nullptr) {
      write_kill_marker(out, lane, height);
    }
    out << "</svg></div>\n";
  }
}

} // namespace bisectr::report::detail
