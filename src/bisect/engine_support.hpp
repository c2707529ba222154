#pragma once

#include <cstddef>

namespace bisectr::bisect::detail {

/// a / b rounded up (b > 0).
inline std::size_t ceil_div(std::size_t a, std::size_t b)
{
  return (a + b - 1) / b;
}

} // namespace bisectr::bisect::detail
