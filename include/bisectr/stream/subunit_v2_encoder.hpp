#pragma once

#include "bisectr/model/event.hpp"

#include <cstdint>
#include <string>

namespace bisectr::stream {

/// Appends one subunit v2 packet for event (version 2, CRC32) to out, field for field as
/// python-subunit's StreamResultToBytes writes it; Status::Error is written as fail (v2 has no
/// error). Throws util::Error if the packet would exceed the 4 MiB limit (split files first).
void append_v2_packet(std::string& out, const model::Event& event);

/// Appends a subunit v2 variable-length number (1 to 4 bytes, values below 2^30).
void append_v2_number(std::string& out, std::uint32_t value);

/// The largest file chunk that fits in one packet alongside a long test id and tags.
inline constexpr std::size_t k_v2_max_chunk = 4U * 1024U * 1024U - 64U * 1024U;

} // namespace bisectr::stream
