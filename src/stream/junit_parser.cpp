#include "bisectr/stream/junit_parser.hpp"

#include "bisectr/stream/limits.hpp"
#include "bisectr/stream/utf8.hpp"

#include "bisectr/stream/timestamp.hpp"
#include "bisectr/util/error.hpp"

#include <pugixml.hpp>

#include <cmath>
#include <cstring>
#include <utility>
#include <vector>

namespace bisectr::stream {

namespace {

using model::Status;

std::string test_id_of(const pugi::xml_node& testcase)
{
  const std::string classname = testcase.attribute("classname").as_string();
  const std::string name = testcase.attribute("name").as_string();
  if (classname.empty() || classname == name) {
    return name;
  }
  return classname + "." + name;
}

// "worker-N" for a suite named worker-N or gwN, "" otherwise.
std::string worker_of(std::string_view suite_name)
{
  std::string_view digits;
  if (suite_name.starts_with("worker-")) {
    digits = suite_name.substr(7);
  } else if (suite_name.starts_with("gw")) {
    digits = suite_name.substr(2);
  }
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return "";
  }
  return "worker-" + std::string(digits);
}

Status status_of(const pugi::xml_node& testcase)
{
  if (const auto failure = testcase.child("failure")) {
    return std::string_view(failure.attribute("type").as_string()) == "uxsuccess" ? Status::UxSuccess : Status::Fail;
  }
  if (testcase.child("error")) {
    return Status::Error;
  }
  if (const auto skipped = testcase.child("skipped")) {
    return std::string_view(skipped.attribute("type").as_string()) == "pytest.xfail" ? Status::XFail : Status::Skip;
  }
  if (std::string_view(testcase.attribute("status").as_string()) == "notrun" ||
      std::string_view(testcase.attribute("result").as_string()) == "skipped") {
    return Status::Skip;
  }
  return Status::Success;
}

// Message and text of a failure/error/skipped element, joined by a newline.
std::string detail_text(const pugi::xml_node& node)
{
  std::string message = node.attribute("message").as_string();
  const std::string text = node.text().as_string();
  if (!message.empty() && !text.empty() && text.find(message) == std::string::npos) {
    return message + "\n" + text;
  }
  return text.empty() ? message : text;
}

class Emitter
{
public:
  explicit Emitter(const EventHandler& handler) : m_handler(handler) {}

  void test_case(const pugi::xml_node& testcase, model::TimePoint start, const std::string& worker, double seconds)
  {
    model::Event event;
    event.test_id = test_id_of(testcase);
    event.status = Status::InProgress;
    event.timestamp = start;
    if (!worker.empty()) {
      event.tags.push_back(worker);
    }
    m_handler(event);
    const Status status = status_of(testcase);
    for (const char* element : {"failure", "error"}) {
      if (const auto node = testcase.child(element)) {
        attach(event, "traceback", "text/x-traceback;charset=utf8", detail_text(node));
      }
    }
    if (const auto node = testcase.child("skipped")) {
      attach(event, "reason", "text/plain;charset=utf8", detail_text(node));
    }
    attach(event, "stdout", "text/plain;charset=utf8", testcase.child("system-out").text().as_string());
    attach(event, "stderr", "text/plain;charset=utf8", testcase.child("system-err").text().as_string());
    event.file.reset();
    event.status = status;
    event.timestamp = start + std::chrono::nanoseconds{static_cast<std::int64_t>(std::llround(seconds * 1e9))};
    m_handler(event);
  }

private:
  void attach(model::Event& event, const char* name, const char* mime, std::string text)
  {
    if (text.empty()) {
      return;
    }
    event.status = Status::Undefined;
    event.file = model::FileChunk{name, mime, std::move(text), true};
    m_handler(event);
  }

