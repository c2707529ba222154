#include "bisectr/config/placeholders.hpp"
#include "bisectr/config/preset.hpp"
#include "bisectr/config/runner_config.hpp"
#include "bisectr/util/error.hpp"

#include <doctest/doctest.h>
#include <sstream>

using namespace bisectr::config;
namespace fs = std::filesystem;

namespace {

RunnerConfig round_trip(std::string_view preset, const PresetOptions& options)
{
  std::istringstream input(preset_text(preset, options));
  return parse_config(input, "/project/bisectr.toml");
}

PresetOptions options_with_python()
{
  PresetOptions options;
  options.python = "/opt/py thon/bin/python3";
  options.gtest_binary = "build/unit \"tests\"";
  return options;
}

} // namespace

TEST_CASE("config::preset_text")
{
  const PresetOptions options = options_with_python();
  SUBCASE("every preset loads back and can pass a subset")
  {
    for (const std::string& name : preset_names()) {
      CAPTURE(name);
      const RunnerConfig config = round_trip(name, options);
      CHECK(config.preset == name);
      CHECK(config.cwd == fs::path("/project"));
      CHECK(has_subset_placeholder(config.run_command));
      CHECK_FALSE(config.list_command.empty());
      CHECK(preset_text(name, options).find("# ") != std::string::npos);
    }
  }
  SUBCASE("unittest: subunit.run with --list and --load-list")
  {
    const RunnerConfig config = round_trip("unittest", options);
    CHECK(config.list_command.front() == "/opt/py thon/bin/python3");
    CHECK(config.list_command.back() == "--list");
    CHECK(config.list_format == ListFormat::Subunit);
    CHECK(config.run_command.back() == "{id_file}");
    CHECK(config.stream == StreamSource::Stdout);
    CHECK(config.format == "subunit2");
  }
  SUBCASE("pytest: node ids as argv, JUnit to a file")
  {
    PresetOptions with_dir = options;
    with_dir.test_dir = "tests";
    const RunnerConfig config = round_trip("pytest", with_dir);
    CHECK(config.list_format == ListFormat::PytestCollect);
    CHECK(config.list_command.back() == "tests");
    CHECK(config.run_command.back() == "{ids}");
    CHECK(uses_placeholder(config.run_command, k_output));
    CHECK(config.stream == StreamSource::File);
    CHECK(config.format == "junit");
    CHECK(config.ids == IdStyle::Pytest);
    CHECK(config.run_all_command.back() == "tests");
  }
  SUBCASE("stestr: serial subunit runs with an id file")
  {
    const RunnerConfig config = round_trip("stestr", options);
    CHECK(config.list_format == ListFormat::Subunit);
    CHECK(config.run_command == std::vector<std::string>{"/opt/py thon/bin/python3", "-m", "stestr", "--test-path", ".",
                                                         "--top-dir", ".", "run", "--serial", "--subunit",
                                                         "--load-list", "{id_file}"});
  }
  SUBCASE("gtest: the binary, anchored at cwd, quotes kept")
  {
    const RunnerConfig config = round_trip("gtest", options);
    CHECK(config.list_command == std::vector<std::string>{"/project/build/unit \"tests\"", "--gtest_list_tests"});
    CHECK(config.list_format == ListFormat::GTest);
    CHECK(config.run_command.at(1) == "--gtest_filter={gtest_filter}");
    CHECK(config.run_command.at(2) == "--gtest_output=xml:{output}");
    CHECK(config.stream == StreamSource::File);
  }
  SUBCASE("gtest needs a binary")
  {
    CHECK_THROWS_AS(preset_text("gtest", PresetOptions{}), bisectr::util::UsageError);
  }
  SUBCASE("ctest: json listing, -R regex, JUnit output")
  {
    const RunnerConfig config = round_trip("ctest", options);
    CHECK(config.list_command == std::vector<std::string>{"ctest", "--test-dir", "build", "--show-only=json-v1"});
    CHECK(config.list_format == ListFormat::Ctest);
    CHECK(uses_placeholder(config.run_command, k_ctest_regex));
    CHECK(config.format == "junit");
  }
  SUBCASE("an unknown preset")
  {
    CHECK_THROWS_WITH_AS(preset_text("nose", options), doctest::Contains("unknown preset 'nose'"),
                         bisectr::util::UsageError);
  }
  SUBCASE("without a python the preset finds one that has the module")
  {
    PresetOptions no_python;
    const RunnerConfig config = round_trip("pytest", no_python);
    if (fs::exists("/usr/bin/python3")) {
      CHECK(config.list_command.front() == "/usr/bin/python3");
    }
  }
}

TEST_CASE("config::preset_names")
{
  CHECK(preset_names() == std::vector<std::string>{"unittest", "pytest", "stestr", "gtest", "ctest", "command"});
}
