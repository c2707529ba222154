#pragma once

#include <iosfwd>
#include <string>
#include <string_view>

namespace bisectr::report {

/// Text safe inside an HTML element or a quoted attribute: & < > " ' become entities, and bytes
/// that are not valid UTF-8 or are control characters (other than tab and newline) become U+FFFD.
std::string html_escape(std::string_view text);

/// Writes html_escape(text) to out without building the whole string.
void write_html_escaped(std::ostream& out, std::string_view text);

} // namespace bisectr::report
