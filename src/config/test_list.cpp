#include "bisectr/config/test_list.hpp"

#include "bisectr/util/error.hpp"

#include <nlohmann/json.hpp>

namespace bisectr::config {

namespace {

constexpr std::string_view k_space = " \t\r\n\f\v";

std::string_view trim(std::string_view text)
{
  const std::size_t first = text.find_first_not_of(k_space);
  if (first == std::string_view::npos) {
    return {};
  }
  const std::size_t last = text.find_last_not_of(k_space);
  return text.substr(first, last - first + 1);
}

// Calls `line_handler` for each line without its '\n'; stops when it returns false.
template <typename Handler> void for_each_line(std::string_view text, Handler line_handler)
{
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    if (!line_handler(text.substr(pos, end - pos))) {
      return;
    }
    pos = end + 1;
  }
}

std::vector<std::string> parse_lines(std::string_view output)
{
  std::vector<std::string> ids;
  for_each_line(output, [&](std::string_view line) {
    const std::string_view id = trim(line);
    if (!id.empty()) {
      ids.emplace_back(id);
    }
    return true;
  });
  return ids;
}

// "Suite." then indented "test" lines; anything else (gtest_main's "Running main() from ...") is skipped.
std::vector<std::string> parse_gtest(std::string_view output)
{
  std::vector<std::string> ids;
  std::string suite;
  for_each_line(output, [&](std::string_view line) {
    const bool indented = !line.empty() && (line.front() == ' ' || line.front() == '\t');
    const std::string_view name = trim(line.substr(0, line.find('#')));
    if (name.empty()) {
      return true;
    }
    if (!indented) {
      suite = name.ends_with('.') ? std::string(name) : std::string();
    } else if (!suite.empty()) {
      ids.push_back(suite + std::string(name));
    }
    return true;
  });
  return ids;
}

// Node ids come first, one a line, up to the first blank line (the summary follows it).
std::vector<std::string> parse_pytest(std::string_view output)
{
  std::vector<std::string> ids;
  bool started = false;
  for_each_line(output, [&](std::string_view line) {
    const std::string_view id = trim(line);
    if (id.empty()) {
      return !started;
    }
    const bool is_node = line.front() != ' ' && id.find("::") != std::string_view::npos;
    if (is_node) {
      ids.emplace_back(id);
      started = true;
    }
    return true;
  });
  return ids;
}

std::vector<std::string> parse_ctest(std::string_view output)
{
  const std::string source = "ctest --show-only=json-v1 output";
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(output);
  } catch (const nlohmann::json::parse_error& error) {
    throw util::ParseError("malformed JSON", source, error.byte);
  }
  const auto tests = document.find("tests");
  if (!document.is_object() || tests == document.end() || !tests->is_array()) {
    throw util::ParseError("no \"tests\" array", source, 0);
  }
  std::vector<std::string> ids;
  for (const nlohmann::json& test : *tests) {
    const auto name = test.find("name");
    if (!test.is_object() || name == test.end() || !name->is_string()) {
      throw util::ParseError("a test without a \"name\" string", source, 0);
    }
    ids.push_back(name->get<std::string>());
  }
  return ids;
}

} // namespace

std::vector<std::string> parse_test_list(ListFormat format, std::string_view output)
{
  switch (format) {
  case ListFormat::Lines:
    return parse_lines(output);
  case ListFormat::GTest:
    return parse_gtest(output);
  case ListFormat::PytestCollect:
    return parse_pytest(output);
  case ListFormat::Ctest:
    return parse_ctest(output);
  case ListFormat::Subunit:
    break;
  }
  throw util::Error(
      "list format 'subunit' is a subunit v2 stream: read it with the stream module, not parse_test_list");
}

} // namespace bisectr::config
