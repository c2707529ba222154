#pragma once
// The body the three fuzz targets share: one stream format, parsed whole and in pieces.

#include "bisectr/stream/format.hpp"

#include <cstddef>
#include <cstdint>

namespace bisectr::fuzz {

/// Parses data as format through a ResultAssembler twice, once whole and once cut at points
/// derived from the data; a util::ParseError is an expected refusal. Aborts when an invariant
/// breaks: a refusal that is not one line naming the source, results out of sequence, or the
/// two passes disagreeing (results, leftovers or error message).
void parse_whole_and_in_pieces(stream::Format format, const std::uint8_t* data, std::size_t size);

} // namespace bisectr::fuzz
