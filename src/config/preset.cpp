#include "bisectr/config/preset.hpp"

#include "bisectr/config/python_finder.hpp"
#include "bisectr/util/error.hpp"

#include <cstdio>

namespace bisectr::config {

namespace fs = std::filesystem;

namespace {

using Argv = std::vector<std::string>;

// A TOML basic string: quotes, backslashes and control characters escaped.
std::string quote(std::string_view text)
{
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string array(const Argv& argv)
{
  std::string out = "[";
  for (std::size_t i = 0; i < argv.size(); ++i) {
    out += (i == 0 ? "" : ", ") + quote(argv[i]);
  }
  return out + "]";
}

std::string header(std::string_view preset)
{
  return "# bisectr.toml: how bisectr lists and runs this project's tests.\n"
         "# Written by `bisectr init --preset " +
         std::string(preset) +
         "`; edit freely. Every field is in docs/config.md.\n"
         "# Relative paths are relative to this file's folder. Commands are argv arrays, never a shell\n"
         "# string, so test ids are passed exactly as they are.\n\n"
         "[runner]\npreset = " +
         quote(preset) +
         "\n\n"
         "# The folder the commands run in.\ncwd = \".\"\n\n";
}

std::string footer()
{
  return "\n# Extra environment for every command, added to bisectr's own, e.g. { PYTHONHASHSEED = \"0\" }.\n"
         "env = {}\n\n"
         "# Per worker run: SIGTERM, then SIGKILL to its process group after this long (\"90s\", \"10m\",\n"
         "# \"1h\"); \"0\" means no limit.\n"
         "timeout = \"0\"\n\n"
         "# Default number of workers (`bisectr run --parallel N` overrides); one per CPU when absent.\n"
         "# parallel = 4\n";
}

std::string results(std::string_view comment, std::string_view stream, std::string_view format, std::string_view ids)
{
  return "\n# " + std::string(comment) + "\nstream = " + quote(stream) + "\nformat = " + quote(format) +
         "\nids = " + quote(ids) + "\n";
}

std::string python_for(const PresetOptions& options, std::string_view module)
{
  if (!options.python.empty()) {
    return options.python.string();
  }
  return find_python_with(module).value_or(fs::path("python3")).string();
}

std::string dir_or(const std::string& value, std::string_view fallback)
{
  return value.empty() ? std::string(fallback) : value;
}

std::string unittest_text(const PresetOptions& options)
{
  const std::string python = python_for(options, "subunit");
  const Argv base = {python, "-m", "subunit.run", "discover", "-t", ".", "-s", dir_or(options.test_dir, ".")};
  Argv list = base, run = base;
  list.emplace_back("--list");
  run.insert(run.end(), {"--load-list", "{id_file}"});
  return header("unittest") + "# Lists the tests: subunit.run prints a subunit v2 \"exists\" packet per test.\n" +
         "# The interpreter must have python3-subunit (Debian's is /usr/bin/python3).\n"
         "list = " +
         array(list) + "\nlist_format = \"subunit\"\n\n" +
         "# Runs a subset: bisectr writes the ids, one a line, to {id_file}. subunit.run runs them in\n"
         "# discovery order, whatever the order of the file.\n"
         "run = " +
         array(run) + "\n\n# Runs the whole suite.\nrun_all = " + array(base) + "\n" +
         results("The results: a subunit v2 stream on standard output.", "stdout", "subunit2", "as-is") + footer();
}

std::string pytest_text(const PresetOptions& options)
{
  const std::string python = python_for(options, "pytest");
  const Argv base = {python, "-m", "pytest", "-q", "-p", "no:cacheprovider"};
  Argv list = base, run = base, run_all = base;
  list.insert(list.end(), {"--collect-only", dir_or(options.test_dir, ".")});
  const Argv junit = {"--junitxml={output}", "-o", "junit_family=xunit2"};
  run.insert(run.end(), junit.begin(), junit.end());
  run.emplace_back("{ids}");
  run_all.insert(run_all.end(), junit.begin(), junit.end());
  run_all.push_back(dir_or(options.test_dir, "."));
  return header("pytest") +
         "# Lists the tests as pytest node ids (tests/test_x.py::TestC::test_f[p]). The interpreter is\n" +
         "# one that could `import pytest` when this file was written; change it if you use another.\n"
         "list = " +
         array(list) + "\nlist_format = \"pytest-collect\"\n\n" +
         "# Runs a subset: {ids} becomes one argument per node id, in order.\nrun = " + array(run) + "\n\n" +
         "# Runs the whole suite.\nrun_all = " + array(run_all) + "\n" +
         results("The results: JUnit XML written to {output}; its classname/name are mapped back to node ids.", "file",
                 "junit", "pytest") +
         footer();
}

std::string stestr_text(const PresetOptions& options)
{
  const std::string python = python_for(options, "stestr");
  const std::string test_dir = dir_or(options.test_dir, ".");
  const Argv list = {python, "-m", "stestr.subunit_runner.run", "discover", "-t", ".", test_dir, "--list"};
  Argv run_all = {python, "-m", "stestr", "--test-path", test_dir, "--top-dir", ".", "run", "--serial", "--subunit"};
  Argv run = run_all;
  run.insert(run.end(), {"--load-list", "{id_file}"});
  return header("stestr") + "# Lists the tests with stestr's own subunit runner (`stestr list` needs an existing\n" +
         "# .stestr repository; this does not).\nlist = " + array(list) + "\nlist_format = \"subunit\"\n\n" +
         "# Runs a subset through stestr, serially (bisectr runs the workers), ids in {id_file}.\n"
         "# stestr also records each run in its own .stestr repository.\nrun = " +
         array(run) + "\n\n" + "# Runs the whole suite.\nrun_all = " + array(run_all) + "\n" +
         results("The results: a subunit v2 stream on standard output.", "stdout", "subunit2", "as-is") + footer();
}

std::string gtest_text(const PresetOptions& options)
{
  if (options.gtest_binary.empty()) {
    throw util::UsageError("preset 'gtest' needs the test binary (the path of a GoogleTest executable)");
  }
  const std::string binary = options.gtest_binary.string();
  const Argv list = {binary, "--gtest_list_tests"};
  const Argv run = {binary, "--gtest_filter={gtest_filter}", "--gtest_output=xml:{output}"};
  const Argv run_all = {binary, "--gtest_output=xml:{output}"};
  return header("gtest") + "# The GoogleTest binary lists its tests (\"Suite.\" then indented names).\n" +
         "list = " + array(list) + "\nlist_format = \"gtest\"\n\n" +
         "# Runs a subset: {gtest_filter} becomes \"Suite.a:Suite.b\". GoogleTest runs them in its own\n"
         "# (registration) order.\nrun = " +
         array(run) + "\n\n" + "# Runs the whole suite.\nrun_all = " + array(run_all) + "\n" +
         results("The results: GoogleTest's XML report, written to {output}.", "file", "junit", "as-is") + footer();
}

std::string ctest_text(const PresetOptions& options)
{
  const std::string build_dir = options.build_dir.empty() ? "build" : options.build_dir.string();
  const Argv list = {"ctest", "--test-dir", build_dir, "--show-only=json-v1"};
  const Argv run = {"ctest", "--test-dir", build_dir, "-R", "{ctest_regex}", "--output-junit", "{output}"};
  const Argv run_all = {"ctest", "--test-dir", build_dir, "--output-junit", "{output}"};
  return header("ctest") + "# CTest lists the tests of the build tree as JSON (CMake 3.14 or later).\n" +
         "list = " + array(list) + "\nlist_format = \"ctest\"\n\n" +
         "# Runs a subset: {ctest_regex} becomes \"^(a|b)$\" with regex characters escaped. Each CTest\n"
         "# test is its own process.\nrun = " +
         array(run) + "\n\n" + "# Runs the whole suite.\nrun_all = " + array(run_all) + "\n" +
         results("The results: CTest's JUnit report (CMake 3.21 or later), written to {output}.", "file", "junit",
                 "as-is") +
         footer();
}

std::string command_text()
{
  return header("command") +
         "# Any command. Fill in how to list the tests and how to run a subset.\n\n"
         "# Prints the test ids. list_format: \"lines\" (one id a line), \"subunit\" (subunit v2 \"exists\"\n"
         "# packets), \"gtest\" (--gtest_list_tests), \"pytest-collect\" (pytest --collect-only -q), \"ctest\"\n"
         "# (ctest --show-only=json-v1).\n"
         "list = [\"./run-tests\", \"--list\"]\nlist_format = \"lines\"\n\n"
         "# Runs a subset, given by one of: {ids} (an element of its own: one argument per id),\n"
         "# {id_file} (a file with one id a line), {gtest_filter} (\"Suite.a:Suite.b\"), {ctest_regex}\n"
         "# (\"^(a|b)$\"). Also available: {output} (the result file when stream = \"file\"), {worker}\n"
         "# (the worker index). Each placeholder stays inside its own argument: there is no shell.\n"
         "run = [\"./run-tests\", \"--subunit\", \"--load-list\", \"{id_file}\"]\n\n"
         "# Optional: runs the whole suite (without it, run gets every id).\n"
         "# run_all = [\"./run-tests\", \"--subunit\"]\n\n"
         "# Where the results come out: \"stdout\" or \"file\" (then {output} must be in run).\n"
         "stream = \"stdout\"\n"
         "# Their format: \"auto\" (detected), \"subunit2\", \"subunit1\" or \"junit\".\n"
         "format = \"auto\"\n"
         "# How result ids map to listed ids: \"as-is\", or \"pytest\" (JUnit classname/name to node ids).\n"
         "ids = \"as-is\"\n" +
         footer();
}

} // namespace

std::vector<std::string> preset_names()
{
  return {"unittest", "pytest", "stestr", "gtest", "ctest", "command"};
}

std::string preset_text(std::string_view preset, const PresetOptions& options)
{
  if (preset == "unittest") {
    return unittest_text(options);
  }
  if (preset == "pytest") {
    return pytest_text(options);
  }
  if (preset == "stestr") {
    return stestr_text(options);
  }
  if (preset == "gtest") {
    return gtest_text(options);
  }
  if (preset == "ctest") {
    return ctest_text(options);
  }
  if (preset == "command") {
    return command_text();
  }
  throw util::UsageError("unknown preset '" + std::string(preset) +
                         "' (expected unittest, pytest, stestr, gtest, ctest or command)");
}

} // namespace bisectr::config
