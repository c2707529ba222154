#include "bisectr/executor/cgroup.hpp"

#include "bisectr/executor/proc_fs.hpp"

#include <cerrno>
#include <csignal>
#include <algorithm>
#include <charconv>
#include <string>
#include <string_view>
#include <thread>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace bisectr::executor {

namespace {

namespace fs = std::filesystem;

bool write_file(const fs::path& path, const std::string& text)
{
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    return false;
  }
  const ssize_t written = ::write(fd, text.data(), text.size());
  ::close(fd);
  return written == static_cast<ssize_t>(text.size());
}

std::string read_file(const fs::path& path)
{
  return read_whole_file(path.c_str());
}

// Calls fn(line) for each line of text, without its newline, until fn returns true.
template <typename Fn> bool any_line(std::string_view text, Fn&& fn)
{
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    if (fn(text.substr(0, end))) {
      return true;
    }
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  }
  return false;
}

// The next word of text (split on spaces, tabs and newlines), removed from it; empty at the end.
std::string_view next_word(std::string_view& text)
{
  const std::size_t begin = text.find_first_not_of(" \t\n");
  if (begin == std::string_view::npos) {
    text = {};
    return {};
  }
  text.remove_prefix(begin);
  const std::size_t end = std::min(text.find_first_of(" \t\n"), text.size());
  const std::string_view word = text.substr(0, end);
  text.remove_prefix(end);
  return word;
}

// Our own cgroup v2 path ("0::/some/path" in /proc/self/cgroup).
std::optional<std::string> own_cgroup()
{
  std::optional<std::string> own;
  any_line(read_whole_file("/proc/self/cgroup"), [&](std::string_view line) {
    if (line.substr(0, 3) == "0::") {
      own = std::string(line.substr(3));
    }
    return own.has_value();
  });
  return own;
}

struct Cgroup2Mount {
  std::string root;
  fs::path mount_point;
};

// mountinfo: "id parent maj:min root mount-point options ... - fstype source super-options".
std::optional<Cgroup2Mount> find_cgroup2_mount()
{
  std::optional<Cgroup2Mount> mount;
  any_line(read_whole_file("/proc/self/mountinfo"), [&](std::string_view line) {
    const std::size_t dash = line.find(" - ");
    if (dash == std::string_view::npos || line.substr(dash + 3, 8) != "cgroup2 ") {
      return false;
    }
    std::string_view fields = line.substr(0, dash);
    for (int skipped = 0; skipped < 3; ++skipped) {
      next_word(fields);  // id, parent, maj:min
    }
    const std::string_view root = next_word(fields);
    const std::string_view mount_point = next_word(fields);
    mount = Cgroup2Mount{std::string(root), fs::path(mount_point)};
    return true;
  });
  return mount;
}

bool has_word(std::string_view text, std::string_view word)
{
  for (std::string_view each = next_word(text); !each.empty(); each = next_word(text)) {
    if (each == word) {
      return true;
    }
  }
  return false;
}

// The integer at the start of text (after blanks); nullopt when there is none.
std::optional<std::int64_t> leading_number(std::string_view text)
{
  const std::string_view word = next_word(text);
  std::int64_t value = 0;
  if (word.empty() || std::from_chars(word.data(), word.data() + word.size(), value).ec != std::errc{}) {
    return std::nullopt;
  }
  return value;
}

} // namespace

std::optional<fs::path> Cgroup::find_parent()
{
  const std::optional<Cgroup2Mount> mount = find_cgroup2_mount();
  const std::optional<std::string> own = own_cgroup();
  if (!mount || !own || own->rfind(mount->root, 0) != 0) {
    return std::nullopt;
  }
  std::string relative = own->substr(mount->root.size());
  while (!relative.empty() && relative.front() == '/') {
    relative.erase(0, 1);
  }
  fs::path parent = relative.empty() ? mount->mount_point : mount->mount_point / relative;
  if (::access(parent.c_str(), W_OK) != 0 || ::access((parent / "cgroup.procs").c_str(), W_OK) != 0) {
    return std::nullopt;
  }
  return parent;
}

