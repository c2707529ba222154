#include "bisectr/executor/supervisor.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <optional>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace bisectr::executor {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr std::size_t k_chunk_bytes = 64 * 1024;
// After the root has exited and the tree is killed, the pipes reach EOF at once unless a
// process we could not find still holds them; then we stop waiting rather than hang.
constexpr milliseconds k_drain_limit{1000};
// Without a pidfd (kernels before 5.3) the child's exit is noticed by polling this often.
constexpr milliseconds k_exit_poll{5};

class Fd
{
public:
  explicit Fd(int fd = -1) : m_fd(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return m_fd; }
  void reset(int fd = -1)
  {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
    m_fd = fd;
  }

private:
  int m_fd;
};

struct Output {
  Fd fd;
  const std::function<void(std::string_view)>* sink = nullptr;
};

int open_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  return -1;
#endif
}

// WNOWAIT leaves the child unreaped: its pid (and so its process group id) cannot be reused
// while the rest of the tree is being killed.
bool has_exited(pid_t pid)
{
  siginfo_t info{};
  if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
    return errno != EINTR;
  }
  return info.si_pid == pid;
}

double seconds(const timeval& time)
{
  return static_cast<double>(time.tv_sec) + static_cast<double>(time.tv_usec) / 1e6;
}

class Supervisor
{
public:
  Supervisor(const ProcessSpec& spec, const SpawnedChild& child, RunTree& tree, std::stop_token stop)
      : m_spec(spec), m_child(child), m_tree(tree), m_stop(std::move(stop)), m_pidfd(open_pidfd(child.pid)),
        m_wake(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)), m_next_sample(child.started + spec.sample_interval)
  {
    m_outputs[0].fd.reset(child.stdout_fd);
    m_outputs[0].sink = &spec.on_stdout;
    m_outputs[1].fd.reset(child.stderr_fd);
    m_outputs[1].sink = &spec.on_stderr;
    for (const Output& output : m_outputs) {
      if (output.fd.get() >= 0) {
        ::fcntl(output.fd.get(), F_SETFL, ::fcntl(output.fd.get(), F_GETFL) | O_NONBLOCK);
      }
    }
    if (spec.timeout.count() > 0) {
      m_timeout_at = child.started + spec.timeout;
    }
  }

  ProcessResult run()
  {
    try {
      const std::stop_callback on_stop(m_stop, [this] { wake(); });
      if (m_spec.on_started) {
        m_spec.on_started();
      }
      watch();
      m_tree.kill_all();
      drain();
    }
    catch (...) {
      m_tree.signal(SIGKILL);
      m_tree.kill_all();
      reap();
      throw;
    }
    reap();
    fill_resources();
    return std::move(m_result);
  }

