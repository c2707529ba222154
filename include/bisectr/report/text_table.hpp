#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>
#include <vector>

namespace bisectr::report {

/// How a column's cells line up when the table is aligned.
enum class Align { Left, Right };

/// One column: its header and alignment.
struct Column {
  std::string header;
  Align align = Align::Left;
};

/// How a table is written: aligned for a person at a terminal, tab-separated for a pipe.
enum class TableStyle { Aligned, Plain };

/// Rows of text cells under a header, written aligned (terminal) or tab-separated (pipe).
class TextTable
{
public:
  /// A table with these columns; each row must have exactly as many cells.
  explicit TextTable(std::vector<Column> columns);
  /// Appends a row; throws std::invalid_argument when its cell count differs from the columns'.
  void add_row(std::vector<std::string> cells);
  std::size_t row_count() const { return m_rows.size(); }
  /// Writes header and rows; control characters in cells (an escape sequence in a test id)
  /// are written as '?' so that untrusted text cannot drive the terminal.
  void write(std::ostream& out, TableStyle style) const;

private:
  std::vector<Column> m_columns;
  std::vector<std::vector<std::string>> m_rows;
};

/// Columns a terminal shows for text, counting UTF-8 code points (not bytes).
std::size_t display_width(const std::string& text);

/// The text with control characters (C0 including tab, DEL, C1) replaced by '?', safe to print on a terminal.
std::string terminal_safe(const std::string& text);

} // namespace bisectr::report
