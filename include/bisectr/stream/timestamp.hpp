#pragma once

#include "bisectr/model/event.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace bisectr::stream {

/// Parses "YYYY-MM-DD[T| ]HH:MM:SS[.fraction][Z|+HH:MM|-HH:MM]" (no zone means UTC); nullopt if malformed.
std::optional<model::TimePoint> parse_iso8601(std::string_view text);

/// Formats as "YYYY-MM-DD<separator>HH:MM:SS.ffffff" in UTC, microseconds, followed by suffix.
std::string format_iso8601(model::TimePoint time, char separator = 'T', std::string_view suffix = "");

} // namespace bisectr::stream
