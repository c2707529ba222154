// Mutated real streams: every reader either parses or throws util::ParseError, never crashes or
// hangs (a cheap, always-run cousin of the libFuzzer targets of issue 6).
#include "bisectr/stream/subunit_v1_parser.hpp"
#include "bisectr/stream/subunit_v2_encoder.hpp"
#include "bisectr/stream/timestamp.hpp"
#include "bisectr/util/error.hpp"

#include "test_stream_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>

using namespace bisectr;

namespace {

// Parses bytes whole and byte-chunked; returns how many of the two runs threw ParseError.
int parse_or_refuse(const std::string& bytes, stream::Format format)
{
  int refused = 0;
  for (std::size_t piece : {std::size_t{65536}, std::size_t{13}}) {
    try {
      test::parse_results(bytes, format, piece);
    } catch (const util::ParseError& error) {
      CHECK(std::string(error.what()).find("input at ") != std::string::npos);
      ++refused;
    }
  }
  return refused;
}

// The message of the ParseError that parsing bytes (in pieces of `piece` bytes) must raise.
std::string refusal(const std::string& bytes, stream::Format format, std::size_t piece = 65536)
{
  try {
    test::parse_results(bytes, format, piece);
  } catch (const util::ParseError& error) {
    return error.what();
  }
  FAIL("no ParseError");
  return "";
}

std::string mutate(std::string bytes, std::mt19937& random)
{
  const int edits = 1 + static_cast<int>(random() % 4);
  for (int i = 0; i < edits && !bytes.empty(); ++i) {
    const std::size_t at = random() % bytes.size();
    switch (random() % 3) {
    case 0: bytes[at] = static_cast<char>(random() & 0xFFU); break;
    case 1: bytes.erase(at, 1 + random() % 16); break;
    default: bytes.resize(at); break;
    }
  }
  return bytes;
}

} // namespace

TEST_CASE("stream::hostile mutated samples")
{
  std::mt19937 random(20261122);
  const std::vector<std::pair<std::string, stream::Format>> samples = {
    {"stestr-parallel2.v2.subunit", stream::Format::SubunitV2},
    {"subunit-run.v2.subunit", stream::Format::SubunitV2},
    {"stestr-parallel2.v1.subunit", stream::Format::SubunitV1},
    {"pytest.junit.xml", stream::Format::JUnit},
  };
  for (const auto& [name, format] : samples) {
    CAPTURE(name);
    const std::string original = test::sample(name);
    int refused = 0;
    for (int round = 0; round < 60; ++round) {
      refused += parse_or_refuse(mutate(original, random), format);
    }
    // Mutations must be caught for the checked formats (CRC, XML well-formedness).
    if (format != stream::Format::SubunitV1) {
      CHECK(refused > 0);
    }
  }
}

