#pragma once

#include <cstddef>

namespace bisectr::stream {

/// The longest test id any reader accepts. Real ids are far shorter; a longer one could not be
/// passed back to a runner as one argv element (Linux caps those at 128 KiB) and would only bloat
/// every view, so it is refused as hostile input.
inline constexpr std::size_t k_max_test_id_bytes = 64 * 1024;

} // namespace bisectr::stream
