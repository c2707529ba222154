#include "blob_codec.hpp"
#include "name_table.hpp"
#include "test_names.hpp"
#include "test_repository_support.hpp"

#include "bisectr/repository/history.hpp"
#include "bisectr/repository/repository.hpp"
#include "bisectr/util/error.hpp"
#include "fakes/temp_dir.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

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
  CHECK_THROWS_AS(decode_names(coded, static_cast<NameCoding>(3), out), bisectr::util::RepositoryError);
}

TEST_CASE("name_hash is 64-bit FNV-1a (stored in every repository: it must never change)")
{
  // The published FNV-1a 64 test vectors.
  CHECK(static_cast<std::uint64_t>(name_hash("")) == 0xcbf29ce484222325ULL);
  CHECK(static_cast<std::uint64_t>(name_hash("a")) == 0xaf63dc4c8601ec8cULL);
  CHECK(static_cast<std::uint64_t>(name_hash("foobar")) == 0x85944171f73967e8ULL);
}

TEST_CASE("two names with one hash: the name decides, in the writer and in history")
{
  bisectr::test::TempDir dir;
  auto repo = bisectr::repository::open_sqlite_repository(dir.path(), true);
  // 40 known tests: a run naming one of them looks it up in SQL (it caches them all only after
  // looking up a sixteenth of them one by one).
  std::vector<bisectr::model::TestResult> results;
  for (int i = 0; i < 40; ++i) {
    results.push_back(bisectr::test::make_result("t" + std::to_string(i), bisectr::model::Status::Success, "w", i));
  }
  bisectr::test::write_run(*repo, results);
  const auto file = bisectr::repository::repository_file(dir.path());
  const auto id_of = [&](const std::string& name) {
    SQLite::Database db(file.string(), SQLite::OPEN_READONLY);
    return db.execAndGet("SELECT id FROM tests WHERE name = '" + name + "'").getInt64();
  };
  const std::int64_t t5 = id_of("t5");
  const std::int64_t t7 = id_of("t7");
  {
    // Forge collisions: t5's hash also points at t7, and t7's at t5 (t5's id is the smaller: that
    // forged row comes first in the index, before t7's own).
    SQLite::Database db(file.string(), SQLite::OPEN_READWRITE);
    db.exec("INSERT INTO test_hashes (hash, id) VALUES (" + std::to_string(name_hash("t5")) + ", " +
            std::to_string(t7) + "), (" + std::to_string(name_hash("t7")) + ", " + std::to_string(t5) + ")");
  }
  REQUIRE(t5 < t7);
  bisectr::test::write_run(*repo, {bisectr::test::make_result("t7", bisectr::model::Status::Fail, "w", 0)}, 10.0);
  {
    SQLite::Database db(file.string(), SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("SELECT count(*) FROM tests").getInt() == 40);  // t7 was found, not added
    // The failure is a row (schema v11: passes are in the order chunks only), under t7's id.
    CHECK(db.execAndGet("SELECT count(*) FROM results WHERE test = " + std::to_string(t7)).getInt() == 1);
    CHECK(db.execAndGet("SELECT count(*) FROM results WHERE test = " + std::to_string(t5)).getInt() == 0);
  }
  const auto history = repo->history().test_history("t7");
  REQUIRE(history.size() == 2);
  CHECK(history[1].status == bisectr::model::Status::Fail);
  CHECK(repo->history().test_history("t5").size() == 1);
}

TEST_CASE("untrusted names go into the batched INSERTs byte for byte (NUL, newline, empty)")
{
  bisectr::test::TempDir dir;
  auto repo = bisectr::repository::open_sqlite_repository(dir.path(), true);
  // 300 results: two full batches of 128 rows and a remainder written one row at a time; every
  // seventh fails, so its name (and its predecessor's) is also a column of a `results` row.
  std::vector<std::string> names;
  std::vector<bisectr::model::TestResult> results;
  for (int i = 0; i < 300; ++i) {
    std::string name = "mod.t" + std::to_string(i);
    if (i == 0) {
      name.clear();  // the first name of the writer's table: an empty text, not NULL
    } else if (i % 50 == 0) {
      name = std::string("nul\0inside", 10) + std::to_string(i);
    } else if (i % 11 == 0) {
      name += "\nsecond line";
    }
    names.push_back(name);
    const auto status = i % 7 == 0 ? bisectr::model::Status::Fail : bisectr::model::Status::Success;
    results.push_back(bisectr::test::make_result(name, status, "w", i));
  }
  bisectr::test::write_run(*repo, results);
  CHECK(repo->worker_order(1, "w") == names);
  SQLite::Database db(bisectr::repository::repository_file(dir.path()).string(), SQLite::OPEN_READONLY);
  const auto text = [](const SQLite::Column& column) {
    return std::string(static_cast<const char*>(column.getBlob()), static_cast<std::size_t>(column.getBytes()));
  };
  std::vector<std::string> stored;
  SQLite::Statement tests(db, "SELECT name FROM tests ORDER BY id");
  while (tests.executeStep()) {
    stored.push_back(text(tests.getColumn(0)));
  }
  CHECK(stored == names);
  CHECK(db.execAndGet("SELECT count(*) FROM tests WHERE name IS NULL").getInt() == 0);
  CHECK(db.execAndGet("SELECT count(*) FROM results WHERE test_name IS NULL").getInt() == 0);
  SQLite::Statement failures(db, "SELECT sequence, test_name, previous_name FROM results ORDER BY sequence");
  int rows = 0;
  while (failures.executeStep()) {
    const auto sequence = static_cast<std::size_t>(failures.getColumn(0).getInt64());
    CHECK(text(failures.getColumn(1)) == names[sequence]);
    if (sequence > 0) {
      CHECK(text(failures.getColumn(2)) == names[sequence - 1]);
    }
    ++rows;
  }
  CHECK(rows == 43);  // 0, 7, ..., 294
}
