#pragma once

#include "bisectr/cli/context.hpp"

#include <cstdint>

namespace bisectr::cli {

/// `bisect --list`: every session with its status, victim, trials and times.
void list_bisect_sessions(const Context& context, bool json);
/// `bisect --show ID`: a session's target, options, trials and current verdict.
void show_bisect_session(const Context& context, std::int64_t id, bool json);

} // namespace bisectr::cli
