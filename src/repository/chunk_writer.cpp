#include "chunk_writer.hpp"

#include "blob_codec.hpp"
#include "sqlite_support.hpp"
#include "bisectr/util/error.hpp"

#include <algorithm>
#include <numeric>
#include <vector>

namespace bisectr::repository::detail {

namespace {

constexpr const char* k_insert_names = "INSERT INTO worker_order (run, worker, chunk, names, coding) VALUES (?, ?, ?, ?, 2)";
constexpr const char* k_insert_results = "INSERT INTO worker_results (run, worker, chunk, results) VALUES (?, ?, ?, ?)";
constexpr const char* k_set_count = "UPDATE workers SET order_chunks = ? WHERE id = ?";
constexpr const char* k_read_worker =
    "SELECT o.names, r.results FROM worker_order o LEFT JOIN worker_results r ON r.run = o.run AND r.worker = o.worker AND "
    "r.chunk = o.chunk WHERE o.run = ?1 AND o.worker = ?2 ORDER BY o.chunk";
constexpr const char* k_drop_names = "DELETE FROM worker_order WHERE run = ? AND worker = ?";
constexpr const char* k_drop_results = "DELETE FROM worker_results WHERE run = ? AND worker = ?";

} // namespace

ChunkWriter::ChunkWriter(StatementCache& statements, std::int64_t run) : m_statements(statements), m_run(run) {}

void ChunkWriter::prepare_statements(StatementCache& statements)
{
  for (const char* sql : {k_insert_names, k_insert_results, k_set_count}) {
    statements.get(sql);
  }
}

void ChunkWriter::add(std::int64_t worker, std::string_view name, const BlockEntry& entry, bool in_order)
{
  if (!in_order) {
    m_workers[worker].ordered = false;
  }
  append(worker, name, entry);
}

void ChunkWriter::append(std::int64_t worker, std::string_view name, const BlockEntry& entry)
{
  Chunks& chunks = m_workers[worker];
  append_front_coded(chunks.names, chunks.previous, name);
  chunks.results.append(entry);
  if (++chunks.count == k_order_chunk_names || chunks.names.size() >= k_order_chunk_bytes) {
    write(worker, chunks);
  }
}

void ChunkWriter::write(std::int64_t worker, Chunks& chunks)
{
  SQLite::Statement& names = m_statements.get(k_insert_names);
  names.bind(1, m_run);
  names.bind(2, worker);
  names.bind(3, chunks.written);
  names.bindNoCopy(4, chunks.names.data(), static_cast<int>(chunks.names.size()));
  names.exec();
  names.reset();
  SQLite::Statement& results = m_statements.get(k_insert_results);
  results.bind(1, m_run);
  results.bind(2, worker);
  results.bind(3, chunks.written);
  results.bindNoCopy(4, chunks.results.bytes().data(), static_cast<int>(chunks.results.bytes().size()));
  results.exec();
  results.reset();
  ++chunks.written;
  chunks.names.clear();
  chunks.previous.clear();
  chunks.results.clear();
  chunks.count = 0;
}

void ChunkWriter::sort(std::int64_t worker)
{
  // Read the worker's chunks back, sort them by sequence (stable) and write them again.
  std::vector<std::string> names;
  std::vector<BlockEntry> entries;
  {
    SQLite::Statement read(m_statements.database(), k_read_worker);
    read.bind(1, m_run);
    read.bind(2, worker);
    while (read.executeStep()) {
      decode_names(column_bytes(read.getColumn(0)), NameCoding::FrontCodedWithResults, names);
      decode_block(column_bytes(read.getColumn(1)), entries);
    }
  }
  if (names.size() != entries.size()) {
    throw util::RepositoryError("worker order chunks of run " + std::to_string(m_run) + " lost their results");
  }
  for (const char* sql : {k_drop_names, k_drop_results}) {
    SQLite::Statement& drop = m_statements.get(sql);
    drop.bind(1, m_run);
    drop.bind(2, worker);
    drop.exec();
    drop.reset();
  }
  std::vector<std::size_t> by_sequence(names.size());
  std::iota(by_sequence.begin(), by_sequence.end(), std::size_t{0});
  std::stable_sort(by_sequence.begin(), by_sequence.end(),
                   [&](std::size_t a, std::size_t b) { return entries[a].sequence < entries[b].sequence; });
  m_workers[worker].written = 0;
  for (const std::size_t i : by_sequence) {
    append(worker, names[i], entries[i]);
  }
}

void ChunkWriter::finish()
{
  SQLite::Statement& set_count = m_statements.get(k_set_count);
  for (auto& [worker, chunks] : m_workers) {
    if (chunks.count > 0) {
      write(worker, chunks);
    }
    if (!chunks.ordered) {
      sort(worker);
      if (chunks.count > 0) {
        write(worker, chunks);
      }
    }
    set_count.bind(1, chunks.written);
    set_count.bind(2, worker);
    set_count.exec();
    set_count.reset();
  }
}

} // namespace bisectr::repository::detail
