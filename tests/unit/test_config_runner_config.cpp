#include "bisectr/config/runner_config.hpp"
#include "bisectr/util/error.hpp"
#include "fakes/temp_dir.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <sstream>
#include <string>

using namespace bisectr::config;
namespace fs = std::filesystem;

namespace {

const fs::path k_file = "/project/bisectr.toml";

RunnerConfig parse(const std::string& text, const fs::path& file = k_file)
{
  std::istringstream input(text);
  return parse_config(input, file);
}

std::string error_of(const std::string& text)
{
  try {
    parse(text);
  } catch (const bisectr::util::ConfigError& error) {
    return error.what();
  }
  return "(no error)";
}

const std::string k_minimal = "[runner]\nlist = [\"lister\"]\nrun = [\"runner\", \"{ids}\"]\n";

} // namespace

TEST_CASE("config::parse_config")
{
  SUBCASE("a minimal file gets the defaults")
  {
    const RunnerConfig config = parse(k_minimal);
    CHECK(config.file == k_file);
    CHECK(config.cwd == fs::path("/project"));
    CHECK(config.list_command == std::vector<std::string>{"lister"});
    CHECK(config.run_command == std::vector<std::string>{"runner", "{ids}"});
    CHECK(config.run_all_command.empty());
    CHECK(config.list_format == ListFormat::Lines);
    CHECK(config.stream == StreamSource::Stdout);
    CHECK(config.format == "auto");
    CHECK(config.ids == IdStyle::AsIs);
    CHECK(config.env.empty());
    CHECK(config.timeout == std::chrono::milliseconds(0));
    CHECK(config.parallel >= 1);
  }
  SUBCASE("every field")
  {
    const RunnerConfig config =
        parse("# comment\n[runner]\npreset = \"pytest\"\ncwd = \"sub/dir\"\n"
              "list = [\"./bin/t\", \"--list\"]\nlist_format = \"pytest-collect\"\n"
              "run = [\"./bin/t\", \"--out={output}\", \"{ids}\"]\nrun_all = [\"t\", \"{output}\"]\n"
              "stream = \"file\"\nformat = \"junit\"\nids = \"pytest\"\n"
              "env = { A = \"1\", B = \"two words\" }\ntimeout = \"1h30m\"\nparallel = 3\n");
    CHECK(config.preset == "pytest");
    CHECK(config.cwd == fs::path("/project/sub/dir"));
    CHECK(config.list_format == ListFormat::PytestCollect);
    CHECK(config.stream == StreamSource::File);
    CHECK(config.format == "junit");
    CHECK(config.ids == IdStyle::Pytest);
    CHECK(config.env == std::map<std::string, std::string>{{"A", "1"}, {"B", "two words"}});
    CHECK(config.timeout == std::chrono::minutes(90));
    CHECK(config.parallel == 3);
    // A relative program path names a file under cwd; a bare name is left to PATH.
    CHECK(config.list_command.front() == "/project/sub/dir/bin/t");
    CHECK(config.run_command.front() == "/project/sub/dir/bin/t");
    CHECK(config.run_all_command.front() == "t");
  }
  SUBCASE("an integer timeout is seconds")
  {
    CHECK(parse(k_minimal + "timeout = 90\n").timeout == std::chrono::seconds(90));
  }
  SUBCASE("every list format has its spelling")
  {
    for (const ListFormat format :
         {ListFormat::Lines, ListFormat::Subunit, ListFormat::GTest, ListFormat::PytestCollect, ListFormat::Ctest}) {
      CHECK(parse(k_minimal + "list_format = \"" + to_string(format) + "\"\n").list_format == format);
    }
  }
}

