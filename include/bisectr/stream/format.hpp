#pragma once

#include <istream>
#include <optional>
#include <string_view>

namespace bisectr::stream {

/// The stream formats bisectr reads and writes.
enum class Format { SubunitV2, SubunitV1, JUnit };

/// "subunit2", "subunit1", "junit".
std::string_view to_string(Format format);
/// Accepts "subunit2"/"subunit"/"v2", "subunit1"/"v1", "junit"/"xml"; nullopt otherwise.
std::optional<Format> format_from_string(std::string_view name);
/// Looks at the first bytes without consuming them: 0xB3 is subunit v2, '<' (after a BOM or
/// whitespace) is JUnit XML, anything else subunit v1.
Format detect_format(std::istream& in);

} // namespace bisectr::stream
