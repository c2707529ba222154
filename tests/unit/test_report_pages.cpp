#include "bisectr/report/flaky_page.hpp"
#include "bisectr/report/run_page.hpp"
#include "bisectr/report/session_page.hpp"

#include "fakes/temp_dir.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <sstream>

using bisectr::model::Status;
using namespace bisectr;

namespace {

const std::string k_hostile = "<script>alert('x')</script>&\"q\"";

std::size_t count(const std::string& text, const std::string& needle)
{
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

// The page is self-contained, has no live markup from test text, and its containers are closed.
void check_document(const std::string& html,
                    const std::string& escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;q&quot;")
{
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("</html>") != std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("http://") == std::string::npos);
  CHECK(html.find("https://") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"") !=
        std::string::npos);
  CHECK(html.find(escaped) != std::string::npos);
  for (const std::string tag : {"svg", "table", "tr", "details", "section", "title", "pre"}) {
    CAPTURE(tag);
    CHECK(count(html, "<" + tag + ">") + count(html, "<" + tag + " ") == count(html, "</" + tag + ">"));
  }
}

report::FlakyPage flaky_page()
{
  report::FlakyPage page;
  for (int i = 1; i <= 6; ++i) {
    page.runs.push_back({i, model::TimePoint{std::chrono::hours{i}}});
  }
  report::HeatMapRow row;
  row.assessment.stats.test_id = k_hostile;
  row.assessment.stats.runs = 5;
  row.assessment.stats.failures = 2;
  row.assessment.verdict = report::Verdict::Flaky;
  row.assessment.worker_cluster = report::Cluster{"worker-<1>", 2, 1.0};
  row.cells = {Status::Success, Status::Fail, Status::Success, Status::Success, Status::Fail, std::nullopt};
  page.rows.push_back(row);
  page.tests_considered = 10;
  page.runs_considered = 6;
  return page;
}

model::TestResult result(const std::string& id, const std::string& worker, std::int64_t sequence, Status status)
{
  model::TestResult r;
  r.test_id = id;
  r.worker = worker;
  r.sequence = sequence;
  r.status = status;
  r.start = model::TimePoint{std::chrono::seconds{sequence}};
  r.stop = model::TimePoint{std::chrono::seconds{sequence + 1}};
  return r;
}

report::RunPage run_page()
{
  report::RunPage page;
  page.run.id = 7;
  page.run.source = "load:<evil>.subunit";
  page.results = {result("a", "worker-0", 0, Status::Success), result(k_hostile, "worker-0", 1, Status::Fail),
                  result("b", "worker-1", 0, Status::Skip)};
  auto failure = page.results[1];
  failure.attachments.push_back({"traceback", "text/x-traceback", "Traceback: <img src=x onerror=alert(1)>"});
  page.failures.push_back(failure);
  model::WorkerInfo killed;
  killed.name = "worker-1";
  killed.resources.oom_killed = true;
  killed.resources.in_progress_test = k_hostile;
  killed.resources.peak_rss_bytes = 512 * 1024 * 1024;
  killed.memory_curve = {{0.0, 10 * 1024 * 1024}, {0.5, 300 * 1024 * 1024}, {1.0, 512 * 1024 * 1024}};
  page.workers.push_back(killed);
  return page;
}

} // namespace

