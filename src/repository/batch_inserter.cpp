#include "batch_inserter.hpp"

#include "statement_cache.hpp"

#include <cstring>

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

void bind_value(SQLite::Statement& statement, int index, const Value& value)
{
  if (const auto* number = std::get_if<std::int64_t>(&value)) {
    statement.bind(index, *number);
  } else if (const auto* text = std::get_if<std::string>(&value)) {
    statement.bindNoCopy(index, *text);
  } else if (const auto* kept = std::get_if<std::string_view>(&value)) {
    // SQLiteCpp binds a text without a copy only from a std::string or a C string: a view
    // followed by a NUL (see Value) goes as the C string, unless it holds a NUL of its own.
    if (std::memchr(kept->data(), '\0', kept->size()) == nullptr) {
      statement.bindNoCopy(index, kept->data());
    } else {
      statement.bind(index, std::string(*kept));
    }
  } else {
    statement.bind(index);
  }
}

} // namespace

BatchInserter::BatchInserter(StatementCache& statements, const std::string& target, int columns, int batch_rows,
                             const std::string& verb)
    : m_statements(statements), m_batch_sql(insert_sql(verb, target, columns, batch_rows)),
      m_single_sql(insert_sql(verb, target, columns, 1)), m_columns(static_cast<std::size_t>(columns)),
      m_batch_rows(static_cast<std::size_t>(batch_rows))
{
}

std::string BatchInserter::single_row_sql(const std::string& target, int columns, const std::string& verb)
{
  return insert_sql(verb, target, columns, 1);
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

void BatchInserter::bind_rows(SQLite::Statement& statement, std::size_t first_row, std::size_t rows)
{
  for (std::size_t i = 0; i < rows * m_columns; ++i) {
    bind_value(statement, static_cast<int>(i + 1), m_values[first_row * m_columns + i]);
  }
  statement.exec();
  statement.reset();
}

void BatchInserter::flush()
{
  const std::size_t rows = m_values.size() / m_columns;
  if (rows == m_batch_rows) {
    bind_rows(m_statements.get(m_batch_sql), 0, rows);
  } else {
    for (std::size_t row = 0; row < rows; ++row) {
      bind_rows(m_statements.get(m_single_sql), row, 1);
    }
  }
  m_values.clear();
}

} // namespace bisectr::repository::detail
