// Writers: round trips through our own readers, and interop with Debian's python-subunit and
// junitparser (skipped with a MESSAGE when /usr/bin/python3 lacks them).
#include "bisectr/stream/writer.hpp"

#include "fakes/temp_dir.hpp"
#include "test_stream_support.hpp"

#include <doctest/doctest.h>

#include <map>
#include <sstream>

using namespace bisectr;
using bisectr::model::Status;

namespace {

const std::vector<std::string> k_samples = {"stestr-parallel2.v2.subunit", "stestr-parallel2.v1.subunit",
                                            "roundtrip-1to2.v2.subunit",   "subunit-run.v2.subunit",
                                            "pytest.junit.xml",            "pytest-xdist2.junit.xml",
                                            "subunit2junitxml.xml"};

std::vector<model::TestResult> read_any(const std::string& bytes)
{
  std::istringstream in(bytes);
  return test::parse_results(bytes, stream::detect_format(in));
}

std::string write_all(const std::vector<model::TestResult>& results, stream::Format format)
{
  std::ostringstream out;
  auto writer = stream::make_writer(format, out);
  for (const auto& result : results) {
    writer->write(result);
  }
  writer->finish();
  return out.str();
}

// "id status" lines per worker, in each worker's order.
std::map<std::string, std::vector<std::string>> by_worker(const std::vector<model::TestResult>& results)
{
  std::map<std::string, std::vector<std::string>> lines;
  for (const auto& r : results) {
    lines[r.worker].push_back(r.test_id + " " + std::string(model::to_string(r.status)));
  }
  return lines;
}

bool python_has(const std::string& module)
{
  return test::run_command("/usr/bin/python3 -c 'import " + module + "' 2>/dev/null").second;
}

std::string write_file(const test::TempDir& dir, const std::string& name, const std::string& bytes)
{
  const auto path = (dir / name).string();
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

// A python program printing "id status worker" per test as python-subunit reads a v2 stream.
constexpr const char* k_subunit_dump = R"(import sys, subunit, testtools
def show(test):
    workers = [t for t in (test['tags'] or ()) if t.startswith('worker-')]
    print(test['id'], test['status'], workers[0] if workers else '')
result = testtools.StreamToDict(show)
result.startTestRun()
subunit.ByteStreamToStreamResult(sys.stdin.buffer, non_subunit_name='stdout').run(result)
result.stopTestRun()
)";

constexpr const char* k_junit_dump = R"(import sys
from junitparser import JUnitXml, Failure, Error, Skipped
for suite in JUnitXml.fromfile(sys.argv[1]):
    for case in suite:
        kinds = [type(r) for r in case.result]
        status = 'fail' if Failure in kinds else 'error' if Error in kinds else 'skip' if Skipped in kinds else 'success'
        name = case.classname + '.' + case.name if case.classname else case.name
        print(name, status, suite.name)
)";

std::string expected_lines(const std::vector<model::TestResult>& results, bool error_as_fail)
{
  std::string lines;
  for (const auto& r : results) {
    const Status status = error_as_fail && r.status == Status::Error ? Status::Fail : r.status;
    lines += r.test_id + " " + std::string(model::to_string(status)) + " " + r.worker + "\n";
  }
  return lines;
}

} // namespace

TEST_CASE("stream::make_writer round trips")
{
  for (const auto& name : k_samples) {
    const auto original = read_any(test::sample(name));
    REQUIRE(!original.empty());
    for (auto format : {stream::Format::SubunitV2, stream::Format::SubunitV1, stream::Format::JUnit}) {
      CAPTURE(name);
      CAPTURE(std::string(stream::to_string(format)));
      const auto again = test::parse_results(write_all(original, format), format);
      REQUIRE(again.size() == original.size());
      CHECK(by_worker(again) == by_worker(original));
      if (format == stream::Format::JUnit) {
        continue;  // grouped by worker: the order within each worker is what survives
      }
      for (std::size_t i = 0; i < original.size(); ++i) {
        CHECK(again[i].test_id == original[i].test_id);
        CHECK(again[i].sequence == original[i].sequence);
        CHECK(again[i].attachments.size() == original[i].attachments.size());
        if (!original[i].attachments.empty()) {
          CHECK(again[i].attachments[0].bytes == original[i].attachments[0].bytes);
        }
        CHECK(again[i].start.has_value() == original[i].start.has_value());
      }
    }
  }
}

