#include "bisectr/executor/boost_process_runner.hpp"

#include "bisectr/executor/cgroup.hpp"
#include "bisectr/executor/clone_spawn.hpp"
#include "bisectr/executor/proc_fs.hpp"
#include "bisectr/executor/run_tree.hpp"
#include "bisectr/executor/supervisor.hpp"
#include "bisectr/util/error.hpp"

#include <array>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string_view>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

// This is the only file that includes Boost.Process (it costs about a minute of compile time).
// Boost 1.74 enables its vfork launcher only for old _XOPEN_SOURCE levels, not for glibc's
// defaults, although vfork is there; see spawn() for why we want it.
#ifndef BOOST_POSIX_HAS_VFORK
#define BOOST_POSIX_HAS_VFORK 1
#endif
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/extend.hpp>
#include <boost/process/io.hpp>
#include <boost/process/pipe.hpp>
#include <boost/process/posix.hpp>
#pragma GCC diagnostic pop

namespace bisectr::executor {

namespace {

namespace bp = boost::process;

constexpr const char* k_marker_name = "BISECTR_RUN_MARKER";

struct Pipe {
  int read_end = -1;
  int write_end = -1;
};

// The stdout and stderr pipes of one spawn; whatever end nobody took is closed on destruction.
// O_CLOEXEC from the start: other threads spawn at the same time, and a write end leaked into
// another run's child would keep this run's reader from ever seeing EOF.
struct OutputPipes {
  Pipe out;
  Pipe err;

  OutputPipes()
  {
    make(out);
    make(err);
  }
  ~OutputPipes() { close_all(); }
  OutputPipes(const OutputPipes&) = delete;
  OutputPipes& operator=(const OutputPipes&) = delete;

private:
  void close_all()
  {
    for (int* fd : {&out.read_end, &out.write_end, &err.read_end, &err.write_end}) {
      if (*fd >= 0) {
        ::close(*fd);
      }
      *fd = -1;
    }
  }

  void make(Pipe& pipe)
  {
    std::array<int, 2> fds{-1, -1};
    if (::pipe2(fds.data(), O_CLOEXEC) != 0) {
      close_all();
      throw util::ProcessError("cannot create a pipe: " + std::error_code(errno, std::generic_category()).message());
    }
    pipe = {fds[0], fds[1]};
  }
};

std::string path_list_for(const ProcessSpec& spec)
{
  if (const auto it = spec.env.find("PATH"); it != spec.env.end()) {
    return it->second;
  }
  const char* path = std::getenv("PATH");
  return path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
}

// Runs in the vforked child before exec, on the parent's memory: only async-signal-safe calls
// that touch nothing but this object and the Boost executor. The child leads its own
// process group, joins the run's cgroup, and gets default signal handling back (bisectr may
// block or ignore signals that the test must receive).
struct ChildSetup {
  int cgroup_procs_fd = -1;
  const char* cwd = nullptr;
  int* join_error = nullptr;  ///< in the parent's memory (vfork): errno of a failed cgroup join

  template <typename Executor>
  void operator()(Executor& exec) const
  {
    // Boost's start_dir ignores a failed chdir and runs the program in the wrong directory.
    if (cwd != nullptr && ::chdir(cwd) != 0) {
      exec.set_error(std::error_code(errno, std::system_category()), "chdir failed");
      ::_exit(127);
    }
    ::setpgid(0, 0);
    if (cgroup_procs_fd >= 0 && ::write(cgroup_procs_fd, "0", 1) != 1) {
      *join_error = errno;
      exec.set_error(std::error_code(errno, std::system_category()), "cgroup join failed");
      ::_exit(127);
    }
    for (const int sig : {SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGCHLD}) {
      ::signal(sig, SIG_DFL);
    }
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
  }
};

// The child's environment as "KEY=value" strings: ours, with spec.env and the marker laid over.
// Built here rather than with bp::environment, whose find() in Boost 1.74 reads past the end of
// entries shorter than the key (AddressSanitizer: heap-buffer-overflow).
std::vector<std::string> child_environment(const ProcessSpec& spec, const std::string& marker_value)
{
  std::map<std::string, std::string> overrides = spec.env;
  overrides[k_marker_name] = marker_value;
  std::vector<std::string> entries;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const std::size_t equals = text.find('=');
    if (equals == std::string_view::npos || !overrides.contains(std::string(text.substr(0, equals)))) {
      entries.emplace_back(text);
    }
  }
  for (const auto& [key, value] : overrides) {
    entries.push_back(key + "=" + value);
  }
  return entries;
}

// The C view of strings for exec: their pointers, then a null. The strings must outlive it.
std::vector<char*> null_terminated(std::vector<std::string>& strings)
{
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (std::string& text : strings) {
    pointers.push_back(text.data());
  }
  pointers.push_back(nullptr);
  return pointers;
}

// Hands our own environment array to Boost's executor before it forks.
struct UseEnvironment {
  char** envp = nullptr;

