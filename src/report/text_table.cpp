#include "bisectr/report/text_table.hpp"

#include "bisectr/util/json_text.hpp"

#include <algorithm>
#include <cstddef>
#include <ostream>
#include <stdexcept>
#include <string>

namespace bisectr::report {

namespace {

// Appends text with the bytes a terminal would act on replaced by '?' (see terminal_safe). Most
// cells have none: they are appended whole.
void append_terminal_safe(std::string& out, const std::string& text)
{
  const auto unsafe = [](unsigned char byte) { return byte < 0x20 || byte == 0x7F || byte == 0xC2; };
  if (std::none_of(text.begin(), text.end(), [&](char c) { return unsafe(static_cast<unsigned char>(c)); })) {
    out += text;
    return;
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const bool c1 = byte == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0xA0 &&
                    static_cast<unsigned char>(text[i + 1]) >= 0x80;
    if (c1) {
      // U+0080..U+009F (C1 controls, e.g. CSI) act like escape sequences on UTF-8 terminals.
      out += '?';
      ++i;
    } else if (byte < 0x20 || byte == 0x7F) {
      out += '?';
    } else {
      out += text[i];
    }
  }
}

void append_aligned_row(std::string& line, const std::vector<Column>& columns,
                        const std::vector<std::string>& cells, const std::vector<std::size_t>& widths)
{
  for (std::size_t i = 0; i < cells.size(); ++i) {
    // terminal_safe keeps the display width: one '?' for each character it replaces.
    const std::size_t pad = widths[i] - display_width(cells[i]);
    const bool last = i + 1 == cells.size();
    if (columns[i].align == Align::Right) {
      line.append(pad, ' ');
      append_terminal_safe(line, cells[i]);
    } else {
      append_terminal_safe(line, cells[i]);
      if (!last) {
        line.append(pad, ' ');
      }
    }
    if (!last) {
      line += "  ";
    }
  }
  line += '\n';
}

void append_plain_row(std::string& line, const std::vector<std::string>& cells)
{
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i != 0) {
      line += '\t';
    }
    append_terminal_safe(line, cells[i]);
  }
  line += '\n';
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
  // Rows are gathered and written about a megabyte at a time: written cell by cell through the
  // stream, `flaky`'s 10,000 rows took 79 million instructions.
  std::string text;
  if (style == TableStyle::Plain) {
    append_plain_row(text, headers);
    for (const auto& row : m_rows) {
      append_plain_row(text, row);
      util::write_when_large(out, text);
    }
  } else {
    std::vector<std::size_t> widths(m_columns.size(), 0);
    for (std::size_t i = 0; i < m_columns.size(); ++i) {
      widths[i] = display_width(headers[i]);
      for (const auto& row : m_rows) {
        widths[i] = std::max(widths[i], display_width(row[i]));
      }
    }
    append_aligned_row(text, m_columns, headers, widths);
    for (const auto& row : m_rows) {
      append_aligned_row(text, m_columns, row, widths);
      util::write_when_large(out, text);
    }
  }
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
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
  append_terminal_safe(safe, text);
  return safe;
}

} // namespace bisectr::report