TEST_CASE("stream::make_writer edge cases")
{
  model::TestResult result;
  result.test_id = "pkg.Test.test_<script>&\"x\"";
  result.status = Status::UxSuccess;
  result.worker = "worker-7";
  result.tags = {"slow"};
  result.start = model::TimePoint{std::chrono::seconds{1763766000}} + std::chrono::nanoseconds{123456789};
  result.stop = *result.start + std::chrono::milliseconds{1500};
  result.attachments = {{"traceback", "text/plain", std::string(5 * 1024 * 1024, 'x') + "\x01\xFF end"},
                        {"stdout", "", ""}};
  SUBCASE("subunit v2 splits a 5 MiB attachment into packets and keeps nanoseconds, tags, route")
  {
    const auto again = test::parse_results(write_all({result}, stream::Format::SubunitV2), stream::Format::SubunitV2);
    REQUIRE(again.size() == 1);
    CHECK(again[0].test_id == result.test_id);
    CHECK(again[0].status == Status::UxSuccess);
    CHECK(again[0].worker == "worker-7");
    CHECK(again[0].tags == std::vector<std::string>{"slow"});
    CHECK(again[0].start == result.start);
    CHECK(again[0].stop == result.stop);
    REQUIRE(again[0].attachments.size() == 2);
    CHECK(again[0].attachments[0].bytes == result.attachments[0].bytes);
    CHECK(again[0].attachments[0].mime_type == "text/plain");
  }
  SUBCASE("JUnit escapes markup and replaces bytes XML cannot carry")
  {
    const std::string xml = write_all({result}, stream::Format::JUnit);
    CHECK(xml.find("<script>") == std::string::npos);
    const auto again = test::parse_results(xml, stream::Format::JUnit);
    REQUIRE(again.size() == 1);
    CHECK(again[0].test_id == result.test_id);
    CHECK(again[0].status == Status::UxSuccess);
    CHECK(again[0].worker == "worker-7");
    CHECK(again[0].duration_seconds() == doctest::Approx(1.5));
  }
  SUBCASE("subunit v1 keeps the outcome, worker and details")
  {
    result.attachments[0].bytes = "line\n]\nend";
    const auto again = test::parse_results(write_all({result}, stream::Format::SubunitV1), stream::Format::SubunitV1);
    REQUIRE(again.size() == 1);
    CHECK(again[0].status == Status::UxSuccess);
    CHECK(again[0].worker == "worker-7");
    CHECK(again[0].attachments.at(0).bytes == "line\n]\nend");
  }
}

TEST_CASE("stream::make_writer interop with python-subunit and junitparser")
{
  test::TempDir dir;
  auto results = read_any(test::sample("stestr-parallel2.v2.subunit"));
  // The sample has only success and fail: add one of every other outcome.
  for (Status status : {Status::Skip, Status::XFail, Status::UxSuccess, Status::Error}) {
    model::TestResult extra;
    extra.test_id = "extra.Outcome.test_" + std::string(model::to_string(status));
    extra.status = status;
    extra.worker = "worker-1";
    extra.attachments = {{"traceback", "text/plain", "why\n"}};
    results.push_back(extra);
  }
  const std::string script = write_file(dir, "dump.py", k_subunit_dump);
  const bool has_subunit = python_has("subunit") && python_has("testtools");
  SUBCASE("python-subunit reads the v2 writer's output")
  {
    if (!has_subunit) {
      MESSAGE("skipped: /usr/bin/python3 lacks subunit/testtools");
      return;
    }
    const auto v2 = write_file(dir, "out.v2", write_all(results, stream::Format::SubunitV2));
    const auto [out, ok] = test::run_command("/usr/bin/python3 " + script + " < " + v2);
    CHECK(ok);
    CHECK(out == expected_lines(results, true));
    // subunit-ls exits 1 when the stream has failures; 2 and above are its errors.
    const auto [listed, ls_ok] = test::run_command("subunit-ls --no-passthrough < " + v2 + "; test $? -le 1");
    CHECK(ls_ok);
    CHECK(std::count(listed.begin(), listed.end(), '\n') == 357 + 4);
  }
  SUBCASE("python-subunit's subunit-1to2 reads the v1 writer's output")
  {
    if (!has_subunit) {
      MESSAGE("skipped: /usr/bin/python3 lacks subunit/testtools");
      return;
    }
    const auto v1 = write_file(dir, "out.v1", write_all(results, stream::Format::SubunitV1));
    const auto [out, ok] = test::run_command("subunit-1to2 < " + v1 + " | /usr/bin/python3 " + script);
    CHECK(ok);
    CHECK(out == expected_lines(results, true));
  }
  SUBCASE("junitparser reads the JUnit writer's output")
  {
    if (!python_has("junitparser")) {
      MESSAGE("skipped: /usr/bin/python3 lacks junitparser");
      return;
    }
    const auto xml = write_file(dir, "out.xml", write_all(results, stream::Format::JUnit));
    const auto junit_script = write_file(dir, "junit.py", k_junit_dump);
    const auto [out, ok] = test::run_command("/usr/bin/python3 " + junit_script + " " + xml);
    CHECK(ok);
    // Grouped by worker; JUnit has no xfail or uxsuccess (written as skipped and failure).
    std::vector<model::TestResult> grouped;
    for (const char* worker : {"worker-0", "worker-1"}) {
      for (auto r : results) {
        if (r.worker == worker) {
          r.status = r.status == Status::XFail ? Status::Skip : r.status == Status::UxSuccess ? Status::Fail : r.status;
          grouped.push_back(r);
        }
      }
    }
    CHECK(out == expected_lines(grouped, false));
  }
}
