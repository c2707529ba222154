// libFuzzer target: the subunit v2 reader and the ResultAssembler on hostile bytes.
#include "fuzz_stream.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  bisectr::fuzz::parse_whole_and_in_pieces(bisectr::stream::Format::SubunitV2, data, size);
  return 0;
}
