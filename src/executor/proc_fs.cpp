#include "bisectr/executor/proc_fs.hpp"

#include <array>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <string>

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

namespace bisectr::executor {

namespace {

// Reads fd until size bytes or its end; the count read.
std::size_t read_up_to(int fd, char* buffer, std::size_t size)
{
  std::size_t total = 0;
  while (total < size) {
    const ssize_t got = ::read(fd, buffer + total, size - total);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got <= 0) {
      break;
    }
    total += static_cast<std::size_t>(got);
  }
  return total;
}

// Small /proc files are read with open/read rather than iostreams: this runs every sample
// interval for every process of a tree, so it must stay cheap (no allocation either).
std::size_t read_small_file(const char* path, char* buffer, std::size_t size)
{
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return 0;
  }
  const std::size_t total = read_up_to(fd, buffer, size);
  ::close(fd);
  return total;
}

template <typename Int>
const char* parse_int(const char* begin, const char* end, Int& value)
{
  while (begin < end && *begin == ' ') {
    ++begin;
  }
  const auto [ptr, ec] = std::from_chars(begin, end, value);
  return ec == std::errc() ? ptr : nullptr;
}

bool is_number(const char* name)
{
  if (*name == '\0') {
    return false;
  }
  for (; *name != '\0'; ++name) {
    if (*name < '0' || *name > '9') {
      return false;
    }
  }
  return true;
}

std::string proc_path(pid_t pid, const char* leaf)
{
  return "/proc/" + std::to_string(pid) + "/" + leaf;
}

} // namespace

std::vector<pid_t> list_pids()
{
  std::vector<pid_t> pids;
  DIR* dir = ::opendir("/proc");
  if (dir == nullptr) {
    return pids;
  }
  while (const dirent* entry = ::readdir(dir)) {
    if (is_number(entry->d_name)) {
      pids.push_back(static_cast<pid_t>(std::strtol(entry->d_name, nullptr, 10)));
    }
  }
  ::closedir(dir);
  return pids;
}

std::optional<ProcStat> read_stat(pid_t pid)
{
  std::array<char, 1024> buffer{};
  const std::size_t size = read_small_file(proc_path(pid, "stat").c_str(), buffer.data(), buffer.size());
  const char* end = buffer.data() + size;
  // The command name is in parentheses and may itself contain ") ", so the last ')' ends it.
  const char* close = nullptr;
  for (const char* at = buffer.data(); at < end; ++at) {
    if (*at == ')') {
      close = at;
    }
  }
  if (close == nullptr || close + 4 > end) {
    return std::nullopt;
  }
  ProcStat stat;
  stat.pid = pid;
  stat.state = close[2];
  const char* at = parse_int(close + 3, end, stat.ppid);
  at = at == nullptr ? nullptr : parse_int(at, end, stat.pgid);
  at = at == nullptr ? nullptr : parse_int(at, end, stat.session);
  if (at == nullptr) {
    return std::nullopt;
  }
  return stat;
}

std::int64_t read_rss_bytes(pid_t pid)
{
  std::array<char, 256> buffer{};
  const std::size_t size = read_small_file(proc_path(pid, "statm").c_str(), buffer.data(), buffer.size());
  const char* end = buffer.data() + size;
  std::int64_t total_pages = 0;
  std::int64_t resident_pages = 0;
  const char* at = parse_int(buffer.data(), end, total_pages);
  at = at == nullptr ? nullptr : parse_int(at, end, resident_pages);
  if (at == nullptr) {
    return 0;
  }
  static const std::int64_t page_size = ::sysconf(_SC_PAGESIZE);
  return resident_pages * page_size;
}

bool environ_contains(pid_t pid, std::string_view entry)
{
  const int fd = ::open(proc_path(pid, "environ").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return false;
  }
  // Entries are NUL-separated; read it whole (environments are small) and compare entry by entry.
  std::string content;
  std::array<char, 4096> buffer{};
  for (ssize_t got = 0; (got = ::read(fd, buffer.data(), buffer.size())) > 0;) {
    content.append(buffer.data(), static_cast<std::size_t>(got));
  }
  ::close(fd);
  std::size_t start = 0;
  while (start < content.size()) {
    std::size_t stop = content.find('\0', start);
    if (stop == std::string::npos) {
      stop = content.size();
    }
    if (std::string_view(content).substr(start, stop - start) == entry) {
      return true;
    }
    start = stop + 1;
  }
  return false;
}

std::optional<std::vector<pid_t>> read_children(pid_t pid)
{
  const std::string task_dir = proc_path(pid, "task");
  DIR* dir = ::opendir(task_dir.c_str());
  if (dir == nullptr) {
    return std::vector<pid_t>{};
  }
  std::vector<pid_t> children;
  bool supported = true;
  while (const dirent* entry = ::readdir(dir)) {
    if (!is_number(entry->d_name)) {
      continue;
    }
    const std::string path = task_dir + "/" + entry->d_name + "/children";
    if (::access(path.c_str(), R_OK) != 0) {
      supported = false;
      break;
    }
    std::array<char, 4096> buffer{};
    const std::size_t size = read_small_file(path.c_str(), buffer.data(), buffer.size());
    const char* end = buffer.data() + size;
    const char* at = buffer.data();
    pid_t child = 0;
    while (at != nullptr && at < end && (at = parse_int(at, end, child)) != nullptr) {
      children.push_back(child);
    }
  }
  ::closedir(dir);
  if (!supported) {
    return std::nullopt;
  }
  return children;
}

bool is_alive(pid_t pid)
{
  const std::optional<ProcStat> stat = read_stat(pid);
  return stat && stat->state != 'Z' && stat->state != 'X';
}

std::string read_whole_file(const char* path)
{
  std::string text;
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return text;
  }
  std::array<char, 4096> chunk{};
  for (std::size_t got = chunk.size(); got == chunk.size();) {
    got = read_up_to(fd, chunk.data(), chunk.size());
    text.append(chunk.data(), got);
  }
  ::close(fd);
  return text;
}

} // namespace bisectr::executor
