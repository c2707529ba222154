#include "interrupt.hpp"

#include <csignal>
#include <pthread.h>

namespace bisectr::cli {

namespace {

sigset_t stop_signals()
{
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR2);  // our own wake-up, sent by the destructor
  return set;
}

} // namespace

InterruptGuard::InterruptGuard()
{
  auto set = stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  m_waiter = std::jthread([this, set] {
    for (;;) {
      int signal = 0;
      if (sigwait(&set, &signal) != 0 || signal == SIGUSR2) {
        return;
      }
      m_signal.store(signal);
      m_source.request_stop();
    }
  });
}

InterruptGuard::~InterruptGuard()
{
  pthread_kill(m_waiter.native_handle(), SIGUSR2);
  m_waiter.join();
  auto set = stop_signals();
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

} // namespace bisectr::cli