private:
  void wake() const
  {
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t written = ::write(m_wake.get(), &one, sizeof one);
  }

  void watch()
  {
    while (!m_exited) {
      const Clock::time_point now = Clock::now();
      if (now >= m_next_sample) {
        sample(now);
        m_next_sample = std::max(m_next_sample + m_spec.sample_interval, now);
      }
      enforce(now);
      wait_for_events(now);
    }
  }

  void wait_for_events(Clock::time_point now)
  {
    std::array<pollfd, 4> fds{};
    nfds_t count = 0;
    fds[count++] = {m_wake.get(), POLLIN, 0};
    const nfds_t pid_slot = count;
    if (m_pidfd.get() >= 0) {
      fds[count++] = {m_pidfd.get(), POLLIN, 0};
    }
    const nfds_t first_output = count;
    for (const Output& output : m_outputs) {
      fds[count++] = {output.fd.get(), POLLIN, 0};  // poll ignores negative descriptors
    }
    const int ready = ::poll(fds.data(), count, poll_timeout_ms(now));
    if (ready < 0) {
      return;  // EINTR: the loop recomputes the deadlines
    }
    if ((fds[0].revents & POLLIN) != 0) {
      std::uint64_t ignored = 0;
      [[maybe_unused]] const ssize_t got = ::read(m_wake.get(), &ignored, sizeof ignored);
    }
    for (std::size_t i = 0; i < m_outputs.size(); ++i) {
      if ((fds[first_output + i].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
        pump(m_outputs[i]);
      }
    }
    const bool pid_ready = m_pidfd.get() >= 0 && (fds[pid_slot].revents & POLLIN) != 0;
    if (pid_ready || m_pidfd.get() < 0) {
      m_exited = has_exited(m_child.pid);
    }
  }

  int poll_timeout_ms(Clock::time_point now) const
  {
    Clock::time_point until = m_next_sample;
    if (m_timeout_at && !m_term_sent) {
      until = std::min(until, *m_timeout_at);
    }
    if (m_term_sent && !m_kill_sent) {
      until = std::min(until, m_kill_at);
    }
    if (m_pidfd.get() < 0) {
      until = std::min(until, now + k_exit_poll);
    }
    const auto wait = std::chrono::ceil<milliseconds>(until - now).count();
    return static_cast<int>(std::clamp<std::int64_t>(wait, 0, 60'000));
  }

  // Reads one chunk; returns false once the pipe reached EOF.
  bool pump(Output& output)
  {
    if (output.fd.get() < 0) {
      return false;
    }
    ssize_t got = 0;
    do {
      got = ::read(output.fd.get(), m_buffer.get(), k_chunk_bytes);
    } while (got < 0 && errno == EINTR);
    if (got > 0) {
      if (*output.sink) {
        (*output.sink)(std::string_view(m_buffer.get(), static_cast<std::size_t>(got)));
      }
      return true;
    }
    if (got == 0 || errno != EAGAIN) {
      output.fd.reset();
      return false;
    }
    return true;
  }

  void sample(Clock::time_point now)
  {
    const std::int64_t rss = m_tree.sample_rss();
    m_result.samples.push_back({now - m_child.started, rss});
    m_peak_sampled = std::max(m_peak_sampled, rss);
    const bool watchdog = m_spec.memory_limit_bytes > 0 && !m_child.cgroup_limits_memory;
    if (watchdog && rss > m_spec.memory_limit_bytes && !m_kill_sent) {
      m_result.resources.oom_killed = true;
      m_result.resources.killed_by_us = true;
      m_tree.signal(SIGKILL);
      m_term_sent = true;
      m_kill_sent = true;
    }
  }

  void enforce(Clock::time_point now)
  {
    if (!m_term_sent) {
      const bool timed_out = m_timeout_at && now >= *m_timeout_at;
      if (timed_out || m_stop.stop_requested()) {
        m_result.resources.timed_out = timed_out;
        m_result.resources.killed_by_us = true;
        m_tree.signal(SIGTERM);
        m_term_sent = true;
        m_kill_at = now + m_spec.kill_grace;
      }
    }
    if (m_term_sent && !m_kill_sent && now >= m_kill_at) {
      m_tree.signal(SIGKILL);
      m_kill_sent = true;
    }
  }

  void drain()
  {
    const Clock::time_point deadline = Clock::now() + k_drain_limit;
    for (;;) {
      std::array<pollfd, 2> fds{};
      for (std::size_t i = 0; i < m_outputs.size(); ++i) {
        fds[i] = {m_outputs[i].fd.get(), POLLIN, 0};
      }
      if (fds[0].fd < 0 && fds[1].fd < 0) {
        return;
      }
      const auto left = std::chrono::ceil<milliseconds>(deadline - Clock::now()).count();
      if (left <= 0 || ::poll(fds.data(), fds.size(), static_cast<int>(left)) == 0) {
        return;
      }
      for (std::size_t i = 0; i < m_outputs.size(); ++i) {
        if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
          pump(m_outputs[i]);
        }
      }
    }
  }

  // wait4 rather than Boost's wait: only wait4 returns the rusage (CPU times, maxrss) of the
  // child and of the descendants it reaped.
  void reap()
  {
    for (m_outputs[0].fd.reset(), m_outputs[1].fd.reset();;) {
      if (::wait4(m_child.pid, &m_status, 0, &m_usage) >= 0 || errno != EINTR) {
        break;
      }
    }
    m_ended = Clock::now();
  }

  void fill_resources()
  {
    model::Resources& resources = m_result.resources;
    resources.wall_seconds = std::chrono::duration<double>(m_ended - m_child.started).count();
    resources.cpu_user_seconds = seconds(m_usage.ru_utime);
    resources.cpu_system_seconds = seconds(m_usage.ru_stime);
    if (WIFEXITED(m_status)) {
      resources.exit_code = WEXITSTATUS(m_status);
    }
    else if (WIFSIGNALED(m_status)) {
      resources.signal = WTERMSIG(m_status);
    }
    std::int64_t peak = std::max(m_peak_sampled, static_cast<std::int64_t>(m_usage.ru_maxrss) * 1024);
    if (const Cgroup* cgroup = m_tree.cgroup()) {
      peak = std::max(peak, cgroup->memory_peak());
      if (cgroup->oom_kills() > 0) {
        resources.oom_killed = true;
        resources.killed_by_us = resources.killed_by_us || m_child.cgroup_limits_memory;
      }
    }
    resources.peak_rss_bytes = peak;
    // A SIGKILL nobody here sent is, on the machines this runs on, almost always the OOM killer.
    if (resources.signal == SIGKILL && !resources.killed_by_us) {
      resources.oom_killed = true;
    }
    if (m_spec.memory_limit_bytes > 0) {
      resources.memory_limit_method = m_child.cgroup_limits_memory ? "cgroup" : "watchdog";
    }
    resources.containment = m_tree.containment();
    m_result.started = m_child.started_wall;
  }

  const ProcessSpec& m_spec;
  const SpawnedChild& m_child;
  RunTree& m_tree;
  std::stop_token m_stop;
  Fd m_pidfd;
  Fd m_wake;
  std::array<Output, 2> m_outputs;
  // Not zero-filled: a short run touches only the page its one read fills.
  std::unique_ptr<char[]> m_buffer = std::make_unique_for_overwrite<char[]>(k_chunk_bytes);
  ProcessResult m_result;
  Clock::time_point m_next_sample;
  std::optional<Clock::time_point> m_timeout_at;
  Clock::time_point m_kill_at{};
  Clock::time_point m_ended{};
  bool m_exited = false;
  bool m_term_sent = false;
  bool m_kill_sent = false;
  std::int64_t m_peak_sampled = 0;
  int m_status = 0;
  rusage m_usage{};
};

} // namespace

ProcessResult supervise(const ProcessSpec& spec, const SpawnedChild& child, RunTree& tree, std::stop_token stop)
{
  Supervisor supervisor(spec, child, tree, std::move(stop));
  return supervisor.run();
}

} // namespace bisectr::executor
