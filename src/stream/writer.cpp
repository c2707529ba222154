#include "bisectr/stream/writer.hpp"

#include "bisectr/stream/junit_writer.hpp"
#include "bisectr/stream/subunit_v1_writer.hpp"
#include "bisectr/stream/subunit_v2_writer.hpp"

namespace bisectr::stream {

std::unique_ptr<ResultWriter> make_writer(Format format, std::ostream& out)
{
  switch (format) {
  case Format::SubunitV1: return std::make_unique<SubunitV1Writer>(out);
  case Format::JUnit: return std::make_unique<JUnitWriter>(out);
  case Format::SubunitV2: break;
  }
  return std::make_unique<SubunitV2Writer>(out);
}

} // namespace bisectr::stream
