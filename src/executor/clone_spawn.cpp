#include "bisectr/executor/clone_spawn.hpp"

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdint>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

namespace bisectr::executor {

// Not under ThreadSanitizer: its sigaction and dup2 wrappers keep tables in memory the child
// shares with us, and resetting handlers there would reset ours.
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define BISECTR_NO_CLONE_SPAWN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define BISECTR_NO_CLONE_SPAWN 1
#endif

#if defined(__x86_64__) && !defined(__ILP32__) && defined(__linux__) && !defined(BISECTR_NO_CLONE_SPAWN)

namespace {

// struct clone_args of <linux/sched.h> up to the cgroup field (CLONE_ARGS_SIZE_VER2), spelled
// out because <linux/sched.h> and glibc's <sched.h> do not mix in C++.
struct CloneArgs {
  std::uint64_t flags = 0;
  std::uint64_t pidfd = 0;
  std::uint64_t child_tid = 0;
  std::uint64_t parent_tid = 0;
  std::uint64_t exit_signal = 0;
  std::uint64_t stack = 0;
  std::uint64_t stack_size = 0;
  std::uint64_t tls = 0;
  std::uint64_t set_tid = 0;
  std::uint64_t set_tid_size = 0;
  std::uint64_t cgroup = 0;
};
static_assert(sizeof(CloneArgs) == 88);

constexpr std::uint64_t k_clone_vm = 0x00000100;
constexpr std::uint64_t k_clone_vfork = 0x00004000;
constexpr std::uint64_t k_clone_into_cgroup = 0x200000000ULL;
constexpr std::size_t k_child_stack_bytes = 64 * 1024;
constexpr std::size_t k_guard_bytes = 4096;  ///< below the stack, PROT_NONE: an overflow faults

struct ChildContext {
  const CloneSpawnRequest* request = nullptr;
  int error = 0;  ///< written by the child (shared memory), read after it exec'd or exited
};

} // namespace

// clone3 that runs fn(arg) in the child on the stack given in args, then exits with its return
// value; in the parent it returns the child's pid or -errno. In assembly because the child
// starts on another stack: no C++ frame may be returned through there.
extern "C" long bisectr_clone3_run(CloneArgs* args, std::size_t size, int (*fn)(void*), void* arg);
asm(R"(
    .pushsection .text,"ax",@progbits
    .p2align 4
    .globl bisectr_clone3_run
    .hidden bisectr_clone3_run
    .type bisectr_clone3_run, @function
bisectr_clone3_run:
    movq %rdx, %r8
    movq %rcx, %r9
    movl $435, %eax
    syscall
    testq %rax, %rax
    jnz 1f
    xorl %ebp, %ebp
    movq %r9, %rdi
    callq *%r8
    movl %eax, %edi
    movl $231, %eax
    syscall
    hlt
1:
    ret
    .size bisectr_clone3_run, .-bisectr_clone3_run
    .popsection
)");

namespace {

// The child: on the parent's memory until exec, so only system calls, no allocation, and no
// sanitizer bookkeeping (it runs on a stack the sanitizers never saw).
__attribute__((no_sanitize("address", "undefined", "thread"))) int child_main(void* arg)
{
  auto* context = static_cast<ChildContext*>(arg);
  const CloneSpawnRequest& request = *context->request;
  const std::array<int, 3> fds{request.stdin_fd, request.stdout_fd, request.stderr_fd};
  for (int target = 0; target < 3; ++target) {
    // The caller moved every source above 2, so no dup2 here overwrites a later source.
    if (::dup2(fds[static_cast<std::size_t>(target)], target) < 0) {
      context->error = errno;
      return 127;
    }
  }
  if (request.cwd != nullptr && ::chdir(request.cwd) != 0) {
    context->error = errno;
    return 127;
  }
  ::setpgid(0, 0);
  // Handlers bisectr installed would run on its memory: back to default, as exec would do; and
  // the signals bisectr ignores or blocks are the test's to receive.
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) {
    struct sigaction current {};
    if (::sigaction(sig, nullptr, &current) != 0) {
      continue;
    }
    const bool caught = (current.sa_flags & SA_SIGINFO) != 0 || (current.sa_handler != SIG_DFL && current.sa_handler != SIG_IGN);
    const bool reset = sig == SIGPIPE || sig == SIGINT || sig == SIGTERM || sig == SIGQUIT || sig == SIGHUP || sig == SIGCHLD;
    if (caught || reset) {
      ::sigaction(sig, &default_action, nullptr);
    }
  }
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::execve(request.path, request.argv, request.envp);
  context->error = errno;
  return 127;
}

// A descriptor of the same file numbered 3 or more (a new one the caller closes), or fd itself.
int above_standard(int fd, int& owned)
{
  owned = -1;
  if (fd < 0) {
    errno = EBADF;
    return fd;
  }
  if (fd > 2) {
    return fd;
  }
  owned = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
  return owned;
}

} // namespace

bool clone_spawn_available()
{
  return true;
}

CloneSpawnResult spawn_into_cgroup(const CloneSpawnRequest& request)
{
  CloneSpawnResult result;
  CloneSpawnRequest fixed = request;
  std::array<int, 3> owned{-1, -1, -1};
  fixed.stdin_fd = above_standard(request.stdin_fd, owned[0]);
  fixed.stdout_fd = above_standard(request.stdout_fd, owned[1]);
  fixed.stderr_fd = above_standard(request.stderr_fd, owned[2]);
  const auto close_owned = [&owned] {
    for (const int fd : owned) {
      if (fd >= 0) {
        ::close(fd);
      }
    }
  };
  if (fixed.stdin_fd < 0 || fixed.stdout_fd < 0 || fixed.stderr_fd < 0) {
    result.clone_error = errno;
    close_owned();
    return result;
  }
  void* mapping = ::mmap(nullptr, k_guard_bytes + k_child_stack_bytes, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (mapping == MAP_FAILED) {
    result.clone_error = errno;
    close_owned();
    return result;
  }
  ::mprotect(mapping, k_guard_bytes, PROT_NONE);
  void* stack = static_cast<char*>(mapping) + k_guard_bytes;
  ChildContext context{&fixed, 0};
  CloneArgs args;
  args.flags = k_clone_vm | k_clone_vfork | k_clone_into_cgroup;
  args.exit_signal = SIGCHLD;
  args.stack = reinterpret_cast<std::uintptr_t>(stack);
  args.stack_size = k_child_stack_bytes;
  args.cgroup = static_cast<std::uint64_t>(request.cgroup_dir_fd);
  // No handler of ours may run in the child before it has reset them.
  sigset_t all;
  sigset_t previous;
  ::sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &previous);
  const long rc = bisectr_clone3_run(&args, sizeof args, &child_main, &context);
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  ::munmap(mapping, k_guard_bytes + k_child_stack_bytes);
  close_owned();
  if (rc < 0) {
    result.clone_error = static_cast<int>(-rc);
    return result;
  }
  result.pid = static_cast<pid_t>(rc);
  result.exec_error = context.error;
  return result;
}

#else

bool clone_spawn_available()
{
  return false;
}

CloneSpawnResult spawn_into_cgroup(const CloneSpawnRequest&)
{
  CloneSpawnResult result;
  result.clone_error = ENOSYS;
  return result;
}

#endif

} // namespace bisectr::executor
