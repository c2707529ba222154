#include "blob_codec.hpp"
#include "name_table.hpp"

#include "bisectr/util/error.hpp"

#include <doctest/doctest.h>

#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

using namespace bisectr::repository::detail;

TEST_CASE("NameTable agrees with std::map through growth, and keeps every stored name in place")
{
  NameTable table;
  std::map<std::string, std::int64_t> reference;
  std::vector<std::pair<std::string_view, std::string>> stored;  // the table's copy, what it must hold
  std::mt19937_64 random(7);
  CHECK(table.find("absent") == nullptr);
  for (std::int64_t i = 1; i <= 20000; ++i) {
    // Repeats, an empty name, a NUL inside, long names: ids are untrusted bytes.
    std::string name = "mod" + std::to_string(random() % 15000) + ".t";
    if (i % 997 == 0) {
      name = std::string("nul\0inside", 10) + std::to_string(i % 3);
    } else if (i % 1999 == 0) {
      name.clear();
    } else if (i % 3001 == 0) {
      name.append(5000, 'x');
    }
    const auto [it, added] = reference.try_emplace(name, i);
    const std::string_view copy = table.insert(name, i);
    CHECK(copy == name);
    CHECK(copy.data()[copy.size()] == '\0');  // BatchInserter binds it as a C string
    if (added) {
      stored.emplace_back(copy, name);
    }
    REQUIRE(table.find(name) != nullptr);
    CHECK(*table.find(name) == it->second);  // a second insert keeps the first id
  }
  CHECK(table.size() == reference.size());
  for (const auto& [name, id] : reference) {
    const std::int64_t* found = table.find(name);
    REQUIRE(found != nullptr);
    CHECK(*found == id);
  }
  for (const auto& [view, name] : stored) {
    CHECK(view == name);  // growth moved the slots, not the names
  }
  CHECK(table.find("mod15001.t") == nullptr);
  table.reserve(100000);
  CHECK(table.size() == reference.size());
  CHECK(*table.find(stored.front().second) == reference.at(stored.front().second));
}

TEST_CASE("front-coded order chunks round-trip and are smaller than whole names")
{
  const std::vector<std::string> names = {"pkg.mod.Case.test_a", "pkg.mod.Case.test_b", "pkg.mod.Other.test_a",
                                          "pkg", "", std::string("x\0y\nz", 5), "pkg.mod.Case.test_a"};
  std::string coded;
  std::string previous;
  std::string plain;
  for (const std::string& name : names) {
    append_front_coded(coded, previous, name);
    append_name(plain, name);
  }
  CHECK(coded.size() < plain.size());
  std::vector<std::string> out;
  decode_names(coded, NameCoding::FrontCoded, out);
  CHECK(out == names);
  out.clear();
  decode_names(plain, NameCoding::Plain, out);
  CHECK(out == names);
  out.clear();
  CHECK_THROWS_AS(decode_names(coded.substr(0, coded.size() - 1), NameCoding::FrontCoded, out),
                  bisectr::util::RepositoryError);
  CHECK_THROWS_AS(decode_names(coded, static_cast<NameCoding>(2), out), bisectr::util::RepositoryError);
}
