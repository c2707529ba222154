#pragma once

#include "bisectr/util/clock.hpp"

#include <chrono>
#include <mutex>

namespace bisectr::test {

/// A clock that moves only when told to (advance), or by a fixed step on every now() call;
/// safe to share between the threads of a runner.
class FakeClock final : public util::Clock
{
public:
  /// Starts at monotonic zero and at wall time `wall_origin`.
  explicit FakeClock(std::chrono::system_clock::time_point wall_origin = std::chrono::system_clock::time_point{
                         std::chrono::seconds{1'700'000'000}})
    : m_wall_origin(wall_origin)
  {
  }

  Duration now() const override
  {
    std::lock_guard lock(m_mutex);
    const Duration value = m_now;
    m_now += m_step;
    return value;
  }

  std::chrono::system_clock::time_point wall_now() const override
  {
    std::lock_guard lock(m_mutex);
    return m_wall_origin + std::chrono::duration_cast<std::chrono::system_clock::duration>(m_now);
  }

  /// Moves time forward by d.
  void advance(Duration d)
  {
    std::lock_guard lock(m_mutex);
    m_now += d;
  }

  /// Makes every later now() call move time forward by step after reading it.
  void set_step(Duration step)
  {
    std::lock_guard lock(m_mutex);
    m_step = step;
  }

private:
  mutable std::mutex m_mutex;
  mutable Duration m_now{0};
  Duration m_step{0};
  std::chrono::system_clock::time_point m_wall_origin;
};

} // namespace bisectr::test
