#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

namespace bisectr::config {

/// How the list command's standard output is read into test ids.
enum class ListFormat {
  Lines,         ///< one id a line; blank lines skipped, surrounding whitespace trimmed
  Subunit,       ///< a subunit v2 stream of `exists` packets (`subunit.run --list`), parsed by the caller
  GTest,         ///< `--gtest_list_tests`: "Suite." lines, then indented "test" lines, '#' comments dropped
  PytestCollect, ///< `pytest --collect-only -q`: node id lines up to the summary
  Ctest,         ///< `ctest --show-only=json-v1`: the names in "tests"
};

/// Where a worker's result stream comes out.
enum class StreamSource {
  Stdout, ///< the run command's standard output
  File,   ///< the file named by the {output} placeholder, read once the command has ended
};

/// How result ids map back to listed ids.
enum class IdStyle {
  AsIs,   ///< the stream's ids are the listed ids
  Pytest, ///< JUnit classname/name are mapped back to pytest node ids (by the scheduler)
};

/// One runner's configuration, as read from the [runner] table of bisectr.toml.
struct RunnerConfig {
  std::filesystem::path file;                 ///< the config file, for messages
  std::filesystem::path cwd;                  ///< absolute; where commands run (default: the file's folder)
  std::string preset;                         ///< the preset that wrote the file ("" if none); informational
  std::vector<std::string> list_command;      ///< argv printing the test ids; never empty
  ListFormat list_format = ListFormat::Lines; ///< how list_command's stdout is read
  std::vector<std::string> run_command;       ///< argv template running a subset; has a subset placeholder
  std::vector<std::string> run_all_command;   ///< argv template for the whole suite; empty = run_command, every id
  StreamSource stream = StreamSource::Stdout; ///< where the result stream comes out
  std::string format = "auto";                ///< "auto", "subunit2", "subunit1" or "junit"
  IdStyle ids = IdStyle::AsIs;                ///< how result ids map back to listed ids
  std::map<std::string, std::string> env;     ///< added to (overriding) the inherited environment
  std::chrono::milliseconds timeout{0};       ///< per worker run; 0 = none
  std::size_t parallel = 1;                   ///< default number of workers; always >= 1 (default: CPU count)
};

/// The config file name looked for at the project root.
inline constexpr const char* k_default_config_name = "bisectr.toml";

/// Reads and checks a config file; throws util::ConfigError "<file>:<line>: key '<key>': <problem>".
RunnerConfig load_config(const std::filesystem::path& file);

/// As load_config, from a stream; `file` names the source in messages and anchors relative paths.
RunnerConfig parse_config(std::istream& input, const std::filesystem::path& file);

/// The TOML spelling of a list format: "lines", "subunit", "gtest", "pytest-collect", "ctest".
std::string to_string(ListFormat format);
/// The TOML spelling of a stream source: "stdout", "file".
std::string to_string(StreamSource source);
/// The TOML spelling of an id style: "as-is", "pytest".
std::string to_string(IdStyle style);

} // namespace bisectr::config