std::unique_ptr<Cgroup> Cgroup::create(const fs::path& parent, const std::string& name)
{
  const fs::path path = parent / name;
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) {
    return nullptr;
  }
  const int procs_fd = ::open((path / "cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC);
  if (procs_fd < 0) {
    ::rmdir(path.c_str());
    return nullptr;
  }
  return std::unique_ptr<Cgroup>(new Cgroup(path, procs_fd));
}

std::unique_ptr<Cgroup> Cgroup::open(const fs::path& path)
{
  const int procs_fd = ::open((path / "cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC);
  if (procs_fd < 0) {
    return nullptr;
  }
  return std::unique_ptr<Cgroup>(new Cgroup(path, procs_fd));
}

Cgroup::Cgroup(fs::path path, int procs_fd) : m_path(std::move(path)), m_procs_fd(procs_fd) {}

Cgroup::~Cgroup()
{
  ::close(m_procs_fd);
  kill_and_wait(std::chrono::milliseconds(500));
  // rmdir fails with EBUSY for a moment after the last process died; retry briefly.
  for (int attempt = 0; attempt < 100 && ::rmdir(m_path.c_str()) != 0 && errno == EBUSY; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

bool Cgroup::add(pid_t pid) const
{
  return write_file(m_path / "cgroup.procs", std::to_string(pid));
}

std::vector<pid_t> Cgroup::pids() const
{
  std::vector<pid_t> pids;
  const std::string text = read_file(m_path / "cgroup.procs");
  std::string_view rest = text;
  for (std::string_view word = next_word(rest); !word.empty(); word = next_word(rest)) {
    pid_t pid = 0;
    if (std::from_chars(word.data(), word.data() + word.size(), pid).ec == std::errc{}) {
      pids.push_back(pid);
    }
  }
  return pids;
}

bool Cgroup::has_memory_controller() const
{
  return ::access((m_path / "memory.max").c_str(), F_OK) == 0;
}

bool Cgroup::set_memory_max(std::int64_t bytes) const
{
  if (!has_memory_controller()) {
    // Enabling the controller for our children only works where the parent may distribute it
    // (the root cgroup or a delegated subtree without processes of its own).
    const fs::path parent = m_path.parent_path();
    if (!has_word(read_file(parent / "cgroup.controllers"), "memory")
        || !write_file(parent / "cgroup.subtree_control", "+memory") || !has_memory_controller()) {
      return false;
    }
  }
  write_file(m_path / "memory.swap.max", "0");
  write_file(m_path / "memory.oom.group", "1");
  return write_file(m_path / "memory.max", std::to_string(bytes));
}

std::int64_t Cgroup::read_number(const char* file) const
{
  return leading_number(read_file(m_path / file)).value_or(0);
}

std::int64_t Cgroup::memory_peak() const
{
  return read_number("memory.peak");
}

std::int64_t Cgroup::memory_current() const
{
  return read_number("memory.current");
}

std::int64_t Cgroup::oom_kills() const
{
  std::int64_t kills = 0;
  any_line(read_file(m_path / "memory.events"), [&](std::string_view line) {
    std::string_view rest = line;
    if (next_word(rest) != "oom_kill") {
      return false;
    }
    kills = leading_number(rest).value_or(0);
    return true;
  });
  return kills;
}

void Cgroup::signal_all(int sig) const
{
  if (sig == SIGKILL && write_file(m_path / "cgroup.kill", "1")) {
    return;
  }
  for (const pid_t pid : pids()) {
    ::kill(pid, sig);
  }
}

bool Cgroup::kill_and_wait(std::chrono::milliseconds timeout) const
{
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const std::vector<pid_t> left = pids();
    if (left.empty()) {
      return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return false;
    }
    // Without cgroup.kill a process may fork between reading cgroup.procs and the kills, hence the loop.
    signal_all(SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

} // namespace bisectr::executor
