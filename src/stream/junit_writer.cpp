#include "bisectr/stream/junit_writer.hpp"

#include "bisectr/stream/timestamp.hpp"
#include "bisectr/stream/utf8.hpp"

#include <pugixml.hpp>

#include <algorithm>
#include <cstdio>

namespace bisectr::stream {

namespace {

using model::Status;

// pugixml escapes markup but writes control characters and bad UTF-8 as they are.
std::string xml_safe(std::string text)
{
  const bool valid = is_valid_utf8(text);
  for (char& c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\t' && c != '\n' && c != '\r') || byte == 0x7F || (!valid && byte >= 0x80)) {
      c = '?';
    }
  }
  return text;
}

std::string seconds_text(double seconds)
{
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.6f", seconds);
  return buffer;
}

std::pair<std::string, std::string> split_id(const std::string& id)
{
  const std::size_t limit = id.find('[');
  const std::size_t dot = id.rfind('.', limit == std::string::npos ? std::string::npos : limit);
  if (dot == std::string::npos || dot == 0 || dot + 1 == id.size()) {
    return {"", id};
  }
  return {id.substr(0, dot), id.substr(dot + 1)};
}

const model::Attachment* find_attachment(const model::TestResult& result, std::string_view name)
{
  auto it = std::find_if(result.attachments.begin(), result.attachments.end(),
                         [&](const auto& attachment) { return attachment.name == name; });
  return it == result.attachments.end() ? nullptr : &*it;
}

std::string attachment_text(const model::TestResult& result, std::string_view name)
{
  const auto* attachment = find_attachment(result, name);
  return attachment == nullptr ? std::string() : xml_safe(attachment->bytes);
}

void add_outcome(pugi::xml_node testcase, const model::TestResult& result)
{
  const std::string traceback = attachment_text(result, "traceback");
  const std::string first_line = traceback.substr(0, traceback.find('\n'));
  pugi::xml_node node;
  switch (result.status) {
  case Status::Fail:
  case Status::UxSuccess:
    node = testcase.append_child("failure");
    node.append_attribute("message") = result.status == Status::UxSuccess ? "unexpected success" : first_line.c_str();
    node.append_attribute("type") = result.status == Status::UxSuccess ? "uxsuccess" : "fail";
    node.text() = traceback.c_str();
    break;
  case Status::Error:
    node = testcase.append_child("error");
    node.append_attribute("message") = first_line.c_str();
    node.text() = traceback.c_str();
    break;
  case Status::Skip:
  case Status::XFail:
    node = testcase.append_child("skipped");
    if (result.status == Status::XFail) {
      node.append_attribute("type") = "pytest.xfail";
    }
    node.append_attribute("message") = attachment_text(result, "reason").c_str();
    break;
  default: break;
  }
}

void add_output(pugi::xml_node testcase, const model::TestResult& result)
{
  if (const std::string out = attachment_text(result, "stdout"); !out.empty()) {
    testcase.append_child("system-out").text() = out.c_str();
  }
  if (const std::string err = attachment_text(result, "stderr"); !err.empty()) {
    testcase.append_child("system-err").text() = err.c_str();
  }
}

} // namespace

struct JUnitWriter::Suites {
  struct Suite {
    std::string name;
    pugi::xml_node node;
    std::int64_t tests = 0;
    std::int64_t failures = 0;
    std::int64_t errors = 0;
    std::int64_t skipped = 0;
    double seconds = 0.0;
    std::optional<model::TimePoint> first_start;
  };
  pugi::xml_document document;
  pugi::xml_node root;
  std::vector<Suite> suites;

  Suite& suite_for(const std::string& worker)
  {
    const std::string name = worker.empty() ? "bisectr" : worker;
    auto it = std::find_if(suites.begin(), suites.end(), [&](const Suite& suite) { return suite.name == name; });
    if (it != suites.end()) {
      return *it;
    }
    Suite suite;
    suite.name = name;
    suite.node = root.append_child("testsuite");
    suite.node.append_attribute("name") = xml_safe(name).c_str();
    suites.push_back(std::move(suite));
    return suites.back();
  }
};

JUnitWriter::JUnitWriter(std::ostream& out) : m_out(out), m_suites(std::make_unique<Suites>())
{
  m_suites->root = m_suites->document.append_child("testsuites");
}

JUnitWriter::~JUnitWriter() = default;

void JUnitWriter::write(const model::TestResult& result)
{
  auto& suite = m_suites->suite_for(result.worker);
  auto testcase = suite.node.append_child("testcase");
  const auto [classname, name] = split_id(xml_safe(result.test_id));
  testcase.append_attribute("classname") = classname.c_str();
  testcase.append_attribute("name") = name.c_str();
  testcase.append_attribute("time") = seconds_text(result.duration_seconds()).c_str();
  add_outcome(testcase, result);
  add_output(testcase, result);
  suite.tests += 1;
  suite.failures += result.status == Status::Fail || result.status == Status::UxSuccess ? 1 : 0;
  suite.errors += result.status == Status::Error ? 1 : 0;
  suite.skipped += result.status == Status::Skip || result.status == Status::XFail ? 1 : 0;
  suite.seconds += result.duration_seconds();
  if (result.start && (!suite.first_start || *result.start < *suite.first_start)) {
    suite.first_start = result.start;
  }
}

void JUnitWriter::finish()
{
  std::int64_t tests = 0;
  std::int64_t failures = 0;
  std::int64_t errors = 0;
  std::int64_t skipped = 0;
  double seconds = 0.0;
  for (auto& suite : m_suites->suites) {
    suite.node.append_attribute("tests") = static_cast<long long>(suite.tests);
    suite.node.append_attribute("failures") = static_cast<long long>(suite.failures);
    suite.node.append_attribute("errors") = static_cast<long long>(suite.errors);
    suite.node.append_attribute("skipped") = static_cast<long long>(suite.skipped);
    suite.node.append_attribute("time") = seconds_text(suite.seconds).c_str();
    if (suite.first_start) {
      suite.node.append_attribute("timestamp") = format_iso8601(*suite.first_start, 'T').c_str();
    }
    tests += suite.tests;
    failures += suite.failures;
    errors += suite.errors;
    skipped += suite.skipped;
    seconds += suite.seconds;
  }
  m_suites->root.append_attribute("tests") = static_cast<long long>(tests);
  m_suites->root.append_attribute("failures") = static_cast<long long>(failures);
  m_suites->root.append_attribute("errors") = static_cast<long long>(errors);
  m_suites->root.append_attribute("skipped") = static_cast<long long>(skipped);
  m_suites->root.append_attribute("time") = seconds_text(seconds).c_str();
  m_suites->document.save(m_out, "  ", pugi::format_default, pugi::encoding_utf8);
  m_out.flush();
}

} // namespace bisectr::stream
