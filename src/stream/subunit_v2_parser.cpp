#include "bisectr/stream/subunit_v2_parser.hpp"

#include "bisectr/stream/crc32.hpp"
#include "bisectr/stream/limits.hpp"
#include "bisectr/stream/utf8.hpp"
#include "bisectr/util/error.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <utility>

namespace bisectr::stream {

namespace {

constexpr unsigned char k_signature = 0xB3;
constexpr std::uint16_t k_flag_test_id = 0x0800;
constexpr std::uint16_t k_flag_route_code = 0x0400;
constexpr std::uint16_t k_flag_timestamp = 0x0200;
constexpr std::uint16_t k_flag_runnable = 0x0100;
constexpr std::uint16_t k_flag_tags = 0x0080;
constexpr std::uint16_t k_flag_file_content = 0x0040;
constexpr std::uint16_t k_flag_mime_type = 0x0020;
constexpr std::uint16_t k_flag_eof = 0x0010;
constexpr std::uint16_t k_status_mask = 0x0007;
// Signature, two flag bytes and a length field of one to three bytes.
constexpr std::size_t k_min_header = 4;
constexpr std::size_t k_crc_size = 4;

unsigned char byte_at(std::string_view data, std::size_t pos) { return static_cast<unsigned char>(data[pos]); }

std::uint32_t read_be32(std::string_view data, std::size_t pos)
{
  return (std::uint32_t{byte_at(data, pos)} << 24U) | (std::uint32_t{byte_at(data, pos + 1)} << 16U) |
         (std::uint32_t{byte_at(data, pos + 2)} << 8U) | std::uint32_t{byte_at(data, pos + 3)};
}

// Walks the fields of one packet body; every read is bounds-checked against the CRC position.
class FieldReader
{
public:
  FieldReader(std::string_view body, std::size_t pos) : m_body(body), m_pos(pos) {}

  bool ok() const { return m_error == nullptr; }
  const char* error() const { return m_error; }

  std::uint32_t number()
  {
    if (!need(1)) {
      return 0;
    }
    const std::size_t size = (byte_at(m_body, m_pos) >> 6U) + 1U;
    if (!need(size)) {
      return 0;
    }
    std::uint32_t value = byte_at(m_body, m_pos) & 0x3FU;
    for (std::size_t i = 1; i < size; ++i) {
      value = (value << 8U) | byte_at(m_body, m_pos + i);
    }
    m_pos += size;
    return value;
  }

  std::uint32_t be32()
  {
    if (!need(4)) {
      return 0;
    }
    const std::uint32_t value = read_be32(m_body, m_pos);
    m_pos += 4;
    return value;
  }

  std::string_view bytes(std::size_t count)
  {
    if (!need(count)) {
      return {};
    }
    const std::string_view out = m_body.substr(m_pos, count);
    m_pos += count;
    return out;
  }

  // A count of items that take at least a byte each, so no more than the bytes left.
  std::uint32_t count()
  {
    const std::uint32_t value = number();
    if (ok() && value > m_body.size() - m_pos) {
      m_error = "tag count exceeds the packet size";
    }
    return ok() ? value : 0;
  }

  // A length-prefixed UTF-8 string without NUL bytes.
  std::string_view utf8(const char* invalid_message)
  {
    const std::string_view text = bytes(number());
    if (ok() && (std::memchr(text.data(), 0, text.size()) != nullptr || !is_valid_utf8(text))) {
      m_error = invalid_message;
    }
    return text;
  }

  // Refuses the packet for a reason found outside the reader (the first reason stands).
  void refuse(const char* why)
  {
    if (m_error == nullptr) {
      m_error = why;
    }
  }

private:
  bool need(std::size_t count)
  {
    if (m_error == nullptr && count > m_body.size() - m_pos) {
      m_error = "field extends past the end of the packet";
    }
    return m_error == nullptr;
  }

