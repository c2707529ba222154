#include "bisectr/config/test_list.hpp"
#include "bisectr/util/error.hpp"

#include <doctest/doctest.h>

using namespace bisectr::config;
using Ids = std::vector<std::string>;

TEST_CASE("config::parse_test_list")
{
  SUBCASE("lines: trimmed, blank lines skipped, CRLF accepted")
  {
    CHECK(parse_test_list(ListFormat::Lines, "a.b\n\n  c.d  \r\ne f\n") == Ids{"a.b", "c.d", "e f"});
    CHECK(parse_test_list(ListFormat::Lines, "last-without-newline") == Ids{"last-without-newline"});
    CHECK(parse_test_list(ListFormat::Lines, "").empty());
  }
  SUBCASE("gtest: suites, indented tests, comments and gtest_main's banner")
  {
    const char* output =
        "Running main() from ./googletest/src/gtest_main.cc\n"
        "Alpha.\n  Add\n  Concat\n"
        "Numbers/Square.  # TypeParam = int\n  NonNegative/0  # GetParam() = -2\n  NonNegative/1  # GetParam() = 0\n"
        "Omega.\n  Victim\n";
    CHECK(parse_test_list(ListFormat::GTest, output) == Ids{"Alpha.Add", "Alpha.Concat", "Numbers/Square.NonNegative/0",
                                                            "Numbers/Square.NonNegative/1", "Omega.Victim"});
  }
  SUBCASE("pytest --collect-only -q: node ids up to the summary")
  {
    const char* output = "tests/test_alpha.py::test_add[1-2-3]\n"
                         "tests/test_alpha.py::test_join[a b]\n"
                         "tests/test_omega.py::TestOmega::test_victim\n"
                         "\n"
                         "3 tests collected in 0.01s\n"
                         "tests/test_x.py::not_an_id_after_the_summary\n";
    CHECK(parse_test_list(ListFormat::PytestCollect, output) == Ids{"tests/test_alpha.py::test_add[1-2-3]",
                                                                    "tests/test_alpha.py::test_join[a b]",
                                                                    "tests/test_omega.py::TestOmega::test_victim"});
    CHECK(parse_test_list(ListFormat::PytestCollect, "\nno tests collected in 0.01s\n").empty());
  }
  SUBCASE("ctest --show-only=json-v1")
  {
    const char* output = R"json({"kind":"ctestInfo","version":{"major":1,"minor":0},
      "backtraceGraph":{"commands":[],"files":[],"nodes":[]},
      "tests":[{"name":"unit.config","command":["/b/unit_config"]},{"name":"integration (slow)"}]})json";
    CHECK(parse_test_list(ListFormat::Ctest, output) == Ids{"unit.config", "integration (slow)"});
    CHECK_THROWS_AS(parse_test_list(ListFormat::Ctest, "{not json"), bisectr::util::ParseError);
    CHECK_THROWS_AS(parse_test_list(ListFormat::Ctest, R"({"kind":"ctestInfo"})"), bisectr::util::ParseError);
    CHECK_THROWS_AS(parse_test_list(ListFormat::Ctest, R"({"tests":[{"nom":"x"}]})"), bisectr::util::ParseError);
  }
  SUBCASE("subunit belongs to the stream module")
  {
    CHECK_THROWS_WITH_AS(parse_test_list(ListFormat::Subunit, "\xb3"), doctest::Contains("stream module"),
                         bisectr::util::Error);
  }
}