  template <typename Executor>
  void operator()(Executor& exec) const
  {
    exec.env = envp;
  }
};

// vfork rather than fork: fork copies the page tables of this whole process, which measured
// 150 ms per run for a 500 MB bisectr here (bench_spawn --ballast 500); vfork costs the same
// at any size, like posix_spawn.
// Thrown by spawn() when the child could not join the run's cgroup; the runner then stops using cgroups.
struct CgroupJoinError {
  int error = 0;
};

pid_t spawn(const ProcessSpec& spec, const std::filesystem::path& exe, const std::string& marker_value, int procs_fd,
            OutputPipes& pipes)
{
  int join_error = 0;
  Pipe& out = pipes.out;
  Pipe& err = pipes.err;
  // The pipe objects get only the write ends (Boost closes them in the parent once the child
  // has them); the read ends stay ours alone.
  bp::pipe out_pipe(-1, out.write_end);
  bp::pipe err_pipe(-1, err.write_end);
  out.write_end = err.write_end = -1;
  std::vector<std::string> environment = child_environment(spec, marker_value);
  std::vector<char*> envp = null_terminated(environment);
  std::error_code ec;
  pid_t failed_pid = -1;
  bp::child child(bp::exe = exe.string(), bp::args = std::vector<std::string>(spec.argv.begin() + 1, spec.argv.end()),
                  bp::extend::on_setup = UseEnvironment{envp.data()}, bp::std_in < bp::null, bp::std_out > out_pipe,
                  bp::std_err > err_pipe,
                  bp::extend::on_exec_setup =
                      ChildSetup{procs_fd, spec.cwd.empty() ? nullptr : spec.cwd.c_str(), &join_error},
                  bp::extend::on_error = [&failed_pid](auto& exec, const std::error_code&) { failed_pid = exec.pid; },
                  bp::posix::use_vfork, ec);
  if (ec || !child.valid()) {
    if (failed_pid > 0) {
      ::waitpid(failed_pid, nullptr, 0);  // Boost leaves a child whose exec failed unreaped
    }
    if (join_error != 0) {
      throw CgroupJoinError{join_error};
    }
    throw util::ProcessError("cannot start " + spec.argv.front() + ": " + ec.message());
  }
  // The supervisor reaps with wait4; a detached bp::child neither waits nor terminates it. The
  // vforked child has called setpgid before exec, so its group exists before we get its pid.
  child.detach();
  return child.id();
}

// Starts the child directly inside the run's cgroup (clone_spawn.hpp), skipping the cgroup.procs
// join that costs an RCU grace period per run. nullopt when this start did not happen: refused
// says whether the kernel or a seccomp filter refused clone3 or CLONE_INTO_CGROUP for good (the
// caller then uses Boost's launcher from now on) or only this once.
std::optional<pid_t> spawn_in_cgroup(const ProcessSpec& spec, const std::filesystem::path& exe,
                                     const std::string& marker_value, const std::filesystem::path& cgroup_dir,
                                     OutputPipes& pipes, bool& refused)
{
  refused = false;
  // Everything that allocates comes before the descriptors, which nothing can leak then.
  std::vector<std::string> arguments(spec.argv.begin(), spec.argv.end());
  arguments.front() = exe.string();  // as Boost's launcher passes it
  std::vector<char*> argv = null_terminated(arguments);
  std::vector<std::string> environment = child_environment(spec, marker_value);
  std::vector<char*> envp = null_terminated(environment);
  const std::string program = exe.string();
  const int dir_fd = ::open(cgroup_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  const auto close_both = [&] {
    for (const int fd : {dir_fd, null_fd}) {
      if (fd >= 0) {
        ::close(fd);
      }
    }
  };
  if (dir_fd < 0 || null_fd < 0) {
    close_both();
    return std::nullopt;
  }
  CloneSpawnRequest request;
  request.path = program.c_str();
  request.argv = argv.data();
  request.envp = envp.data();
  request.cwd = spec.cwd.empty() ? nullptr : spec.cwd.c_str();
  request.stdin_fd = null_fd;
  request.stdout_fd = pipes.out.write_end;
  request.stderr_fd = pipes.err.write_end;
  request.cgroup_dir_fd = dir_fd;
  const CloneSpawnResult result = spawn_into_cgroup(request);
  close_both();
  if (result.pid <= 0) {
    switch (result.clone_error) {
    case EAGAIN: case ENOMEM: case EMFILE: case ENFILE:
      // Out of processes, memory or descriptors: no other launcher would do better.
      throw util::ProcessError("cannot start " + spec.argv.front() + ": " +
                               std::error_code(result.clone_error, std::generic_category()).message());
    default:
      // Anything about clone3 or the cgroup: Boost's launcher and the cgroup.procs join give
      // the real answer, falling back to the /proc containment if the join fails too.
      refused = true;
      return std::nullopt;
    }
  }
  for (int* fd : {&pipes.out.write_end, &pipes.err.write_end}) {
    ::close(*fd);  // the child has its copies; ours would hide its end of output
    *fd = -1;
  }
  if (result.exec_error != 0) {
    while (::waitpid(result.pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    throw util::ProcessError("cannot start " + spec.argv.front() + ": " +
                             std::error_code(result.exec_error, std::system_category()).message());
  }
  return result.pid;
}

// A bisectr killed with SIGKILL leaves its runs' cgroups, and the test processes in them, behind;
// the next runner kills those processes and removes the cgroups ("bisectr-<dead pid>-<n>").
void remove_stale_cgroups(const std::filesystem::path& parent)
{
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(parent, ec)) {
    const std::string name = entry.path().filename().string();
    pid_t owner = 0;
    if (name.rfind("bisectr-", 0) != 0 || std::sscanf(name.c_str(), "bisectr-%d-", &owner) != 1) {
      continue;
    }
    if (owner != ::getpid() && !is_alive(owner)) {
      Cgroup::open(entry.path());  // destroyed at once: kills what is inside, removes it
    }
  }
}

} // namespace

std::filesystem::path find_program(const std::string& program, const std::string& path_list)
{
  if (program.find('/') != std::string::npos) {
    return program;
  }
  std::size_t start = 0;
  while (start <= path_list.size()) {
    std::size_t stop = path_list.find(':', start);
    if (stop == std::string::npos) {
      stop = path_list.size();
    }
    const std::string dir = stop == start ? "." : path_list.substr(start, stop - start);
    const std::filesystem::path candidate = std::filesystem::path(dir) / program;
    std::error_code ec;
    if (::access(candidate.c_str(), X_OK) == 0 && !std::filesystem::is_directory(candidate, ec)) {
      return candidate;
    }
    start = stop + 1;
  }
  return {};
}

BoostProcessRunner::BoostProcessRunner(const RunnerOptions& options) : m_options(options)
{
  if (m_options.containment == Containment::Auto) {
    m_cgroup_parent = Cgroup::find_parent();
  }
  if (m_cgroup_parent) {
    remove_stale_cgroups(*m_cgroup_parent);
  }
  m_clone_into_cgroup = m_options.clone_into_cgroup && clone_spawn_available();
}

ProcessResult BoostProcessRunner::run(const ProcessSpec& spec, std::stop_token stop)
{
  if (spec.argv.empty() || spec.argv.front().empty()) {
    throw util::ProcessError("cannot start an empty command");
  }
  const std::filesystem::path exe = find_program(spec.argv.front(), path_list_for(spec));
  if (exe.empty()) {
    throw util::ProcessError("cannot start " + spec.argv.front() + ": not found on PATH");
  }
  std::error_code ec;
  if (!spec.cwd.empty() && !std::filesystem::is_directory(spec.cwd, ec)) {
    throw util::ProcessError("cannot start " + spec.argv.front() + ": no directory " + spec.cwd.string());
  }
  if (m_cgroup_parent && m_cgroups_usable) {
    try {
      return run_once(spec, exe, true, std::move(stop));
    }
    catch (const CgroupJoinError&) {
      // A cgroup we may create but not enter (a partial delegation): track trees through /proc instead.
      m_cgroups_usable = false;
    }
  }
  return run_once(spec, exe, false, std::move(stop));
}

ProcessResult BoostProcessRunner::run_once(const ProcessSpec& spec, const std::filesystem::path& exe, bool use_cgroup,
                                           std::stop_token stop)
{
  const std::string marker_value = std::to_string(::getpid()) + "-" + std::to_string(++m_runs);
  std::unique_ptr<Cgroup> cgroup;
  if (use_cgroup) {
    cgroup = Cgroup::create(*m_cgroup_parent, "bisectr-" + marker_value);
  }
  SpawnedChild child;
  child.cgroup_limits_memory = cgroup && spec.memory_limit_bytes > 0 && cgroup->set_memory_max(spec.memory_limit_bytes);
  const int procs_fd = cgroup ? cgroup->procs_fd() : -1;
  RunTree tree(std::move(cgroup), std::string(k_marker_name) + "=" + marker_value);
  OutputPipes pipes;
  child.started = std::chrono::steady_clock::now();
  child.started_wall = std::chrono::system_clock::now();
  std::optional<pid_t> pid;
  if (procs_fd >= 0 && m_clone_into_cgroup) {
    bool refused = false;
    pid = spawn_in_cgroup(spec, exe, marker_value, tree.cgroup()->path(), pipes, refused);
    if (refused) {
      m_clone_into_cgroup = false;  // and for every later run: the refusal will not change
    }
  }
  child.pid = pid ? *pid : spawn(spec, exe, marker_value, procs_fd, pipes);
  tree.set_root(child.pid);
  child.stdout_fd = std::exchange(pipes.out.read_end, -1);
  child.stderr_fd = std::exchange(pipes.err.read_end, -1);
  return supervise(spec, child, tree, std::move(stop));
}

std::unique_ptr<ProcessRunner> make_process_runner()
{
  return make_process_runner(RunnerOptions{});
}

std::unique_ptr<ProcessRunner> make_process_runner(const RunnerOptions& options)
{
  return std::make_unique<BoostProcessRunner>(options);
}

} // namespace bisectr::executor
