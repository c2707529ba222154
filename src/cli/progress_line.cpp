#include "progress_line.hpp"

namespace bisectr::cli {

void ProgressLine::update(const std::string& text)
{
  if (!m_terminal) {
    return;
  }
  m_out << '\r' << text;
  if (text.size() < m_width) {
    m_out << std::string(m_width - text.size(), ' ');
  }
  m_width = text.size();
  m_out.flush();
}

void ProgressLine::finish()
{
  if (m_terminal && m_width > 0) {
    m_out << '\r' << std::string(m_width, ' ') << '\r';
    m_out.flush();
    m_width = 0;
  }
}

} // namespace bisectr::cli
