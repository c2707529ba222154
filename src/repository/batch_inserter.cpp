#include "batch_inserter.hpp"

#include "statement_cache.hpp"

#include <sqlite3.h>

namespace bisectr::repository::detail {

namespace {

std::string insert_sql(const std::string& verb, const std::string& target, int columns, int rows)
{
  std::string row = "(";
  for (int c = 0; c < columns; ++c) {
    row += c == 0 ? "?" : ", ?";
  }
  row += ")";
  std::string sql = verb + " INTO " + target + " VALUES ";
  for (int r = 0; r < rows; ++r) {
    sql += r == 0 ? row : ", " + row;
  }
  return sql;
}

int bind_value(sqlite3_stmt* statement, int index, const Value& value)
{
  // Texts are bound with their length and without a copy: they stay alive until the step.
  if (const auto* number = std::get_if<std::int64_t>(&value)) {
    return sqlite3_bind_int64(statement, index, *number);
  }
  if (const auto* text = std::get_if<std::string>(&value)) {
    return sqlite3_bind_text64(statement, index, text->data(), text->size(), SQLITE_STATIC, SQLITE_UTF8);
  }
  if (const auto* kept = std::get_if<std::string_view>(&value)) {
    // An empty view may have no data at all, and SQLite binds a null pointer as NULL, not ''.
    return sqlite3_bind_text64(statement, index, kept->empty() ? "" : kept->data(), kept->size(), SQLITE_STATIC,
                               SQLITE_UTF8);
  }
  return sqlite3_bind_null(statement, index);
}

} // namespace

BatchInserter::BatchInserter(StatementCache& statements, const std::string& target, int columns, int batch_rows,
                             const std::string& verb)
    : m_statements(statements), m_batch_sql(insert_sql(verb, target, columns, batch_rows)),
      m_single_sql(insert_sql(verb, target, columns, 1)), m_columns(static_cast<std::size_t>(columns)),
      m_batch_rows(static_cast<std::size_t>(batch_rows))
{
}

void BatchInserter::prepare(StatementCache& statements, const std::string& target, int columns, const std::string& verb)
{
  statements.raw(insert_sql(verb, target, columns, 1));
}

void BatchInserter::push(Value value)
{
  if (m_values.capacity() == 0) {
    m_values.reserve(m_columns * m_batch_rows);
  }
  m_values.push_back(std::move(value));
  if (m_values.size() == m_columns * m_batch_rows) {
    flush();
  }
}

void BatchInserter::bind_rows(sqlite3_stmt* statement, std::size_t first_row, std::size_t rows)
{
  SQLite::Database& db = m_statements.database();
  for (std::size_t i = 0; i < rows * m_columns; ++i) {
    if (const int status = bind_value(statement, static_cast<int>(i + 1), m_values[first_row * m_columns + i]);
        status != SQLITE_OK) {
      sqlite3_reset(statement);
      db.check(status);
    }
  }
  const int status = sqlite3_step(statement);
  sqlite3_reset(statement);
  if (status != SQLITE_DONE) {
    db.check(status == SQLITE_ROW ? SQLITE_MISUSE : status);
  }
}

void BatchInserter::flush()
{
  const std::size_t rows = m_values.size() / m_columns;
  if (rows == m_batch_rows) {
    if (m_batch == nullptr) {
      m_batch = m_statements.raw(m_batch_sql);
    }
    bind_rows(m_batch, 0, rows);
  } else {
    for (std::size_t row = 0; row < rows; ++row) {
      bind_rows(m_statements.raw(m_single_sql), row, 1);
    }
  }
  m_values.clear();
}

} // namespace bisectr::repository::detail
