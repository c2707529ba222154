#include "bisectr/config/runner_config.hpp"

#include "bisectr/config/duration.hpp"
#include "bisectr/config/placeholders.hpp"
#include "bisectr/util/error.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>
#include <toml++/toml.h>
#include <utility>

namespace bisectr::config {

namespace fs = std::filesystem;

namespace {

constexpr std::array<std::string_view, 12> k_runner_keys = {
    "preset", "cwd", "list", "list_format", "run", "run_all", "stream", "format", "ids", "env", "timeout", "parallel"};

std::string type_name(const toml::node& node)
{
  switch (node.type()) {
  case toml::node_type::string:
    return "a string";
  case toml::node_type::integer:
    return "an integer";
  case toml::node_type::floating_point:
    return "a float";
  case toml::node_type::boolean:
    return "a boolean";
  case toml::node_type::array:
    return "an array";
  case toml::node_type::table:
    return "a table";
  default:
    return "a date or time";
  }
}

// Reads the keys of one [runner] table, turning every problem into "<file>:<line>: key '<key>': ...".
class RunnerTable
{
public:
  RunnerTable(const toml::table& table, fs::path file) : m_table(table), m_file(std::move(file)) {}

  [[noreturn]] void fail(const toml::source_region& where, std::string_view key, const std::string& problem) const
  {
    throw util::ConfigError(m_file.string() + ":" + std::to_string(where.begin.line) + ": key 'runner." +
                            std::string(key) + "': " + problem);
  }

  const toml::node* find(std::string_view key) const { return m_table.get(key); }

  const toml::node& require(std::string_view key) const
  {
    const toml::node* node = find(key);
    if (node == nullptr) {
      fail(m_table.source(), key, "missing (required in [runner])");
    }
    return *node;
  }

  std::optional<std::string> string(std::string_view key) const
  {
    const toml::node* node = find(key);
    if (node == nullptr) {
      return std::nullopt;
    }
    if (!node->is_string()) {
      fail(node->source(), key, "expected a string, got " + type_name(*node));
    }
    return node->as_string()->get();
  }

  std::vector<std::string> argv(const toml::node& node, std::string_view key) const
  {
    const toml::array* array = node.as_array();
    if (array == nullptr) {
      fail(node.source(), key, "expected an array of strings (argv, no shell), got " + type_name(node));
    }
    if (array->empty()) {
      fail(node.source(), key, "the command is empty");
    }
    std::vector<std::string> out;
    for (const toml::node& element : *array) {
      if (!element.is_string()) {
        fail(element.source(), key, "expected an array of strings, found " + type_name(element));
      }
      out.push_back(element.as_string()->get());
    }
    return out;
  }

  template <typename Enum, std::size_t N>
  Enum choice(std::string_view key, Enum fallback,
              const std::array<std::pair<std::string_view, Enum>, N>& choices) const
  {
    const std::optional<std::string> text = string(key);
    if (!text) {
      return fallback;
    }
    std::string expected;
    for (const auto& [name, value] : choices) {
      if (*text == name) {
        return value;
      }
      expected += (expected.empty() ? "" : ", ") + std::string("\"") + std::string(name) + "\"";
    }
    fail(find(key)->source(), key, "unknown value \"" + *text + "\" (expected " + expected + ")");
  }

