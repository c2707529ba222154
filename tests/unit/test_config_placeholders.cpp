#include "bisectr/config/placeholders.hpp"

#include <doctest/doctest.h>

using namespace bisectr::config;
using Argv = std::vector<std::string>;

TEST_CASE("config::expand_command")
{
  Placeholders values;
  values.ids = {"pkg.Test.a", "tests/t.py::T::f[a b]", "it's \"quoted\"", "line\nbreak", "--flag", "$(rm -rf /)"};
  values.id_file = "/tmp/work/ids.txt";
  values.output = "/tmp/work/out.xml";
  values.worker = 3;

  SUBCASE("{ids} alone becomes one element per id, each kept whole")
  {
    const Argv argv = expand_command({"python3", "-m", "pytest", "{ids}", "--tail"}, values);
    Argv expected = {"python3", "-m", "pytest"};
    expected.insert(expected.end(), values.ids.begin(), values.ids.end());
    expected.emplace_back("--tail");
    CHECK(argv == expected);
  }
  SUBCASE("an empty subset leaves no element")
  {
    CHECK(expand_command({"t", "{ids}"}, Placeholders{}) == Argv{"t"});
  }
  SUBCASE("placeholders inside an element")
  {
    const Argv argv =
        expand_command({"t", "--load-list", "{id_file}", "--junitxml={output}", "w{worker}-{worker}"}, values);
    CHECK(argv == Argv{"t", "--load-list", "/tmp/work/ids.txt", "--junitxml=/tmp/work/out.xml", "w3-3"});
  }
  SUBCASE("gtest and ctest filters")
  {
    Placeholders gtest;
    gtest.ids = {"Suite.a", "Inst/Param.b/0"};
    CHECK(expand_command({"bin", "--gtest_filter={gtest_filter}"}, gtest) ==
          Argv{"bin", "--gtest_filter=Suite.a:Inst/Param.b/0"});
    CHECK(expand_command({"ctest", "-R", "{ctest_regex}"}, gtest) ==
          Argv{"ctest", "-R", "^(Suite\\.a|Inst/Param\\.b/0)$"});
  }
  SUBCASE("unknown braces are left alone")
  {
    CHECK(expand_command({"find", "{}", "{idz}", "{", "}"}, values) == Argv{"find", "{}", "{idz}", "{", "}"});
  }
  SUBCASE("a value is not expanded again")
  {
    Placeholders tricky;
    tricky.output = "/tmp/{worker}";
    tricky.worker = 1;
    CHECK(expand_command({"--o={output}"}, tricky) == Argv{"--o=/tmp/{worker}"});
  }
}

TEST_CASE("config::gtest_filter")
{
  CHECK(gtest_filter({"A.b"}) == "A.b");
  CHECK(gtest_filter({"A.b", "C.d"}) == "A.b:C.d");
  CHECK(gtest_filter({}) == "-*");
}

TEST_CASE("config::ctest_regex")
{
  CHECK(ctest_regex({"unit.config"}) == "^(unit\\.config)$");
  CHECK(ctest_regex({"a+b", "c(d)|e", "[x]*?^$\\{1}"}) == "^(a\\+b|c\\(d\\)\\|e|\\[x\\]\\*\\?\\^\\$\\\\\\{1\\})$");
  CHECK(ctest_regex({"plain_name-1"}) == "^(plain_name-1)$");
}

TEST_CASE("config::has_subset_placeholder")
{
  CHECK(has_subset_placeholder({"t", "{ids}"}));
  CHECK(has_subset_placeholder({"t", "--load-list={id_file}"}));
  CHECK(has_subset_placeholder({"t", "--gtest_filter={gtest_filter}"}));
  CHECK(has_subset_placeholder({"ctest", "-R", "{ctest_regex}"}));
  CHECK_FALSE(has_subset_placeholder({"t", "{output}", "{worker}"}));
  CHECK(uses_placeholder({"t", "--out={output}"}, k_output));
  CHECK_FALSE(uses_placeholder({"t"}, k_output));
}
