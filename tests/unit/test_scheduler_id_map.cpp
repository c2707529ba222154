#include "bisectr/scheduler/id_map.hpp"

#include <doctest/doctest.h>

using bisectr::scheduler::IdMap;
using bisectr::scheduler::pytest_junit_key;

TEST_CASE("scheduler::pytest_junit_key")
{
  SUBCASE("a method of a class in a package")
  {
    CHECK(pytest_junit_key("tests/test_x.py::TestC::test_f[p]") == "tests.test_x.TestC.test_f[p]");
  }
  SUBCASE("a module-level function")
  {
    CHECK(pytest_junit_key("test_x.py::test_f") == "test_x.test_f");
  }
  SUBCASE("parameters keep their '/', '::' and '.py' untouched")
  {
    CHECK(pytest_junit_key("a/b.py::test_g[x/y.py::z]") == "a.b.test_g[x/y.py::z]");
  }
  SUBCASE("nested classes")
  {
    CHECK(pytest_junit_key("t/test_n.py::TestOuter::TestInner::test_i") == "t.test_n.TestOuter.TestInner.test_i");
  }
  SUBCASE("only a trailing .py is dropped")
  {
    CHECK(pytest_junit_key("pyx/test.pyc_ok.py::test_a") == "pyx.test.pyc_ok.test_a");
  }
}

TEST_CASE("scheduler::IdMap")
{
  SUBCASE("the identity map returns stream ids unchanged")
  {
    IdMap map;
    CHECK(map.is_identity());
    CHECK(map.map("tests.test_x.TestC.test_f") == "tests.test_x.TestC.test_f");
  }
  SUBCASE("pytest JUnit ids map back to the listed node ids")
  {
    const auto map = IdMap::pytest({"tests/test_x.py::TestC::test_f[p]", "tests/test_x.py::test_g", "test_y.py::test_h[1-2]"});
    CHECK_FALSE(map.is_identity());
    CHECK(map.map("tests.test_x.TestC.test_f[p]") == "tests/test_x.py::TestC::test_f[p]");
    CHECK(map.map("tests.test_x.test_g") == "tests/test_x.py::test_g");
    CHECK(map.map("test_y.test_h[1-2]") == "test_y.py::test_h[1-2]");
  }
  SUBCASE("an id the list did not name passes through")
  {
    const auto map = IdMap::pytest({"tests/test_x.py::test_g"});
    CHECK(map.map("conftest.setup_error") == "conftest.setup_error");
  }
  SUBCASE("on a key clash the first listed node id wins")
  {
    const auto map = IdMap::pytest({"a/b.py::test_c", "a.b.py::test_c"});
    CHECK(map.map("a.b.test_c") == "a/b.py::test_c");
  }
}
