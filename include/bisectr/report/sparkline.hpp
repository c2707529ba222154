#pragma once

#include "bisectr/model/status.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace bisectr::report {

/// Which characters a sparkline uses: block elements for a UTF-8 terminal, or plain ASCII.
enum class SparkCharset { Unicode, Ascii };

/// One character per outcome, oldest first: pass '▁' ('.'), failure '█' ('F'), skip '·' ('s'),
/// anything else ' ' ('?'); when there are more than max_width outcomes only the newest
/// max_width - 1 are kept behind a leading '…' ('<').
std::string sparkline(const std::vector<model::Status>& outcomes, SparkCharset charset, std::size_t max_width = 80);

} // namespace bisectr::report
