#include "bisectr/report/text_table.hpp"

#include <algorithm>
#include <cstddef>
#include <ostream>
#include <stdexcept>

namespace bisectr::report {

namespace {

void write_aligned_row(std::ostream& out, const std::vector<Column>& columns,
                       const std::vector<std::string>& cells, const std::vector<std::size_t>& widths)
{
  std::string line;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const std::string cell = terminal_safe(cells[i]);
    const std::size_t pad = widths[i] - display_width(cell);
    const bool last = i + 1 == cells.size();
    if (columns[i].align == Align::Right) {
      line.append(pad, ' ');
      line += cell;
    } else {
      line += cell;
      if (!last) {
        line.append(pad, ' ');
      }
    }
    if (!last) {
      line += "  ";
    }
  }
  out << line << '\n';
}

void write_plain_row(std::ostream& out, const std::vector<std::string>& cells)
{
  for (std::size_t i = 0; i < cells.size(); ++i) {
    out << (i == 0 ? "" : "\t") << terminal_safe(cells[i]);
  }
  out << '\n';
}

} // namespace

TextTable::TextTable(std::vector<Column> columns) : m_columns(std::move(columns)) {}

void TextTable::add_row(std::vector<std::string> cells)
{
  if (cells.size() != m_columns.size()) {
    throw std::invalid_argument("table row has " + std::to_string(cells.size()) + " cells, expected " +
                                std::to_string(m_columns.size()));
  }
  m_rows.push_back(std::move(cells));
}

void TextTable::write(std::ostream& out, TableStyle style) const
{
  std::vector<std::string> headers;
  for (const auto& column : m_columns) {
    headers.push_back(column.header);
  }
  if (style == TableStyle::Plain) {
    write_plain_row(out, headers);
    for (const auto& row : m_rows) {
      write_plain_row(out, row);
    }
    return;
  }
  std::vector<std::size_t> widths(m_columns.size(), 0);
  for (std::size_t i = 0; i < m_columns.size(); ++i) {
    widths[i] = display_width(headers[i]);
    for (const auto& row : m_rows) {
      widths[i] = std::max(widths[i], display_width(terminal_safe(row[i])));
    }
  }
  write_aligned_row(out, m_columns, headers, widths);
  for (const auto& row : m_rows) {
    write_aligned_row(out, m_columns, row, widths);
  }
}

std::size_t display_width(const std::string& text)
{
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;
  }));
}

std::string terminal_safe(const std::string& text)
{
  std::string safe;
  safe.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const bool c1 = byte == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0xA0 &&
                    static_cast<unsigned char>(text[i + 1]) >= 0x80;
    if (c1) {
      // U+0080..U+009F (C1 controls, e.g. CSI) act like escape sequences on UTF-8 terminals.
      safe += '?';
      ++i;
    } else if (byte < 0x20 || byte == 0x7F) {
      safe += '?';
    } else {
      safe += text[i];
    }
  }
  return safe;
}

} // namespace bisectr::report
