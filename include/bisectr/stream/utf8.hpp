#pragma once

#include <string_view>

namespace bisectr::stream {

/// True if text is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view text) noexcept;

} // namespace bisectr::stream