  std::string_view m_body;
  std::size_t m_pos;
  const char* m_error = nullptr;
};

// Reads the optional fields in the order python-subunit writes them, reusing event's storage.
void read_fields(FieldReader& reader, std::uint16_t flags, model::Event& event)
{
  event.timestamp.reset();
  if ((flags & k_flag_timestamp) != 0) {
    const std::uint32_t seconds = reader.be32();
    const std::uint32_t nanos = reader.number();
    event.timestamp = model::TimePoint{std::chrono::seconds{seconds}} + std::chrono::nanoseconds{nanos};
  }
  event.test_id.assign((flags & k_flag_test_id) != 0 ? reader.utf8("test id is not valid UTF-8") : std::string_view{});
  static_assert(k_max_test_id_bytes == 65536, "the refusal below names the limit");
  if (event.test_id.size() > k_max_test_id_bytes) {
    reader.refuse("test id longer than 65536 bytes");
  }
  event.tags.resize((flags & k_flag_tags) != 0 ? reader.count() : 0);
  for (auto& tag : event.tags) {
    tag.assign(reader.utf8("tag is not valid UTF-8"));
  }
  event.file.reset();
  std::string_view mime_type;
  if ((flags & k_flag_mime_type) != 0) {
    mime_type = reader.utf8("MIME type is not valid UTF-8");
  }
  if ((flags & k_flag_file_content) != 0) {
    const std::string_view name = reader.utf8("file name is not valid UTF-8");
    const std::string_view bytes = reader.bytes(reader.number());
    event.file = model::FileChunk{std::string(name), std::string(mime_type), std::string(bytes), (flags & k_flag_eof) != 0};
  }
  event.route_code.assign((flags & k_flag_route_code) != 0 ? reader.utf8("route code is not valid UTF-8")
                                                           : std::string_view{});
  event.runnable = (flags & k_flag_runnable) != 0;
  event.status = static_cast<model::Status>(flags & k_status_mask);
}

} // namespace

SubunitV2Parser::SubunitV2Parser(std::string source_name, EventHandler handler)
  : m_source(std::move(source_name)), m_handler(std::move(handler))
{
}

void SubunitV2Parser::fail(const std::string& what) const
{
  throw util::ParseError("subunit v2: " + what, m_source, m_error_at, util::ParseError::Unit::Byte);
}

void SubunitV2Parser::feed(std::string_view bytes)
{
  if (!m_pending.empty()) {
    top_up_pending(bytes);
    if (bytes.empty()) {
      return;
    }
  }
  const std::size_t used = consume(bytes);
  if (used < bytes.size()) {
    m_pending.assign(bytes.substr(used));
  }
}

// Moves just enough bytes from `bytes` into m_pending to complete its packet, then parses it.
void SubunitV2Parser::top_up_pending(std::string_view& bytes)
{
  while (!m_pending.empty() && !bytes.empty()) {
    const std::size_t length = packet_length(m_pending);
    // Until the header is complete, take one byte at a time (at most seven).
    const std::size_t want = length == 0 ? m_pending.size() + 1 : length;
    const std::size_t take = std::min(want - m_pending.size(), bytes.size());
    m_pending.append(bytes.substr(0, take));
    bytes.remove_prefix(take);
    if (length != 0 && m_pending.size() == length) {
      parse_packet(m_pending);
      m_offset += length;
      m_pending.clear();
    }
  }
}

// Length of the packet starting at data[0], 0 if its header has not fully arrived; throws if the
// header is invalid.
std::size_t SubunitV2Parser::packet_length(std::string_view data)
{
  if (data.size() < k_min_header) {
    return 0;
  }
  const std::size_t field_size = (byte_at(data, 3) >> 6U) + 1U;
  if (data.size() < 3 + field_size) {
    return 0;
  }
  std::uint32_t length = byte_at(data, 3) & 0x3FU;
  for (std::size_t i = 1; i < field_size; ++i) {
    length = (length << 8U) | byte_at(data, 3 + i);
  }
  m_error_at = m_offset;
  if (field_size == 4) {
    fail("packet length " + std::to_string(length) + " exceeds the 4 MiB limit (" +
         std::to_string(k_max_packet_length) + " bytes)");
  }
  if (length < 3 + field_size + k_crc_size) {
    fail("packet length " + std::to_string(length) + " is shorter than its header");
  }
  return length;
}

std::size_t SubunitV2Parser::consume(std::string_view data)
{
  std::size_t pos = 0;
  while (pos < data.size()) {
    if (byte_at(data, pos) != k_signature || m_utf8_remaining != 0) {
      const std::size_t used = consume_text(data.substr(pos));
      pos += used;
      m_offset += used;
      continue;
    }
    const std::string_view rest = data.substr(pos);
    const std::size_t length = packet_length(rest);
    if (length == 0 || length > rest.size()) {
      return pos;
    }
    parse_packet(rest.substr(0, length));
    pos += length;
    m_offset += length;
  }
  return pos;
}

// Emits the non-subunit bytes at the start of data (up to a 0xB3 at a character boundary).
std::size_t SubunitV2Parser::consume_text(std::string_view data)
{
  std::size_t end = 0;
  for (; end < data.size(); ++end) {
    const unsigned char byte = byte_at(data, end);
    if (m_utf8_remaining > 0 && (byte & 0xC0U) == 0x80U) {
      --m_utf8_remaining;
      continue;
    }
    if (byte == k_signature) {
      m_utf8_remaining = 0;
      break;
    }
    m_utf8_remaining = byte >= 0xF0 ? 3 : byte >= 0xE0 ? 2 : byte >= 0xC0 ? 1 : 0;
  }
  m_event = model::Event{};
  m_event.file = model::FileChunk{"stdout", "text/plain", std::string(data.substr(0, end)), false};
  m_handler(m_event);
  return end;
}

// Checks the CRC and the version of a whole packet; returns its flags.
std::uint16_t SubunitV2Parser::check_packet(std::string_view packet) const
{
  const std::size_t body_size = packet.size() - k_crc_size;
  const std::uint32_t computed = crc32(packet.substr(0, body_size));
  const std::uint32_t stored = read_be32(packet, body_size);
  if (computed != stored) {
    char message[96];
    std::snprintf(message, sizeof message, "bad CRC32 (computed 0x%08x, stored 0x%08x)", computed, stored);
    fail(message);
  }
  const auto flags = static_cast<std::uint16_t>((byte_at(packet, 1) << 8U) | byte_at(packet, 2));
  if ((flags >> 12U) != 2) {
    fail("unsupported version " + std::to_string(flags >> 12U) + " (expected 2)");
  }
  return flags;
}

void SubunitV2Parser::parse_packet(std::string_view packet)
{
  m_error_at = m_offset;
  const std::uint16_t flags = check_packet(packet);
  FieldReader reader(packet.substr(0, packet.size() - k_crc_size), 3 + (byte_at(packet, 3) >> 6U) + 1U);
  read_fields(reader, flags, m_event);
  if (!reader.ok()) {
    fail(reader.error());
  }
  m_handler(m_event);
}

void SubunitV2Parser::finish()
{
  if (!m_pending.empty()) {
    // A bad header that arrived whole with the last piece is refused as if it came in one read.
    packet_length(m_pending);
    m_error_at = m_offset;
    fail("truncated packet (" + std::to_string(m_pending.size()) + " bytes at end of stream)");
  }
}

} // namespace bisectr::stream
