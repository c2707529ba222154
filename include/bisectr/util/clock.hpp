#pragma once

#include <chrono>

namespace bisectr::util {

/// Time as the rest of the code sees it, so that loops and the bisect driver can be tested with a fake.
class Clock
{
public:
  using Duration = std::chrono::nanoseconds;
  virtual ~Clock() = default;
  /// Monotonic time since an arbitrary origin.
  virtual Duration now() const = 0;
  /// Wall-clock time, nanoseconds since the Unix epoch.
  virtual std::chrono::system_clock::time_point wall_now() const = 0;
};

/// The real clock (steady_clock and system_clock).
class SystemClock final : public Clock
{
public:
  Duration now() const override;
  std::chrono::system_clock::time_point wall_now() const override;
};

} // namespace bisectr::util
