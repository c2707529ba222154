// libFuzzer target: the subunit v1 reader and the ResultAssembler on hostile bytes.
#include "fuzz_stream.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  bisectr::fuzz::parse_whole_and_in_pieces(bisectr::stream::Format::SubunitV1, data, size);
  return 0;
}
