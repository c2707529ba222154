#include "bisectr/stream/subunit_v2_encoder.hpp"
#include "bisectr/stream/subunit_v2_parser.hpp"
#include "bisectr/util/error.hpp"

#include "test_stream_support.hpp"

#include <doctest/doctest.h>
#include <zlib.h>

using namespace bisectr;
using bisectr::model::Event;
using bisectr::model::Status;

namespace {

Event make_event(std::string id, Status status)
{
  Event event;
  event.test_id = std::move(id);
  event.status = status;
  return event;
}

std::string packet(const Event& event)
{
  std::string out;
  stream::append_v2_packet(out, event);
  return out;
}

std::vector<Event> parse_v2(const std::string& bytes, std::size_t piece = 65536)
{
  return test::parse_events(bytes, stream::Format::SubunitV2, piece);
}

// Parses bytes and returns the ParseError it must raise.
util::ParseError parse_error(const std::string& bytes)
{
  try {
    parse_v2(bytes);
  } catch (const util::ParseError& error) {
    return error;
  }
  FAIL("no ParseError");
  return util::ParseError("", "", 0);
}

// Recomputes the CRC of a packet after a test edited its fields.
void fix_crc(std::string& bytes)
{
  const std::size_t body = bytes.size() - 4;
  const auto crc = static_cast<std::uint32_t>(crc32(0UL, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(body)));
  for (std::size_t i = 0; i < 4; ++i) {
    bytes[body + i] = static_cast<char>((crc >> (24U - 8U * i)) & 0xFFU);
  }
}

} // namespace

TEST_CASE("stream::SubunitV2Parser")
{
  SUBCASE("every field survives an encode and a parse")
  {
    Event event = make_event("pkg.Test.test_\xC3\xA9", Status::Fail);
    event.timestamp = model::TimePoint{std::chrono::seconds{1763766000}} + std::chrono::nanoseconds{123456789};
    event.tags = {"worker-3", "slow"};
    event.route_code = "3/1";
    event.runnable = false;
    event.file = model::FileChunk{"traceback", "text/x-traceback;charset=utf8", std::string("a\0b", 3), true};
    const auto events = parse_v2(packet(event));
    REQUIRE(events.size() == 1);
    const Event& got = events[0];
    CHECK(got.test_id == event.test_id);
    CHECK(got.status == Status::Fail);
    CHECK(got.timestamp == event.timestamp);
    CHECK(got.tags == event.tags);
    CHECK(got.route_code == "3/1");
    CHECK_FALSE(got.runnable);
    REQUIRE(got.file.has_value());
    CHECK(got.file->name == "traceback");
    CHECK(got.file->mime_type == "text/x-traceback;charset=utf8");
    CHECK(got.file->bytes == std::string("a\0b", 3));
    CHECK(got.file->eof);
  }
  SUBCASE("numbers of one to four bytes round-trip")
  {
    for (std::uint32_t value : {0U, 63U, 64U, 16383U, 16384U, 4194303U, 4194304U, 1073741823U}) {
      std::string out;
      stream::append_v2_number(out, value);
      CHECK(out.size() == (value < 64 ? 1U : value < 16384 ? 2U : value < 4194304 ? 3U : 4U));
      Event event = make_event("t", Status::Success);
      event.timestamp = model::TimePoint{std::chrono::seconds{0}} + std::chrono::nanoseconds{value % 1000000000U};
      CHECK(parse_v2(packet(event)).at(0).timestamp == event.timestamp);
    }
  }
  SUBCASE("fed one byte at a time gives the same events")
  {
    std::string bytes;
    for (int i = 0; i < 50; ++i) {
      std::string id = "t";
      id += std::to_string(i);
      Event event = make_event(id, i % 2 == 0 ? Status::InProgress : Status::Success);
      event.file = model::FileChunk{"f", "", std::string(static_cast<std::size_t>(i * 400), 'x'), false};
      stream::append_v2_packet(bytes, event);
    }
    const auto whole = parse_v2(bytes);
    const auto bytewise = parse_v2(bytes, 1);
    const auto odd = parse_v2(bytes, 7);
    REQUIRE(whole.size() == 50);
    REQUIRE(bytewise.size() == 50);
    REQUIRE(odd.size() == 50);
    for (std::size_t i = 0; i < whole.size(); ++i) {
      CHECK(bytewise[i].test_id == whole[i].test_id);
      CHECK(odd[i].file->bytes == whole[i].file->bytes);
    }
  }
  SUBCASE("bytes between packets are stdout, as python-subunit reports them")
  {
    const std::string bytes = "hello\n" + packet(make_event("a", Status::Success)) + "x \xC2\xB3 y\n";
    const auto events = parse_v2(bytes);
    REQUIRE(events.size() == 3);
    CHECK(events[0].test_id.empty());
    CHECK(events[0].file->name == "stdout");
    CHECK(events[0].file->mime_type == "text/plain");
    CHECK(events[0].file->bytes == "hello\n");
    CHECK(events[1].test_id == "a");
    // 0xB3 inside a UTF-8 character is text, not a packet signature.
    CHECK(events[2].file->bytes == "x \xC2\xB3 y\n");
  }
  SUBCASE("a 64 KiB test id is accepted")
  {
    const std::string id(64 * 1024, 'i');
    CHECK(parse_v2(packet(make_event(id, Status::Success))).at(0).test_id == id);
  }
}

