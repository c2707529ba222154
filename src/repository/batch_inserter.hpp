#pragma once

#include <SQLiteCpp/SQLiteCpp.h>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

struct sqlite3_stmt;

namespace bisectr::repository::detail {

class StatementCache;

/// One bound value: NULL, an integer, a text, or a text the caller keeps alive and unchanged
/// until the next flush() (no copy per row).
using Value = std::variant<std::monostate, std::int64_t, std::string, std::string_view>;

/// Inserts rows into one table many at a time (one multi-row INSERT per batch), which saves
/// SQLite's per-statement work on bulk imports; rows become visible only after flush().
class BatchInserter
{
public:
  /// target is "table (col1, col2, ...)" with `columns` columns; verb is "INSERT" or e.g.
  /// "INSERT OR REPLACE". The statements come from (and stay in) the cache, each prepared on
  /// first use: parsing the statement of batch_rows x columns parameters costs about a
  /// millisecond, most of a one-test run's write, and only a full batch needs it.
  BatchInserter(StatementCache& statements, const std::string& target, int columns, int batch_rows,
                const std::string& verb = "INSERT");
  /// Prepares in the cache the one-row statement such an inserter uses for rows short of a full
  /// batch (a one-test run writes only those).
  static void prepare(StatementCache& statements, const std::string& target, int columns,
                      const std::string& verb = "INSERT");
  /// Appends one value of the current row; a row is complete after `columns` values.
  void push(Value value);
  /// Writes the complete rows buffered so far.
  void flush();

private:
  void bind_rows(sqlite3_stmt* statement, std::size_t first_row, std::size_t rows);

  StatementCache& m_statements;
  std::string m_batch_sql;
  std::string m_single_sql;
  std::size_t m_columns;
  std::size_t m_batch_rows;
  std::vector<Value> m_values;
  /// The batch statement, from the cache at the first full batch. Every batch binds all its
  /// parameters, so it is only reset between batches: clearing 1,152 bindings and finding the
  /// statement by its text (a few KB) each time were a tenth of a bulk insert.
  sqlite3_stmt* m_batch = nullptr;
};

} // namespace bisectr::repository::detail
