#pragma once

#include <SQLiteCpp/SQLiteCpp.h>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace bisectr::repository::detail {

class StatementCache;

/// How many of a run's slowest results the run_slowest table keeps (schema version 4).
inline constexpr std::size_t k_slowest_kept = 1000;

/// Keeps the k_slowest_kept slowest results a writer adds (a bounded min-heap), to be written
/// to run_slowest at commit.
class SlowestKeeper
{
public:
  /// Offers one result with a duration.
  void add(std::int64_t result_id, std::int64_t test, std::int64_t duration_ns);
  /// Inserts the kept results as the run's ranked rows, slowest first (rank 1).
  void write(StatementCache& statements, std::int64_t run) const;
  /// Prepares the statement write() uses.
  static void prepare_statements(StatementCache& statements);

private:
  struct Entry {
    std::int64_t duration_ns;
    std::int64_t result_id;
    std::int64_t test;
  };
  std::vector<Entry> m_heap;
};

} // namespace bisectr::repository::detail
