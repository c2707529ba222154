#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace bisectr::util {

/// An instant as ISO 8601 UTC to the second: "2026-11-22T00:03:00Z".
std::string format_time(std::chrono::sys_time<std::chrono::nanoseconds> time);
/// "0.42s", "12.3s", "4m05s", "2h03m".
std::string format_duration(double seconds);
/// "512 B", "1.5 KiB", "200.0 MiB", "2.00 GiB".
std::string format_bytes(std::int64_t bytes);
/// Parses "90", "90s", "500ms", "10m", "8h", "1d" (also "1h30m") into seconds; throws UsageError naming the text.
double parse_duration(std::string_view text);
/// Parses "2G", "512M", "64k", "1024" (bytes; binary units, optional "iB"/"B") into bytes; throws UsageError.
std::int64_t parse_size(std::string_view text);

} // namespace bisectr::util
