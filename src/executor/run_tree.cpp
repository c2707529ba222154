#include "bisectr/executor/run_tree.hpp"

#include "bisectr/executor/proc_fs.hpp"

#include <chrono>
#include <csignal>
#include <map>
#include <thread>

#include <signal.h>

namespace bisectr::executor {

RunTree::RunTree(std::unique_ptr<Cgroup> cgroup, std::string marker)
    : m_cgroup(std::move(cgroup)), m_marker(std::move(marker))
{
  if (!m_cgroup) {
    const std::vector<pid_t> now = list_pids();
    m_seen.insert(now.begin(), now.end());
    m_before = m_seen;
  }
}

void RunTree::set_root(pid_t root)
{
  m_root = root;
  m_members.insert(root);
}

std::string RunTree::containment() const
{
  return m_cgroup ? "cgroup" : "process-tree";
}

void RunTree::refresh()
{
  if (m_cgroup) {
    const std::vector<pid_t> pids = m_cgroup->pids();
    m_members.insert(pids.begin(), pids.end());
  }
  else {
    refresh_from(list_pids());
  }
  std::erase_if(m_members, [this](pid_t pid) { return pid != m_root && !is_alive(pid); });
}

void RunTree::refresh_from(const std::vector<pid_t>& now)
{
  // Only pids that appeared since the last refresh can be new descendants: a process that
  // existed before and was not a member cannot become one, so /proc is not re-read whole.
  std::map<pid_t, ProcStat> fresh;
  for (const pid_t pid : now) {
    if (!m_seen.contains(pid)) {
      if (const std::optional<ProcStat> stat = read_stat(pid)) {
        fresh.emplace(pid, *stat);
      }
    }
  }
  m_seen = std::set<pid_t>(now.begin(), now.end());
  for (bool grew = true; grew;) {
    grew = false;
    for (auto it = fresh.begin(); it != fresh.end();) {
      if (m_members.contains(it->second.ppid) || it->second.pgid == m_root) {
        m_members.insert(it->first);
        it = fresh.erase(it);
        grew = true;
      }
      else {
        ++it;
      }
    }
  }
}

std::int64_t RunTree::sample_rss()
{
  refresh();
  std::int64_t total = 0;
  for (const pid_t pid : m_members) {
    total += read_rss_bytes(pid);
  }
  return total;
}

void RunTree::signal(int sig)
{
  if (m_root > 0) {
    ::kill(-m_root, sig);
  }
  if (m_cgroup) {
    m_cgroup->signal_all(sig);
    return;
  }
  refresh();
  for (const pid_t pid : m_members) {
    ::kill(pid, sig);
  }
}

void RunTree::adopt_marked(const std::vector<pid_t>& now)
{
  // Processes that double-forked away between two refreshes were never seen with a member as
  // parent; the marker in their environment (inherited unless they clear it) still names them.
  for (const pid_t pid : now) {
    if (!m_members.contains(pid) && !m_before.contains(pid) && environ_contains(pid, m_marker)) {
      m_members.insert(pid);
    }
  }
}

void RunTree::kill_all()
{
  if (m_root > 0) {
    ::kill(-m_root, SIGKILL);
  }
  if (m_cgroup) {
    m_cgroup->kill_and_wait(std::chrono::milliseconds(1000));
    return;
  }
  // A process may fork while we kill; repeat until nobody but the unreaped root is alive.
  for (int round = 0; round < 50; ++round) {
    const std::vector<pid_t> now = list_pids();
    refresh_from(now);
    adopt_marked(now);
    std::erase_if(m_members, [this](pid_t pid) { return pid != m_root && !is_alive(pid); });
    if (m_members.size() <= 1) {
      return;
    }
    for (const pid_t pid : m_members) {
      if (pid != m_root) {
        ::kill(pid, SIGKILL);
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

std::vector<pid_t> RunTree::members() const
{
  return {m_members.begin(), m_members.end()};
}

} // namespace bisectr::executor