TEST_CASE("report::write_flaky_page")
{
  std::ostringstream out;
  report::write_flaky_page(out, flaky_page());
  const std::string html = out.str();
  check_document(html);
  SUBCASE("a heat map row per test, runs merged into runs of equal outcome")
  {
    CHECK(html.find("id=\"heat-map\"") != std::string::npos);
    CHECK(count(html, "class=\"heat\"") == 1);
    CHECK(count(html, "<rect ") == 5);
    CHECK(html.find("runs 3&#8211;4: success") != std::string::npos);
    CHECK(html.find("runs 6: did not run") != std::string::npos);
    CHECK(html.find("worker-&lt;1&gt;") != std::string::npos);
  }
  SUBCASE("no failures says so")
  {
    std::ostringstream empty;
    report::write_flaky_page(empty, report::FlakyPage{});
    CHECK(empty.str().find("id=\"no-flaky\"") != std::string::npos);
  }
  SUBCASE("the path overload writes the same document")
  {
    test::TempDir dir;
    report::write_flaky_page(dir / "flaky.html", flaky_page());
    std::ifstream file(dir / "flaky.html");
    std::stringstream text;
    text << file.rdbuf();
    CHECK(text.str() == html);
    CHECK_THROWS(report::write_flaky_page(dir / "missing" / "x.html", flaky_page()));
  }
}

TEST_CASE("report::write_run_page")
{
  std::ostringstream out;
  report::write_run_page(out, run_page());
  const std::string html = out.str();
  check_document(html);
  SUBCASE("one lane per worker, a bar per test")
  {
    CHECK(count(html, "class=\"lane-svg\"") == 2);
    CHECK(count(html, "class=\"test\"") == 3);
    CHECK(html.find("Bars are placed by start time") != std::string::npos);
  }
  SUBCASE("memory curve and the out-of-memory kill are drawn")
  {
    CHECK(count(html, "class=\"memory\"") == 1);
    CHECK(html.find("class=\"oom-kill\"") != std::string::npos);
    CHECK(html.find("killed: out of memory") != std::string::npos);
  }
  SUBCASE("tracebacks are escaped")
  {
    CHECK(html.find("<img") == std::string::npos);
    CHECK(html.find("&lt;img src=x onerror=alert(1)&gt;") != std::string::npos);
    CHECK(html.find("load:&lt;evil&gt;.subunit") != std::string::npos);
  }
  SUBCASE("without times, bars go one slot per test")
  {
    auto page = run_page();
    for (auto& r : page.results) {
      r.start.reset();
    }
    std::ostringstream slots;
    report::write_run_page(slots, page);
    CHECK(slots.str().find("execution order, one slot per test") != std::string::npos);
  }
}

TEST_CASE("report::write_session_page")
{
  repository::Session session;
  session.info.id = 3;
  session.info.kind = "bisect";
  session.info.status = "found";
  session.config_json = R"({"victim": ")" + std::string("<script>alert('x')</script>&\\\"q\\\"") + R"("})";
  session.state_json = "not json <b>";
  session.trials = {
      {0, R"({"request":{"kind":"reproduce","subset":[0,1,2,3]},"result":{"runs":3,"failures":1},"candidates":4,)"
          R"("suspects":[{"tests":["t1"],"probability":0.2},{"tests":["<script>"],"probability":0.1}]})",
       11, {}},
      {1, R"({"request":{"kind":"search","subset":[0,1]},"result":{"runs":5,"failures":0},"candidates":2,)"
          R"("suspects":{"t1":0.7,"<script>":0.05}})",
       12, {}},
      {2, "garbage <script>", std::nullopt, {}},
  };
  std::ostringstream out;
  report::write_session_page(out, session);
  const std::string html = out.str();
  check_document(html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
  CHECK(html.find("id=\"trial-chart\"") != std::string::npos);
  CHECK(count(html, "class=\"trial\"") == 3);
  CHECK(html.find("id=\"candidate-line\"") != std::string::npos);
  CHECK(html.find("id=\"suspect-chart\"") != std::string::npos);
  CHECK(count(html, "class=\"suspect\"") == 2);
  CHECK(html.find("unparsed text") != std::string::npos);
  CHECK(html.find("not json &lt;b&gt;") != std::string::npos);
  SUBCASE("a session without trials says so")
  {
    session.trials.clear();
    std::ostringstream empty;
    report::write_session_page(empty, session);
    CHECK(empty.str().find("id=\"no-trials\"") != std::string::npos);
  }
}
