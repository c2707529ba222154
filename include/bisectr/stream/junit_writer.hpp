#pragma once

#include "bisectr/stream/writer.hpp"

#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace bisectr::stream {

/// Writes JUnit XML: one <testsuite name="worker-N"> per worker (name "bisectr" for results
/// without one), in order of first appearance, test cases in write order. The id is split into
/// classname and name at the last '.' before any '[' (so JUnitParser rebuilds the same id).
/// fail -> <failure>, uxsuccess -> <failure type="uxsuccess">, error -> <error>, skip ->
/// <skipped>, xfail -> <skipped type="pytest.xfail">; attachments "traceback" and "reason" are
/// their text, "stdout"/"stderr" go to system-out/system-err, others are left out. Results are
/// held until finish() (XML closes its elements last), so memory grows with the results written.
/// Control characters and invalid UTF-8 are replaced by '?' so the document is always valid XML.
class JUnitWriter final : public ResultWriter
{
public:
  explicit JUnitWriter(std::ostream& out);
  ~JUnitWriter() override;
  JUnitWriter(const JUnitWriter&) = delete;
  JUnitWriter& operator=(const JUnitWriter&) = delete;
  void write(const model::TestResult& result) override;
  void finish() override;

private:
  struct Suites;
  std::ostream& m_out;
  std::unique_ptr<Suites> m_suites;
};

} // namespace bisectr::stream
