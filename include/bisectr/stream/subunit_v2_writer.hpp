#pragma once

#include "bisectr/stream/writer.hpp"

#include <ostream>
#include <string>

namespace bisectr::stream {

/// Writes each result as subunit v2 packets: inprogress (at start), one file packet per
/// attachment chunk (eof on the last), then the final status (at stop). Every packet carries the
/// worker tag and a route code ("N" for worker-N, else the worker name); other tags go on the
/// final packet. Error is written as fail, as v2 has no error status.
class SubunitV2Writer final : public ResultWriter
{
public:
  explicit SubunitV2Writer(std::ostream& out) : m_out(out) {}
  void write(const model::TestResult& result) override;
  void finish() override;

private:
  std::ostream& m_out;
  std::string m_buffer;
};

} // namespace bisectr::stream
