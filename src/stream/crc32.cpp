#include "bisectr/stream/crc32.hpp"

#include <array>
#include <bit>
#include <cstring>

namespace bisectr::stream {

namespace {

using Tables = std::array<std::array<std::uint32_t, 256>, 16>;

constexpr Tables make_tables()
{
  Tables tables{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) {
      c = (c >> 1U) ^ (0xEDB88320U & (0U - (c & 1U)));
    }
    tables[0][i] = c;
  }
  for (std::size_t i = 0; i < 256; ++i) {
    for (std::size_t slice = 1; slice < 16; ++slice) {
      const std::uint32_t previous = tables[slice - 1][i];
      tables[slice][i] = (previous >> 8U) ^ tables[0][previous & 0xFFU];
    }
  }
  return tables;
}

constexpr Tables k_tables = make_tables();

std::uint32_t entry(std::size_t slice, std::uint64_t word, unsigned shift)
{
  return k_tables[slice][(word >> shift) & 0xFFU];
}

} // namespace

std::uint32_t crc32(std::string_view bytes, std::uint32_t crc) noexcept
{
  static_assert(std::endian::native == std::endian::little, "slicing here assumes a little-endian machine");
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t n = bytes.size();
  std::uint32_t c = ~crc;
  while (n >= 16) {
    std::uint64_t low = 0;
    std::uint64_t high = 0;
    std::memcpy(&low, p, sizeof low);
    std::memcpy(&high, p + 8, sizeof high);
    low ^= c;
    c = entry(15, low, 0) ^ entry(14, low, 8) ^ entry(13, low, 16) ^ entry(12, low, 24) ^ entry(11, low, 32) ^
        entry(10, low, 40) ^ entry(9, low, 48) ^ entry(8, low, 56) ^ entry(7, high, 0) ^ entry(6, high, 8) ^
        entry(5, high, 16) ^ entry(4, high, 24) ^ entry(3, high, 32) ^ entry(2, high, 40) ^ entry(1, high, 48) ^
        entry(0, high, 56);
    p += 16;
    n -= 16;
  }
  if (n >= 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, p, sizeof word);
    word ^= c;
    c = entry(7, word, 0) ^ entry(6, word, 8) ^ entry(5, word, 16) ^ entry(4, word, 24) ^ entry(3, word, 32) ^
        entry(2, word, 40) ^ entry(1, word, 48) ^ entry(0, word, 56);
    p += 8;
    n -= 8;
  }
  for (; n > 0; --n, ++p) {
    c = (c >> 8U) ^ k_tables[0][(c ^ *p) & 0xFFU];
  }
  return ~c;
}

} // namespace bisectr::stream
