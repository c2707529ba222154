#include "bisectr/config/python_finder.hpp"
#include "fakes/temp_dir.hpp"

#include <doctest/doctest.h>
#include <fstream>

using namespace bisectr::config;
namespace fs = std::filesystem;

TEST_CASE("config::python_candidates")
{
  const std::vector<fs::path> candidates = python_candidates();
  if (fs::exists("/usr/bin/python3")) {
    REQUIRE_FALSE(candidates.empty());
    CHECK(candidates.front() == fs::path("/usr/bin/python3"));
  }
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    for (std::size_t j = i + 1; j < candidates.size(); ++j) {
      CHECK(candidates[i] != candidates[j]);
    }
  }
}

TEST_CASE("config::find_python_with")
{
  SUBCASE("Debian's python has pytest")
  {
    if (!fs::exists("/usr/bin/python3")) {
      return;
    }
    CHECK(find_python_with("pytest") == fs::path("/usr/bin/python3"));
    CHECK(find_python_with("subunit.run") == fs::path("/usr/bin/python3"));
  }
  SUBCASE("a missing module finds nothing")
  {
    CHECK_FALSE(find_python_with("bisectr_no_such_module_xyz"));
  }
  SUBCASE("a name that is not a module is never executed")
  {
    CHECK_FALSE(find_python_with("os; raise SystemExit(0)"));
    CHECK_FALSE(find_python_with(""));
    CHECK_FALSE(find_python_with("os..path"));
  }
  SUBCASE("candidates are tried in order, skipping those that fail")
  {
    const bisectr::test::TempDir temp;
    const fs::path fake = temp / "python-fails";
    std::ofstream(fake) << "#!/bin/sh\nexit 1\n";
    fs::permissions(fake, fs::perms::owner_all);
    const fs::path works = temp / "python-works";
    std::ofstream(works) << "#!/bin/sh\nexit 0\n";
    fs::permissions(works, fs::perms::owner_all);
    CHECK(find_python_with("anything", {temp / "missing", fake, works}) == works);
    CHECK_FALSE(find_python_with("anything", {fake}));
  }
}
