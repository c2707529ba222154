// Mutated real streams: every reader either parses or throws util::ParseError, never crashes or
// hangs (a cheap, always-run cousin of the libFuzzer targets of issue 6).
#include "bisectr/util/error.hpp"

#include "test_stream_support.hpp"

#include <doctest/doctest.h>

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
