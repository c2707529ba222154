#include "bisectr/stream/crc32.hpp"

#include <doctest/doctest.h>
#include <zlib.h>

#include <random>
#include <string>

TEST_CASE("stream::crc32")
{
  SUBCASE("the standard check value")
  {
    CHECK(bisectr::stream::crc32("123456789") == 0xCBF43926U);
    CHECK(bisectr::stream::crc32("") == 0U);
  }
  SUBCASE("agrees with zlib on every length and alignment, and continues across pieces")
  {
    std::mt19937 random(42);
    std::string bytes(4096, '\0');
    for (auto& c : bytes) {
      c = static_cast<char>(random() & 0xFFU);
    }
    for (std::size_t offset = 0; offset < 8; ++offset) {
      for (std::size_t length = 0; length < 300; length += 7) {
        const std::string_view piece = std::string_view(bytes).substr(offset, length);
        const auto expected = static_cast<std::uint32_t>(
          crc32(0UL, reinterpret_cast<const Bytef*>(piece.data()), static_cast<uInt>(piece.size())));
        CHECK(bisectr::stream::crc32(piece) == expected);
        CHECK(bisectr::stream::crc32(piece.substr(length / 2), bisectr::stream::crc32(piece.substr(0, length / 2))) == expected);
      }
    }
  }
}
