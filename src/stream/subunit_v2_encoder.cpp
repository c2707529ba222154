#include "bisectr/stream/subunit_v2_encoder.hpp"

#include "bisectr/stream/crc32.hpp"
#include "bisectr/stream/subunit_v2_parser.hpp"
#include "bisectr/util/error.hpp"

namespace bisectr::stream {

namespace {

void append_be(std::string& out, std::uint32_t value, int bytes)
{
  for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> static_cast<unsigned>(shift)) & 0xFFU));
  }
}

void append_utf8(std::string& out, const std::string& text)
{
  append_v2_number(out, static_cast<std::uint32_t>(text.size()));
  out += text;
}

std::uint16_t status_code(model::Status status)
{
  return status == model::Status::Error ? std::uint16_t{6} : static_cast<std::uint16_t>(status);
}

// Everything between the length field and the CRC; sets the presence flags as it goes.
std::string encode_fields(const model::Event& event, std::uint16_t& flags)
{
  std::string fields;
  if (event.timestamp) {
    flags |= 0x0200;
    const auto since_epoch = event.timestamp->time_since_epoch();
    const auto seconds = std::chrono::floor<std::chrono::seconds>(since_epoch);
    append_be(fields, static_cast<std::uint32_t>(seconds.count()), 4);
    append_v2_number(fields, static_cast<std::uint32_t>((since_epoch - seconds).count()));
  }
  if (!event.test_id.empty()) {
    flags |= 0x0800;
    append_utf8(fields, event.test_id);
  }
  if (!event.tags.empty()) {
    flags |= 0x0080;
    append_v2_number(fields, static_cast<std::uint32_t>(event.tags.size()));
    for (const auto& tag : event.tags) {
      append_utf8(fields, tag);
    }
  }
  if (event.file && !event.file->mime_type.empty()) {
    flags |= 0x0020;
    append_utf8(fields, event.file->mime_type);
  }
  if (event.file) {
    flags = static_cast<std::uint16_t>(flags | (event.file->eof ? 0x0050U : 0x0040U));
    append_utf8(fields, event.file->name);
    append_utf8(fields, event.file->bytes);
  }
  if (!event.route_code.empty()) {
    flags |= 0x0400;
    append_utf8(fields, event.route_code);
  }
  return fields;
}

} // namespace

void append_v2_number(std::string& out, std::uint32_t value)
{
  if (value < 0x40U) {
    append_be(out, value, 1);
  } else if (value < 0x4000U) {
    append_be(out, value | 0x4000U, 2);
  } else if (value < 0x400000U) {
    append_be(out, value | 0x800000U, 3);
  } else if (value < 0x40000000U) {
    append_be(out, value | 0xC0000000U, 4);
  } else {
    throw util::Error("subunit v2: value too large to encode: " + std::to_string(value));
  }
}

void append_v2_packet(std::string& out, const model::Event& event)
{
  auto flags = static_cast<std::uint16_t>(0x2000U | (event.runnable ? 0x0100U : 0U) | status_code(event.status));
  const std::string fields = encode_fields(event, flags);
  // The length counts the whole packet, its own field included.
  const std::size_t base = 3 + fields.size() + 4;
  const std::size_t length_size = base + 1 <= 63 ? 1 : base + 2 <= 16383 ? 2 : 3;
  const std::size_t length = base + length_size;
  if (length > SubunitV2Parser::k_max_packet_length) {
    throw util::Error("subunit v2: packet of " + std::to_string(length) + " bytes exceeds the 4 MiB limit");
  }
  const std::size_t start = out.size();
  out.push_back(static_cast<char>(0xB3));
  append_be(out, flags, 2);
  append_v2_number(out, static_cast<std::uint32_t>(length));
  out += fields;
  append_be(out, crc32(std::string_view(out).substr(start)), 4);
}

} // namespace bisectr::stream
