#pragma once

#include "bisectr/executor/cgroup.hpp"

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <sys/types.h>

namespace bisectr::executor {

/// The processes of one run: the root's process group plus every descendant, even those that
/// left the group or session. With a cgroup the kernel keeps the list; without one, /proc is
/// walked incrementally (new pids whose parent is a member) and, at the end, processes that
/// escaped to another parent are found by the environment marker every descendant inherits.
class RunTree
{
public:
  /// Made before the spawn (it notes which processes already exist); cgroup may be null; marker is "NAME=value".
  RunTree(std::unique_ptr<Cgroup> cgroup, std::string marker);
  /// Sets the root once spawned: a process group leader, not yet reaped.
  void set_root(pid_t root);

  /// "cgroup" or "process-tree".
  std::string containment() const;
  /// The run's cgroup, or null.
  const Cgroup* cgroup() const { return m_cgroup.get(); }
  /// Refreshes the membership and returns the resident memory summed over every live member.
  std::int64_t sample_rss();
  /// Sends sig to the process group and every known member.
  void signal(int sig);
  /// SIGKILLs every member still alive, escaped ones included; call while the root is unreaped.
  void kill_all();
  /// The pids known to belong to the tree now (root included while it lives).
  std::vector<pid_t> members() const;

private:
  void refresh();
  void refresh_from(const std::vector<pid_t>& now);
  void adopt_marked(const std::vector<pid_t>& now);

  pid_t m_root = 0;
  std::unique_ptr<Cgroup> m_cgroup;
  std::string m_marker;
  std::set<pid_t> m_members;
  std::set<pid_t> m_seen;    ///< every pid in /proc at the last refresh
  std::set<pid_t> m_before;  ///< every pid in /proc when the run started (none of them can be ours)
};

} // namespace bisectr::executor
