#include "interrupt.hpp"

#include "bisectr/util/error.hpp"

#include <csignal>
#include <cstring>
#include <string>

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

// Stop callbacks run on this thread (a worker's wake-up write): a small stack is plenty.
constexpr std::size_t k_waiter_stack_bytes = 256 * 1024;

} // namespace

InterruptGuard::InterruptGuard()
{
  auto set = stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  pthread_attr_t attributes;
  pthread_attr_init(&attributes);
  pthread_attr_setstacksize(&attributes, k_waiter_stack_bytes);
  const int failed = pthread_create(&m_waiter, &attributes, &InterruptGuard::wait_for_signals, this);
  pthread_attr_destroy(&attributes);
  if (failed != 0) {
    pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
    throw util::Error(std::string("cannot start the signal thread: ") + std::strerror(failed));
  }
}

void* InterruptGuard::wait_for_signals(void* guard)
{
  auto* self = static_cast<InterruptGuard*>(guard);
  const auto set = stop_signals();
  for (;;) {
    int signal = 0;
    if (sigwait(&set, &signal) != 0 || signal == SIGUSR2) {
      return nullptr;
    }
    self->m_signal.store(signal);
    self->m_source.request_stop();
  }
}

InterruptGuard::~InterruptGuard()
{
  pthread_kill(m_waiter, SIGUSR2);
  pthread_join(m_waiter, nullptr);
  auto set = stop_signals();
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

} // namespace bisectr::cli
