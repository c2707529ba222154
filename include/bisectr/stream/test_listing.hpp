#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace bisectr::stream {

/// The ids of the `exists` packets in a subunit v2 stream, in stream order without duplicates:
/// what `python3 -m subunit.run discover --list` prints. Throws util::ParseError on a bad stream.
std::vector<std::string> list_test_ids(std::string_view subunit_bytes, const std::string& source_name);

} // namespace bisectr::stream
