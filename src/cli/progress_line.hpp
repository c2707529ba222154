#pragma once

#include <ostream>
#include <string>

namespace bisectr::cli {

/// A single updating status line on a terminal (rewritten in place with \r); silent when the
/// stream is not a terminal, so logs and pipes get only the final results.
class ProgressLine
{
public:
  ProgressLine(std::ostream& out, bool is_terminal) : m_out(out), m_terminal(is_terminal) {}
  /// Replaces the line's text.
  void update(const std::string& text);
  /// Clears the line so the next output starts on a clean one.
  void finish();

private:
  std::ostream& m_out;
  bool m_terminal;
  std::size_t m_width = 0;
};

} // namespace bisectr::cli
