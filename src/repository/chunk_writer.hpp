#pragma once

#include "result_block.hpp"
#include "statement_cache.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace bisectr::repository::detail {

/// Writes a run's workers' order chunks (schema v11): each worker's test names, front-coded, in
/// worker_order, and beside each chunk its results (result_block.hpp) in worker_results. A chunk
/// is written once it holds k_order_chunk_names names or k_order_chunk_bytes of them, so memory
/// stays bounded per worker. Used inside the run's write transaction.
class ChunkWriter
{
public:
  ChunkWriter(StatementCache& statements, std::int64_t run);
  /// Prepares in the cache the statements a short run uses.
  static void prepare_statements(StatementCache& statements);
  /// Appends a result to its worker's chunk; in_order is false when it came before a result the
  /// worker already had (the worker's chunks are then sorted by sequence in finish()).
  void add(std::int64_t worker, std::string_view name, const BlockEntry& entry, bool in_order);
  /// Writes the last chunks, sorts the workers whose results came out of order, and records each
  /// worker's chunk count (workers.order_chunks).
  void finish();

private:
  /// One worker's chunks being written.
  struct Chunks {
    std::string names;        ///< the chunk being filled (front-coded)
    std::string previous;     ///< the chunk's last name so far
    BlockEncoder results;     ///< the chunk's results, beside its names
    std::size_t count = 0;    ///< names in it
    std::int64_t written = 0; ///< chunks already stored
    bool ordered = true;      ///< false once a result arrived out of sequence order
  };
  void append(std::int64_t worker, std::string_view name, const BlockEntry& entry);
  void write(std::int64_t worker, Chunks& chunks);
  /// Rewrites a worker's stored chunks in sequence order (rare).
  void sort(std::int64_t worker);

  StatementCache& m_statements;
  std::int64_t m_run;
  std::unordered_map<std::int64_t, Chunks> m_workers;
};

} // namespace bisectr::repository::detail
