#pragma once

#include "bisectr/executor/process_runner.hpp"
#include "bisectr/model/run.hpp"
#include "bisectr/model/test_result.hpp"

#include <cstddef>
#include <vector>

namespace bisectr::scheduler {

/// Fills each result's rss_before_bytes (the last sample at or before its start, else the first
/// sample) and rss_after_bytes (the first sample at or after its stop, else the last sample), with
/// sample times placed on the wall clock at `launched`; results whose start/stop are missing or lie
/// outside the worker's lifetime (give or take a second) are left without figures.
void attach_memory(std::vector<model::TestResult>& results, const std::vector<executor::MemorySample>& samples,
                   model::TimePoint launched);

/// The samples as a memory curve of at most max_points points; when there are more, each point
/// is the peak of its slice of samples (so a short spike survives the thinning).
std::vector<model::MemoryPoint> memory_curve(const std::vector<executor::MemorySample>& samples, std::size_t max_points);

} // namespace bisectr::scheduler
