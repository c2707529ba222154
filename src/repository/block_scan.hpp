#pragma once

#include "result_block.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace bisectr::repository::detail {

/// Where a run keeps its results (schema v11): true when in its workers' order chunks (every
/// result there, its failures also as rows), false when as rows (runs written before v11, or no
/// such run).
bool run_has_blocks(SQLite::Database& db, std::int64_t run);

/// One result kept in a chunk: its run, its worker's id, its test's name and its fields.
using BlockVisitor =
    std::function<void(std::int64_t run, std::int64_t worker, const std::string& name, const BlockEntry& entry)>;

/// Visits every result `run` keeps in chunks, worker by worker (id order), each in sequence order.
void for_each_block_result(SQLite::Database& db, std::int64_t run, const BlockVisitor& visit);

/// Visits every result kept in chunks by the runs that started at or after since_ns, run by run;
/// with only_name, at least those of that test (a chunk without it is not decoded further).
void for_each_block_result_since(SQLite::Database& db, std::int64_t since_ns, const BlockVisitor& visit,
                                 const std::string* only_name = nullptr);

/// name_hash of every test name the chunks of all runs but `except` hold.
std::unordered_set<std::int64_t> block_name_hashes(SQLite::Database& db, std::optional<std::int64_t> except);

/// Test ids by name: each looked up once (through test_hashes), or all read at once for a scan
/// of many runs.
class TestIds
{
public:
  TestIds(SQLite::Database& db, bool read_all);
  /// The id of a test name; 0 when the repository does not know it.
  std::int64_t operator()(const std::string& name);

private:
  SQLite::Statement m_find;
  std::unordered_map<std::string, std::int64_t> m_ids;
};

} // namespace bisectr::repository::detail
