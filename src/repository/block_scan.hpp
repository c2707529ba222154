#pragma once

#include "result_block.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
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

/// One result kept in a chunk, without its test's name: its run, its worker's id and its fields.
using BlockEntryVisitor = std::function<void(std::int64_t run, std::int64_t worker, const BlockEntry& entry)>;

/// Visits every result kept in chunks by the runs that started at or after since_ns, run by run,
/// without decoding the names (the entries carry their test's id).
void for_each_block_entry_since(SQLite::Database& db, std::int64_t since_ns, const BlockEntryVisitor& visit);

/// The ids of the tests the chunks of all runs but `except` hold.
std::unordered_set<std::int64_t> block_test_ids(SQLite::Database& db, std::optional<std::int64_t> except);

} // namespace bisectr::repository::detail
