#include "bisectr/config/python_finder.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace bisectr::config {

namespace fs = std::filesystem;

namespace {

// Only a dotted identifier goes into the `-c` source, so nothing else can be executed.
bool is_module_name(std::string_view module)
{
  if (module.empty() || module.front() == '.' || module.back() == '.' || module.find("..") != std::string_view::npos) {
    return false;
  }
  return std::all_of(module.begin(), module.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.'; });
}

bool is_executable(const fs::path& path)
{
  std::error_code error;
  return fs::is_regular_file(path, error) && ::access(path.c_str(), X_OK) == 0;
}

// Runs `python -c "import module"` with its output discarded; true when it exits 0.
bool can_import(const fs::path& python, std::string_view module)
{
  std::string program = python.string();
  std::string flag = "-c";
  std::string source = "import " + std::string(module);
  std::array<char*, 4> argv = {program.data(), flag.data(), source.data(), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    return false;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      return false;
    }
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

} // namespace

std::vector<fs::path> python_candidates()
{
  std::vector<fs::path> candidates;
  const auto add = [&](const fs::path& path) {
    if (is_executable(path) && std::find(candidates.begin(), candidates.end(), path) == candidates.end()) {
      candidates.push_back(path);
    }
  };
  add("/usr/bin/python3");
  const char* path_variable = std::getenv("PATH");
  for (const char* name : {"python3", "python"}) {
    std::string_view rest = path_variable == nullptr ? "" : path_variable;
    while (!rest.empty()) {
      const std::size_t colon = rest.find(':');
      const std::string_view folder = rest.substr(0, colon);
      add(fs::path(folder.empty() ? "." : folder) / name);
      rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
    }
  }
  return candidates;
}

std::optional<fs::path> find_python_with(std::string_view module, const std::vector<fs::path>& candidates)
{
  if (!is_module_name(module)) {
    return std::nullopt;
  }
  for (const fs::path& python : candidates) {
    if (can_import(python, module)) {
      return python;
    }
  }
  return std::nullopt;
}

std::optional<fs::path> find_python_with(std::string_view module)
{
  return find_python_with(module, python_candidates());
}

} // namespace bisectr::config
