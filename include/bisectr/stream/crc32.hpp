#pragma once

#include <cstdint>
#include <string_view>

namespace bisectr::stream {

/// The IEEE CRC-32 (zlib's crc32, what subunit v2 packets carry), continuing from `crc`
/// (0 to start). Slicing-by-16: several times faster than zlib on packet-sized buffers.
std::uint32_t crc32(std::string_view bytes, std::uint32_t crc = 0) noexcept;

} // namespace bisectr::stream
