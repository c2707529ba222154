#include "bisectr/util/clock.hpp"

namespace bisectr::util {

Clock::Duration SystemClock::now() const
{
  return std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now().time_since_epoch());
}

std::chrono::system_clock::time_point SystemClock::wall_now() const
{
  return std::chrono::system_clock::now();
}

} // namespace bisectr::util
