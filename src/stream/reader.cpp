#include "bisectr/stream/reader.hpp"

#include "bisectr/stream/junit_parser.hpp"
#include "bisectr/stream/subunit_v1_parser.hpp"
#include "bisectr/stream/subunit_v2_parser.hpp"

#include <vector>

namespace bisectr::stream {

std::unique_ptr<Parser> make_parser(Format format, std::string source_name, EventHandler handler)
{
  switch (format) {
  case Format::SubunitV1: return std::make_unique<SubunitV1Parser>(std::move(source_name), std::move(handler));
  case Format::JUnit: return std::make_unique<JUnitParser>(std::move(source_name), std::move(handler));
  case Format::SubunitV2: break;
  }
  return std::make_unique<SubunitV2Parser>(std::move(source_name), std::move(handler));
}

void read_stream(std::istream& in, Format format, const std::string& source_name, const EventHandler& handler)
{
  constexpr std::size_t k_chunk = 64 * 1024;
  auto parser = make_parser(format, source_name, handler);
  std::vector<char> buffer(k_chunk);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got == 0) {
      break;
    }
    parser->feed(std::string_view(buffer.data(), got));
  }
  parser->finish();
}

} // namespace bisectr::stream
