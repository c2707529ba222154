#pragma once

#include "bisectr/model/test_result.hpp"
#include "bisectr/stream/format.hpp"

#include <memory>
#include <ostream>

namespace bisectr::stream {

/// Writes whole test results as a stream: subunit v2 (with CRC32, worker tag and route code),
/// subunit v1 (with worker tags, multipart details) or JUnit XML (one testsuite per worker).
class ResultWriter
{
public:
  virtual ~ResultWriter() = default;
  virtual void write(const model::TestResult& result) = 0;
  /// Ends the stream (JUnit closes its elements here; subunit writes nothing more).
  virtual void finish() = 0;
};

/// A writer for a format onto out, which must outlive the writer.
std::unique_ptr<ResultWriter> make_writer(Format format, std::ostream& out);

} // namespace bisectr::stream
