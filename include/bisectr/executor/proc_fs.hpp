#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

namespace bisectr::executor {

/// The fields of /proc/<pid>/stat the runner needs.
struct ProcStat {
  pid_t pid = 0;
  char state = '?';   ///< R, S, D, Z (zombie), ...
  pid_t ppid = 0;
  pid_t pgid = 0;
  pid_t session = 0;
};

/// Every pid listed in /proc (processes, not threads).
std::vector<pid_t> list_pids();
/// /proc/<pid>/stat parsed (the command name may hold spaces and parentheses); nullopt if the process is gone.
std::optional<ProcStat> read_stat(pid_t pid);
/// Resident memory of pid from /proc/<pid>/statm in bytes; 0 if the process is gone.
std::int64_t read_rss_bytes(pid_t pid);
/// Whether /proc/<pid>/environ holds the exact entry (e.g. "BISECTR_RUN=...") ; false if unreadable.
bool environ_contains(pid_t pid, std::string_view entry);
/// Direct children of pid from /proc/<pid>/task/*/children; nullopt where the kernel lacks that file.
std::optional<std::vector<pid_t>> read_children(pid_t pid);
/// True while pid exists and is not a zombie.
bool is_alive(pid_t pid);
/// The whole of a small procfs or cgroupfs file (mountinfo, cgroup.procs, memory.events), read
/// with read(2): iostreams cost an 8 KiB buffer and locale set-up per file. Empty when unreadable.
std::string read_whole_file(const char* path);

} // namespace bisectr::executor
