#pragma once

#include "bisectr/model/event.hpp"
#include "bisectr/model/test_result.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace bisectr::stream {

/// Turns a stream's events into whole test results: joins attachment chunks, takes the worker
/// from a `worker-N` tag (on any packet of the test) or else the route code, and numbers each
/// worker's results in stream order (a worker's order is its stream order, never a sort by time).
class ResultAssembler
{
public:
  using ResultHandler = std::function<void(model::TestResult&&)>;
  explicit ResultAssembler(ResultHandler handler);
  /// Feeds one event; calls the handler when a test reaches a final status.
  void on_event(const model::Event& event);
  /// Ids of tests that started (inprogress) but have no final status yet.
  std::vector<std::string> in_progress() const;
  /// Output that belongs to no test (non-subunit bytes between packets), joined.
  const std::string& unattributed_output() const;

private:
  struct Impl;
  std::shared_ptr<Impl> m_impl;
};

} // namespace bisectr::stream
