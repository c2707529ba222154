#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace bisectr::config {

/// Parses "90s", "10m", "1h30m", "250ms", "0" (a bare number is seconds); nullopt if malformed.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

} // namespace bisectr::config