  const EventHandler& m_handler;
};

double seconds_of(const pugi::xml_node& testcase)
{
  const double seconds = testcase.attribute("time").as_double(0.0);
  return std::isfinite(seconds) && seconds > 0.0 && seconds < 1e9 ? seconds : 0.0;
}

// A declared encoding other than UTF-8 is converted by pugixml; bytes that lie about it are
// refused, and so are names too long to be a test's.
void check_test_name(const pugi::xml_node& testcase, const std::string& source)
{
  static_assert(k_max_test_id_bytes == 65536, "the refusal below names the limit");
  const std::string_view classname = testcase.attribute("classname").as_string();
  const std::string_view name = testcase.attribute("name").as_string();
  const char* problem = classname.size() + name.size() > k_max_test_id_bytes ? "junit: test name longer than 65536 bytes"
                        : !is_valid_utf8(classname) || !is_valid_utf8(name) ? "junit: test name is not valid UTF-8"
                                                                              : nullptr;
  if (problem != nullptr) {
    throw util::ParseError(problem, source,
                           static_cast<std::uint64_t>(std::max<std::ptrdiff_t>(0, testcase.offset_debug())));
  }
}

// Walks testsuite elements with an explicit stack (no recursion, so any depth is safe), emitting their test cases in document order.
void walk(const pugi::xml_node& root, const EventHandler& handler, const std::string& source)
{
  Emitter emitter(handler);
  struct Frame {
    pugi::xml_node suite;
    std::string worker;
  };
  std::vector<Frame> stack{{root, worker_of(root.attribute("name").as_string())}};
  while (!stack.empty()) {
    Frame frame = std::move(stack.back());
    stack.pop_back();
    const auto timestamp = parse_iso8601(frame.suite.attribute("timestamp").as_string());
    model::TimePoint clock = timestamp.value_or(model::TimePoint{});
    std::vector<Frame> children;
    for (const auto& child : frame.suite.children()) {
      if (std::strcmp(child.name(), "testcase") == 0) {
        check_test_name(child, source);
        const double seconds = seconds_of(child);
        emitter.test_case(child, clock, frame.worker, seconds);
        clock += std::chrono::nanoseconds{static_cast<std::int64_t>(std::llround(seconds * 1e9))};
      } else if (std::strcmp(child.name(), "testsuite") == 0) {
        const std::string worker = worker_of(child.attribute("name").as_string());
        children.push_back({child, worker.empty() ? frame.worker : worker});
      }
    }
    stack.insert(stack.end(), std::make_move_iterator(children.rbegin()), std::make_move_iterator(children.rend()));
  }
}

} // namespace

JUnitParser::JUnitParser(std::string source_name, EventHandler handler)
  : m_source(std::move(source_name)), m_handler(std::move(handler))
{
}

void JUnitParser::feed(std::string_view bytes)
{
  if (m_buffer.size() + bytes.size() > k_max_document) {
    throw util::ParseError("junit: document larger than " + std::to_string(k_max_document) + " bytes", m_source,
                           m_buffer.size());
  }
  m_buffer.append(bytes);
}

void JUnitParser::finish()
{
  pugi::xml_document document;
  const auto result = document.load_buffer(m_buffer.data(), m_buffer.size(), pugi::parse_default | pugi::parse_doctype);
  if (!result) {
    throw util::ParseError(std::string("junit: malformed XML (") + result.description() + ")", m_source,
                           static_cast<std::uint64_t>(result.offset));
  }
  for (const auto& node : document.children()) {
    if (node.type() == pugi::node_doctype) {
      const auto at = m_buffer.find("<!DOCTYPE");
      throw util::ParseError("junit: DOCTYPE refused (entities are not expanded)", m_source,
                             at == std::string::npos ? 0 : at);
    }
  }
  const pugi::xml_node root = document.document_element();
  const std::string_view root_name = root.name();
  if (root_name != "testsuites" && root_name != "testsuite") {
    throw util::ParseError("junit: root element is <" + std::string(root_name) + ">, expected <testsuites> or <testsuite>",
                           m_source, 0);
  }
  walk(root, m_handler, m_source);
  m_buffer.clear();
  m_buffer.shrink_to_fit();
}

} // namespace bisectr::stream