  void check_keys() const
  {
    for (const auto& [key, node] : m_table) {
      if (std::find(k_runner_keys.begin(), k_runner_keys.end(), key.str()) == k_runner_keys.end()) {
        fail(key.source(), key.str(), "unknown key");
      }
    }
  }

private:
  const toml::table& m_table;
  fs::path m_file;
};

toml::table parse_toml(std::istream& input, const fs::path& file)
{
  // Chunked reads: istreambuf_iterator trips GCC 12's -Wnull-dereference inside libstdc++.
  std::string text;
  std::array<char, 8192> chunk{};
  while (input.read(chunk.data(), chunk.size()) || input.gcount() > 0) {
    text.append(chunk.data(), static_cast<std::size_t>(input.gcount()));
  }
  try {
    return toml::parse(text, file.string());
  } catch (const toml::parse_error& error) {
    throw util::ConfigError(file.string() + ":" + std::to_string(error.source().begin.line) + ": " +
                            std::string(error.description()));
  }
}

const toml::table& runner_table(const toml::table& root, const fs::path& file)
{
  for (const auto& [key, node] : root) {
    if (key.str() != "runner") {
      throw util::ConfigError(file.string() + ":" + std::to_string(key.source().begin.line) + ": key '" +
                              std::string(key.str()) + "': unknown key (bisectr.toml has a [runner] table)");
    }
  }
  const toml::node* runner = root.get("runner");
  if (runner == nullptr || !runner->is_table()) {
    const std::uint32_t line = runner == nullptr ? 1 : runner->source().begin.line;
    throw util::ConfigError(file.string() + ":" + std::to_string(line) + ": key 'runner': missing [runner] table");
  }
  return *runner->as_table();
}

// A relative program path with a '/' ("./build/tests") names a file under cwd, whatever the process launcher does.
void anchor_program(std::vector<std::string>& argv, const fs::path& cwd)
{
  if (argv.empty()) {
    return;
  }
  const fs::path program = argv.front();
  if (program.is_relative() && argv.front().find('/') != std::string::npos) {
    argv.front() = (cwd / program).lexically_normal().string();
  }
}

void read_commands(const RunnerTable& table, RunnerConfig& config)
{
  config.list_command = table.argv(table.require("list"), "list");
  config.run_command = table.argv(table.require("run"), "run");
  if (const toml::node* run_all = table.find("run_all")) {
    config.run_all_command = table.argv(*run_all, "run_all");
  }
  for (const auto* key : {"run", "run_all"}) {
    const auto& command = std::string_view(key) == "run" ? config.run_command : config.run_all_command;
    for (const std::string& element : command) {
      if (element != k_ids && element.find(k_ids) != std::string::npos) {
        table.fail(table.find(key)->source(), key, "{ids} must be a whole element (it expands to one element per id)");
      }
    }
  }
  if (!has_subset_placeholder(config.run_command)) {
    table.fail(table.find("run")->source(), "run",
               "needs {ids}, {id_file}, {gtest_filter} or {ctest_regex} to pass a subset");
  }
  anchor_program(config.list_command, config.cwd);
  anchor_program(config.run_command, config.cwd);
  anchor_program(config.run_all_command, config.cwd);
}

void read_kinds(const RunnerTable& table, RunnerConfig& config)
{
  config.list_format = table.choice(
      "list_format", ListFormat::Lines,
      std::array<std::pair<std::string_view, ListFormat>, 5>{{{"lines", ListFormat::Lines},
                                                              {"subunit", ListFormat::Subunit},
                                                              {"gtest", ListFormat::GTest},
                                                              {"pytest-collect", ListFormat::PytestCollect},
                                                              {"ctest", ListFormat::Ctest}}});
  config.stream = table.choice("stream", StreamSource::Stdout,
                               std::array<std::pair<std::string_view, StreamSource>, 2>{
                                   {{"stdout", StreamSource::Stdout}, {"file", StreamSource::File}}});
  config.ids = table.choice(
      "ids", IdStyle::AsIs,
      std::array<std::pair<std::string_view, IdStyle>, 2>{{{"as-is", IdStyle::AsIs}, {"pytest", IdStyle::Pytest}}});
  config.format =
      table.choice("format", std::string("auto"),
                   std::array<std::pair<std::string_view, std::string>, 4>{
                       {{"auto", "auto"}, {"subunit2", "subunit2"}, {"subunit1", "subunit1"}, {"junit", "junit"}}});
  if (config.stream == StreamSource::File) {
    for (const auto* key : {"run", "run_all"}) {
      const toml::node* node = table.find(key);
      if (node != nullptr && !uses_placeholder(table.argv(*node, key), k_output)) {
        table.fail(node->source(), key,
                   "stream = \"file\" needs {output} in the command (where the results are written)");
      }
    }
  }
}

void read_env(const RunnerTable& table, RunnerConfig& config)
{
  const toml::node* node = table.find("env");
  if (node == nullptr) {
    return;
  }
  const toml::table* env = node->as_table();
  if (env == nullptr) {
    table.fail(node->source(), "env",
               "expected a table of strings, e.g. env = { NAME = \"value\" }, got " + type_name(*node));
  }
  for (const auto& [name, value] : *env) {
    if (!value.is_string()) {
      table.fail(value.source(), "env." + std::string(name.str()), "expected a string, got " + type_name(value));
    }
    config.env.emplace(std::string(name.str()), value.as_string()->get());
  }
}

void read_limits(const RunnerTable& table, RunnerConfig& config)
{
  if (const toml::node* node = table.find("timeout")) {
    std::optional<std::chrono::milliseconds> timeout;
    if (node->is_integer() && node->as_integer()->get() >= 0) {
      timeout = std::chrono::seconds(node->as_integer()->get());
    } else if (node->is_string()) {
      timeout = parse_duration(node->as_string()->get());
    }
    if (!timeout) {
      table.fail(node->source(), "timeout", "expected a duration such as \"90s\", \"10m\", \"1h\" or \"0\" (no limit)");
    }
    config.timeout = *timeout;
  }
  config.parallel = std::max(1U, std::thread::hardware_concurrency());
  if (const toml::node* node = table.find("parallel")) {
    if (!node->is_integer() || node->as_integer()->get() < 1) {
      table.fail(node->source(), "parallel", "expected an integer of at least 1");
    }
    config.parallel = static_cast<std::size_t>(node->as_integer()->get());
  }
}

} // namespace

RunnerConfig parse_config(std::istream& input, const fs::path& file)
{
  const toml::table root = parse_toml(input, file);
  const RunnerTable table(runner_table(root, file), file);
  table.check_keys();
  RunnerConfig config;
  config.file = file;
  config.preset = table.string("preset").value_or("");
  const fs::path base = fs::absolute(file).parent_path();
  config.cwd = (base / table.string("cwd").value_or(".")).lexically_normal();
  if (config.cwd.has_relative_path() && !config.cwd.has_filename()) {
    config.cwd = config.cwd.parent_path(); // drop the trailing '/' lexically_normal leaves on "dir/."
  }
  read_commands(table, config);
  read_kinds(table, config);
  read_env(table, config);
  read_limits(table, config);
  return config;
}

RunnerConfig load_config(const fs::path& file)
{
  std::ifstream input(file, std::ios::binary);
  if (!input) {
    throw util::ConfigError(file.string() + ": cannot read the config file: " + std::strerror(errno));
  }
  return parse_config(input, file);
}

std::string to_string(ListFormat format)
{
  switch (format) {
  case ListFormat::Lines:
    return "lines";
  case ListFormat::Subunit:
    return "subunit";
  case ListFormat::GTest:
    return "gtest";
  case ListFormat::PytestCollect:
    return "pytest-collect";
  case ListFormat::Ctest:
    return "ctest";
  }
  return "lines";
}

std::string to_string(StreamSource source)
{
  return source == StreamSource::File ? "file" : "stdout";
}

std::string to_string(IdStyle style)
{
  return style == IdStyle::Pytest ? "pytest" : "as-is";
}

} // namespace bisectr::config
