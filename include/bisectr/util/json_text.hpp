#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

namespace bisectr::util {

/// Appends `text` as a JSON string literal (quoted and escaped) to `out`. Test ids and
/// tracebacks are untrusted bytes: each byte that does not start a valid UTF-8 sequence (or
/// belongs to a truncated, overlong or surrogate one) becomes U+FFFD, so the output is always
/// valid JSON; valid non-ASCII characters are copied as they are. Runs of plain characters are
/// copied whole, which is what makes writing megabytes of tracebacks cheap.
void append_json_string(std::string& out, std::string_view text);

/// Appends a number as JSON: shortest round-trip form, always with a fraction or an exponent
/// (2.0, not 2) so readers keep it a float; NaN and infinities, which JSON cannot hold, as null.
void append_json_number(std::string& out, double value);

/// Appends an integer, or null when there is none.
void append_json_number(std::string& out, std::optional<std::int64_t> value);

/// Appends an object member's key as nlohmann's dump(indent) lays it out: a comma unless it is the
/// first member, a new line, `indent` spaces, then `"key": `.
void append_json_key(std::string& out, int indent, std::string_view key, bool first = false);

/// For documents written as text piece by piece: writes `text` to `out` and empties it once it
/// holds a megabyte or more, so that memory stays bounded whatever the document's size.
void write_when_large(std::ostream& out, std::string& text);

} // namespace bisectr::util