// Inputs the libFuzzer targets of fuzz/ found; each also sits in fuzz/regressions/<target>/.
TEST_CASE("stream::hostile fuzzer findings")
{
  SUBCASE("subunit v2: a header that ends the stream is judged whether it came in one piece or many")
  {
    // A 4-byte length field is refused; fed a byte at a time it was reported as a truncated packet.
    const std::string bytes("stdo\xB3\xFF\xFF\xFF\xFF\xFF\xF2", 11);
    const std::string whole = refusal(bytes, stream::Format::SubunitV2);
    CHECK(whole.find("exceeds the 4 MiB limit") != std::string::npos);
    CHECK(refusal(bytes, stream::Format::SubunitV2, 1) == whole);
  }
  SUBCASE("subunit v1: stream bytes quoted in a refusal cannot cut or break its line")
  {
    // A NUL ended what() before the location; a newline-free but CR- or ESC-laden id broke the line.
    for (const std::string& bytes :
         {std::string("time: 2\0x\n", 10), std::string("test: a\nfailure: a\r\x1b[2J [\n"),
          std::string("test: a\nfailure: a [ multipart\nContent-Type: text/plain\nx\n\x01\n")}) {
      const std::string what = refusal(bytes, stream::Format::SubunitV1);
      CAPTURE(what);
      CHECK(what.find("input at line ") != std::string::npos);
      CHECK(std::none_of(what.begin(), what.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }));
    }
  }
  SUBCASE("a year outside the nanosecond clock's range is malformed, not an overflow")
  {
    // sys_days -> nanoseconds overflowed (UBSan) for years before 1678 or after 2261.
    CHECK_FALSE(stream::parse_iso8601("9999-12-31T00:00:00Z"));
    CHECK_FALSE(stream::parse_iso8601("0001-01-01T00:00:00Z"));
    CHECK(stream::parse_iso8601("2261-12-31T23:59:59.999999999-23:59"));
    CHECK(stream::parse_iso8601("1678-01-01T00:00:00+23:59"));
    CHECK(refusal("time: 2300-01-01 00:00:00Z\n", stream::Format::SubunitV1).find("invalid time") != std::string::npos);
  }
  SUBCASE("subunit v1: a line of thousands of tags is refused, not scanned quadratically")
  {
    // 120,000 tags on one line took minutes (every tag searched the ones before it).
    std::string line = "tags:";
    for (std::size_t i = 0; i <= stream::SubunitV1Parser::k_max_tags; ++i) {
      line += " t" + std::to_string(i);
    }
    CHECK(refusal(line + "\ntest: a\nsuccess: a\n", stream::Format::SubunitV1).find("tags in effect") !=
          std::string::npos);
  }
  SUBCASE("subunit v2: a test with 100,000 distinct tags is assembled in linear time")
  {
    // The assembler searched a test's tags linearly per tag: about 5e9 comparisons here.
    model::Event event;
    event.test_id = "t";
    event.status = model::Status::Success;
    for (int i = 0; i < 100000; ++i) {
      event.tags.push_back("t" + std::to_string(i));
    }
    event.tags.push_back("t7");
    std::string bytes;
    stream::append_v2_packet(bytes, event);
    const auto results = test::parse_results(bytes, stream::Format::SubunitV2);
    REQUIRE(results.size() == 1);
    CHECK(results[0].tags.size() == 100000);
  }
}

TEST_CASE("stream::hostile test ids that are not UTF-8")
{
  SUBCASE("subunit v1 refuses them on the line that names them")
  {
    CHECK(refusal("test: ok\nsuccess: ok\ntest: caf\xE9\n", stream::Format::SubunitV1) ==
          "subunit v1: test id is not valid UTF-8, input at line 3");
    CHECK(refusal("failure: \xC0\xAF\n", stream::Format::SubunitV1)==
          "subunit v1: test id is not valid UTF-8, input at line 1");
  }
  SUBCASE("JUnit refuses names whose bytes lie about the document's UTF-8")
  {
    const std::string bytes = "<testsuite><testcase classname=\"a\" name=\"ok\"/><testcase classname=\"a\" name=\"caf\xE9\"/></testsuite>";
    CHECK(refusal(bytes, stream::Format::JUnit).find("junit: test name is not valid UTF-8") != std::string::npos);
  }
  SUBCASE("JUnit declared as ISO-8859-1 is converted, not refused")
  {
    const auto results = test::parse_results(
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><testsuite><testcase classname=\"a\" name=\"caf\xE9\"/></testsuite>",
        stream::Format::JUnit);
    REQUIRE(results.size() == 1);
    CHECK(results[0].test_id == "a.caf\xC3\xA9");
  }
}

TEST_CASE("stream::hostile 1 MB test ids are refused by every reader")
{
  const std::string id(1024 * 1024, 'i');
  CHECK(refusal("test: " + id + "\n", stream::Format::SubunitV1) ==
        "subunit v1: test id longer than 65536 bytes, input at line 1");
  CHECK(refusal("<testsuite><testcase classname=\"a\" name=\"" + id + "\"/></testsuite>", stream::Format::JUnit)
            .find("junit: test name longer than 65536 bytes") != std::string::npos);
  model::Event event;
  event.test_id = id;
  event.status = model::Status::Success;
  std::string bytes;
  stream::append_v2_packet(bytes, event);
  CHECK(refusal(bytes, stream::Format::SubunitV2).find("test id longer than 65536 bytes") != std::string::npos);
}
