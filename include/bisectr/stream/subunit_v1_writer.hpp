#pragma once

#include "bisectr/stream/writer.hpp"

#include <ostream>

namespace bisectr::stream {

/// Writes each result as subunit v1 text, as subunit-2to1 does: `time:`, `tags: worker-N`,
/// `test:`, `time:`, the outcome with `[ multipart` details (chunked, hex lengths) when there
/// are attachments, `tags: -worker-N`. Line breaks inside test ids and tags (which v1 cannot
/// carry) are written as spaces; results that did not finish are written as `test:` only.
class SubunitV1Writer final : public ResultWriter
{
public:
  explicit SubunitV1Writer(std::ostream& out) : m_out(out) {}
  void write(const model::TestResult& result) override;
  void finish() override;

private:
  std::ostream& m_out;
};

} // namespace bisectr::stream
