#include "bisectr/stream/utf8.hpp"

#include <cstdint>
#include <cstring>

namespace bisectr::stream {

namespace {

// Length of the sequence a lead byte starts, 0 for a byte that cannot lead.
std::size_t sequence_length(unsigned char lead)
{
  if (lead < 0x80) {
    return 1;
  }
  if (lead >= 0xC2 && lead <= 0xDF) {
    return 2;
  }
  if (lead >= 0xE0 && lead <= 0xEF) {
    return 3;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    return 4;
  }
  return 0;
}

// True if the `words` 8-byte words at bytes have no byte above 0x7F.
bool is_ascii(const unsigned char* bytes, std::size_t words)
{
  std::uint64_t any = 0;
  for (std::size_t w = 0; w < words; ++w) {
    std::uint64_t word = 0;
    std::memcpy(&word, bytes + w * 8, sizeof word);
    any |= word;
  }
  return (any & 0x8080808080808080ULL) == 0;
}

bool is_continuation(unsigned char byte) { return (byte & 0xC0U) == 0x80U; }

// The second byte's range is narrower after E0, ED, F0 and F4 (overlongs, surrogates, > U+10FFFF).
bool second_byte_ok(unsigned char lead, unsigned char second)
{
  switch (lead) {
  case 0xE0: return second >= 0xA0 && second <= 0xBF;
  case 0xED: return second >= 0x80 && second <= 0x9F;
  case 0xF0: return second >= 0x90 && second <= 0xBF;
  case 0xF4: return second >= 0x80 && second <= 0x8F;
  default: return is_continuation(second);
  }
}

} // namespace

bool is_valid_utf8(std::string_view text) noexcept
{
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  std::size_t i = 0;
  while (i < size) {
    // Test ids are almost always ASCII: check 32, then 8 bytes at a time.
    if (i + 32 <= size && is_ascii(bytes + i, 4)) {
      i += 32;
      continue;
    }
    if (i + 8 <= size && is_ascii(bytes + i, 1)) {
      i += 8;
      continue;
    }
    const std::size_t length = sequence_length(bytes[i]);
    if (length == 0 || i + length > size) {
      return false;
    }
    if (length > 1 && !second_byte_ok(bytes[i], bytes[i + 1])) {
      return false;
    }
    for (std::size_t k = 2; k < length; ++k) {
      if (!is_continuation(bytes[i + k])) {
        return false;
      }
    }
    i += length;
  }
  return true;
}

} // namespace bisectr::stream
