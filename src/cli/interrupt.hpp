#pragma once

#include <atomic>
#include <stop_token>

#include <pthread.h>

namespace bisectr::cli {

/// Turns SIGINT/SIGTERM into a stop request: while alive, both signals are blocked in every thread
/// started after it and one thread sigwait()s for them (so nothing runs in a signal handler).
/// Create it before starting worker threads; a second signal while stopping is ignored.
class InterruptGuard
{
public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;
  /// Token that is stopped when a signal arrives.
  std::stop_token token() const { return m_source.get_token(); }
  /// Whether a signal arrived.
  bool interrupted() const { return m_signal.load() != 0; }

private:
  static void* wait_for_signals(void* guard);

  std::stop_source m_source;
  std::atomic<int> m_signal{0};
  // A bare pthread rather than std::jthread: jthread frees its state on the new thread, and that
  // first free makes glibc give the thread its own 64 MiB malloc arena (mmap, munmap), about
  // 0.2 ms of every short command.
  pthread_t m_waiter{};
};

} // namespace bisectr::cli
