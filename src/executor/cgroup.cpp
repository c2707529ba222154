#include "bisectr/executor/cgroup.hpp"

#include "bisectr/executor/proc_fs.hpp"

#include <cerrno>
#include <csignal>
#include <fstream>
#include <sstream>
#include <string>
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
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Our own cgroup v2 path ("0::/some/path" in /proc/self/cgroup).
std::optional<std::string> own_cgroup()
{
  std::ifstream in("/proc/self/cgroup");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("0::", 0) == 0) {
      return line.substr(3);
    }
  }
  return std::nullopt;
}

struct Cgroup2Mount {
  std::string root;
  fs::path mount_point;
};

// mountinfo: "id parent maj:min root mount-point options ... - fstype source super-options".
std::optional<Cgroup2Mount> find_cgroup2_mount()
{
  std::ifstream in("/proc/self/mountinfo");
  for (std::string line; std::getline(in, line);) {
    const std::size_t dash = line.find(" - ");
    if (dash == std::string::npos || line.compare(dash + 3, 8, "cgroup2 ") != 0) {
      continue;
    }
    std::istringstream fields(line.substr(0, dash));
    std::string id, parent, device, root, mount_point;
    fields >> id >> parent >> device >> root >> mount_point;
    return Cgroup2Mount{root, mount_point};
  }
  return std::nullopt;
}

bool has_word(const std::string& text, const std::string& word)
{
  std::istringstream words(text);
  for (std::string each; words >> each;) {
    if (each == word) {
      return true;
    }
  }
  return false;
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
  std::ifstream in(m_path / "cgroup.procs");
  for (pid_t pid = 0; in >> pid;) {
    pids.push_back(pid);
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
  std::ifstream in(m_path / file);
  std::int64_t value = 0;
  in >> value;
  return in ? value : 0;
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
  std::ifstream in(m_path / "memory.events");
  std::string key;
  for (std::int64_t value = 0; in >> key >> value;) {
    if (key == "oom_kill") {
      return value;
    }
  }
  return 0;
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
