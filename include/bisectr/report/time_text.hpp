#pragma once

#include "bisectr/model/event.hpp"
#include "bisectr/util/units.hpp"

#include <string>
#include <string_view>

namespace bisectr::report {

using util::format_time;

/// A duration in seconds for a person: "0.012s", "4.50s", "2m03s", "1h02m".
std::string format_seconds(double seconds);

/// A byte count for a person: "512 B", "3.2 KiB", "41.0 MiB", "1.20 GiB".
std::string format_bytes(double bytes);

/// A fraction as a percentage with one decimal, as printf's "%.1f%%" gives it: 0.0333 -> "3.3%".
std::string format_percent(double fraction);

/// Parses what --since and --older-than accept: an ISO date "2026-11-01", a date and time
/// "2026-11-01T12:30:00[Z]" (UTC), or an age before now "30m", "12h", "7d", "2w";
/// throws util::UsageError naming the text otherwise.
model::TimePoint parse_time_arg(std::string_view text, model::TimePoint now);

} // namespace bisectr::report
