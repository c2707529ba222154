#pragma once

#include "bisectr/config/runner_config.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace bisectr::config {

/// The test ids in a list command's output, in listed order; throws util::Error for
/// ListFormat::Subunit (the caller parses that with the stream module) and util::ParseError
/// for malformed ctest JSON.
std::vector<std::string> parse_test_list(ListFormat format, std::string_view output);

} // namespace bisectr::config