TEST_CASE("stream::SubunitV2Parser errors")
{
  const std::string good = packet(make_event("first", Status::Success));
  const std::uint64_t at = good.size();

  SUBCASE("a truncated packet at end of stream names the packet start")
  {
    const std::string bad = packet(make_event("second", Status::Fail));
    const auto error = parse_error(good + bad.substr(0, bad.size() - 3));
    CHECK(error.position() == at);
    CHECK(std::string(error.what()).find("truncated packet") != std::string::npos);
    CHECK(std::string(error.what()).ends_with(", input at byte " + std::to_string(at)));
  }
  SUBCASE("a flipped byte fails the CRC")
  {
    std::string bad = packet(make_event("second", Status::Fail));
    bad[7] = static_cast<char>(bad[7] ^ 0x01);
    const auto error = parse_error(good + bad);
    CHECK(error.position() == at);
    CHECK(std::string(error.what()).find("bad CRC32") != std::string::npos);
  }
  SUBCASE("a length that claims gigabytes is refused before any allocation")
  {
    const std::string bad = std::string("\xB3\x29\x03\xFF\xFF\xFF\xFF", 7);
    const auto error = parse_error(good + bad);
    CHECK(error.position() == at);
    CHECK(std::string(error.what()).find("exceeds the 4 MiB limit") != std::string::npos);
  }
  SUBCASE("a length shorter than the header is refused")
  {
    const auto error = parse_error(good + std::string("\xB3\x29\x03\x02", 4));
    CHECK(error.position() == at);
    CHECK(std::string(error.what()).find("shorter than its header") != std::string::npos);
  }
  SUBCASE("invalid UTF-8 in the test id, a tag or a NUL byte")
  {
    Event event = make_event("bad\xFF", Status::Success);
    CHECK(std::string(parse_error(good + packet(event)).what()).find("test id is not valid UTF-8") != std::string::npos);
    event = make_event("ok", Status::Success);
    event.tags = {"\xC0\xAF"};  // an overlong '/'
    const auto tag_error = parse_error(good + packet(event));
    CHECK(tag_error.position() == at);
    CHECK(std::string(tag_error.what()).find("tag is not valid UTF-8") != std::string::npos);
    event = make_event(std::string("nul\0id", 6), Status::Success);
    CHECK(parse_error(packet(event)).position() == 0);
  }
  SUBCASE("a packet whose CRC is right but whose fields lie")
  {
    // The test id claims 60 bytes in a packet that has 5.
    std::string bad = packet(make_event("abcde", Status::Success));
    bad[4] = 60;
    fix_crc(bad);
    const auto error = parse_error(good + bad);
    CHECK(error.position() == at);
    CHECK(std::string(error.what()).find("extends past the end of the packet") != std::string::npos);
  }
  SUBCASE("a tag count larger than the packet is refused before any allocation")
  {
    Event event = make_event("abcde", Status::Success);
    event.tags = {"t"};
    std::string bad = packet(event);
    // flags(2) length(1) id-length(1) "abcde"(5): the tag count follows at offset 10.
    REQUIRE(bad[10] == 1);
    bad[10] = static_cast<char>(0xBF);  // a 3-byte number: 4,194,303 tags
    bad.insert(11, "\xFF\xFF", 2);
    bad[3] = static_cast<char>(bad[3] + 2);
    fix_crc(bad);
    const auto error = parse_error(good + bad);
    CHECK(error.position() == at);
    CHECK(std::string(error.what()).find("tag count exceeds the packet size") != std::string::npos);
  }
  SUBCASE("a version other than 2 is refused")
  {
    std::string bad = packet(make_event("abcde", Status::Success));
    bad[1] = static_cast<char>(0x39);
    fix_crc(bad);
    CHECK(std::string(parse_error(bad).what()).find("unsupported version 3") != std::string::npos);
  }
  SUBCASE("the encoder refuses packets over 4 MiB")
  {
    Event event = make_event("t", Status::Success);
    event.file = model::FileChunk{"big", "", std::string(5 * 1024 * 1024, 'x'), true};
    std::string out;
    CHECK_THROWS_AS(stream::append_v2_packet(out, event), util::Error);
  }
}