TEST_CASE("config::parse_config errors name the file, line and key")
{
  SUBCASE("unknown key")
  {
    CHECK(error_of(k_minimal + "\ntimout = \"5s\"\n") == "/project/bisectr.toml:5: key 'runner.timout': unknown key");
  }
  SUBCASE("wrong type")
  {
    CHECK(error_of(k_minimal + "parallel = \"4\"\n") ==
          "/project/bisectr.toml:4: key 'runner.parallel': expected an integer of at least 1");
    CHECK(error_of(k_minimal + "preset = 3\n") ==
          "/project/bisectr.toml:4: key 'runner.preset': expected a string, got an integer");
    CHECK(error_of("[runner]\nlist = \"ls -1\"\nrun = [\"r\", \"{ids}\"]\n")
              .starts_with("/project/bisectr.toml:2: key 'runner.list': expected an array of strings"));
    CHECK(
        error_of("[runner]\nlist = [\"l\",\n  7]\nrun = [\"r\", \"{ids}\"]\n")
            .starts_with("/project/bisectr.toml:3: key 'runner.list': expected an array of strings, found an integer"));
    CHECK(error_of(k_minimal + "env = { A = 1 }\n")
              .starts_with("/project/bisectr.toml:4: key 'runner.env.A': expected a string"));
  }
  SUBCASE("bad values")
  {
    CHECK(error_of(k_minimal + "timeout = \"soon\"\n")
              .starts_with("/project/bisectr.toml:4: key 'runner.timeout': expected a duration"));
    CHECK(error_of(k_minimal + "parallel = 0\n").starts_with("/project/bisectr.toml:4: key 'runner.parallel'"));
    CHECK(error_of(k_minimal + "stream = \"pipe\"\n") ==
          "/project/bisectr.toml:4: key 'runner.stream': unknown value \"pipe\" (expected \"stdout\", \"file\")");
    CHECK(error_of(k_minimal + "format = \"tap\"\n")
              .starts_with("/project/bisectr.toml:4: key 'runner.format': unknown value \"tap\""));
    CHECK(error_of("[runner]\nlist = []\nrun = [\"r\", \"{ids}\"]\n") ==
          "/project/bisectr.toml:2: key 'runner.list': the command is empty");
  }
  SUBCASE("missing keys and tables")
  {
    CHECK(error_of("[runner]\nlist = [\"l\"]\n") ==
          "/project/bisectr.toml:1: key 'runner.run': missing (required in [runner])");
    CHECK(error_of("# nothing\n") == "/project/bisectr.toml:1: key 'runner': missing [runner] table");
    CHECK(error_of(k_minimal + "[runer]\n").starts_with("/project/bisectr.toml:4: key 'runer': unknown key"));
  }
  SUBCASE("commands that cannot work")
  {
    CHECK(error_of("[runner]\nlist = [\"l\"]\nrun = [\"r\"]\n")
              .starts_with("/project/bisectr.toml:3: key 'runner.run': needs {ids}"));
    CHECK(error_of("[runner]\nlist = [\"l\"]\nrun = [\"r\", \"--ids={ids}\"]\n")
              .starts_with("/project/bisectr.toml:3: key 'runner.run': {ids} must be a whole element"));
    CHECK(error_of(k_minimal + "stream = \"file\"\n")
              .starts_with("/project/bisectr.toml:3: key 'runner.run': stream = \"file\" needs {output}"));
  }
  SUBCASE("TOML syntax errors keep the line")
  {
    CHECK(error_of("[runner]\nlist = [\"l\"\nrun = 3\n").starts_with("/project/bisectr.toml:3: "));
  }
}

TEST_CASE("config::load_config")
{
  const bisectr::test::TempDir temp;
  SUBCASE("reads the file and anchors cwd at its folder")
  {
    std::ofstream(temp / "bisectr.toml") << k_minimal << "cwd = \"..\"\n";
    const RunnerConfig config = load_config(temp / "bisectr.toml");
    CHECK(config.cwd == temp.path().parent_path());
  }
  SUBCASE("a missing file is a ConfigError naming it")
  {
    const std::string expected = (temp / "nope.toml").string() + ": cannot read the config file";
    CHECK_THROWS_WITH_AS(load_config(temp / "nope.toml"), doctest::Contains(expected.c_str()),
                         bisectr::util::ConfigError);
  }
  SUBCASE("the fixture suites' configs load")
  {
    const fs::path fixtures = fs::path(BISECTR_SOURCE_DIR) / "fixtures";
    for (const char* suite : {"python_unittest", "pytest_suite", "example"}) {
      CAPTURE(suite);
      const RunnerConfig config = load_config(fixtures / suite / "bisectr.toml");
      CHECK(fs::is_directory(config.cwd));
      CHECK_FALSE(config.run_command.empty());
    }
    const RunnerConfig example = load_config(fixtures / "example" / "bisectr.toml");
    CHECK(example.cwd == (fixtures / "python_unittest").lexically_normal());
    CHECK(example.env.at("BISECTR_FIXTURE_SCENARIO") == "single");
    CHECK(example.env.at("BISECTR_FIXTURE_Q") == "0.25");
  }
}
