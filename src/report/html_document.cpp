#include "html_document.hpp"

#include "bisectr/report/html_escape.hpp"
#include "bisectr/util/error.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <ostream>

namespace bisectr::report::detail {

namespace {

// Everything inline: the report is opened on offline machines, so no font, script or CDN.
constexpr std::string_view k_style = R"css(
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1d232a;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #dde}
p.meta{color:#556;margin:0 0 16px}
table{border-collapse:collapse;margin:4px 0 12px}
th,td{padding:3px 8px;border-bottom:1px solid #eef;text-align:left;vertical-align:top}
th{background:#f4f6fa;font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.id,code{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px;word-break:break-all}
td.id{max-width:520px}
pre{background:#f7f7f9;border:1px solid #e3e3ea;padding:8px;overflow:auto;max-height:360px;font-size:12px;white-space:pre-wrap}
.swatch{display:inline-block;width:12px;height:12px;border-radius:2px;margin:0 4px 0 12px;vertical-align:-1px}
.lane{margin:0 0 14px}.lane h3{font-size:14px;margin:8px 0 2px}
.oom{color:#b00020;font-weight:600}.muted{color:#778}
svg{display:block}svg text{font:11px system-ui,sans-serif;fill:#445}
)css";

} // namespace

void begin_document(std::ostream& out, std::string_view title)
{
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<meta name=\"generator\" content=\"bisectr\">\n"
      // Defence in depth behind the escaping: the page may load nothing and run no script at all.
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
      << "<title>";
  write_html_escaped(out, title);
  out << "</title>\n<style>" << k_style << "</style>\n</head>\n<body>\n<h1>";
  write_html_escaped(out, title);
  out << "</h1>\n";
}

void end_document(std::ostream& out)
{
  out << "</body>\n</html>\n";
}

std::string_view status_colour(std::optional<model::Status> status)
{
  if (!status) {
    return "#e4e6eb";
  }
  if (model::is_failure(*status)) {
    return "#d93f3f";
  }
  switch (*status) {
  case model::Status::Success: return "#3fa45b";
  case model::Status::XFail: return "#8fcf9f";
  case model::Status::Skip: return "#f0c04a";
  default: return "#9aa0ab";
  }
}

void write_legend(std::ostream& out)
{
  struct Entry {
    std::optional<model::Status> status;
    const char* label;
  };
  constexpr Entry k_entries[] = {{model::Status::Success, "pass"},      {model::Status::XFail, "expected failure"},
                                 {model::Status::Fail, "fail / error"}, {model::Status::Skip, "skip"},
                                 {model::Status::InProgress, "other"},  {std::nullopt, "did not run"}};
  out << "<p class=\"legend\">";
  for (const auto& entry : k_entries) {
    out << "<span class=\"swatch\" style=\"background:" << status_colour(entry.status) << "\"></span>"
        << entry.label;
  }
  out << "</p>\n";
}

std::string number(double value)
{
  if (!std::isfinite(value)) {
    return "0";
  }
  char text[40];
  std::snprintf(text, sizeof text, "%.2f", value);
  std::string result = text;
  while (result.back() == '0') {
    result.pop_back();
  }
  if (result.back() == '.') {
    result.pop_back();
  }
  return result == "-0" ? "0" : result;
}

void write_file(const std::filesystem::path& path, const std::function<void(std::ostream&)>& write)
{
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) {
    throw util::Error("cannot write " + path.string());
  }
  write(out);
  out.flush();
  if (!out) {
    throw util::Error("cannot write " + path.string() + " (disk full?)");
  }
}

} // namespace bisectr::report::detail
