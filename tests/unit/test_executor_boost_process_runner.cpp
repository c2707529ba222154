#include "bisectr/executor/boost_process_runner.hpp"
#include "bisectr/executor/cgroup.hpp"
#include "bisectr/executor/proc_fs.hpp"
#include "bisectr/util/error.hpp"
#include "fakes/temp_dir.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace bisectr::executor {

namespace {

using namespace std::chrono_literals;

constexpr const char* k_python = "/usr/bin/python3";
constexpr std::int64_t k_mib = 1024 * 1024;

struct Captured {
  ProcessResult result;
  std::string out;
  std::string err;
  std::size_t out_chunks = 0;
};

Captured run_capturing(ProcessSpec spec, const RunnerOptions& options = {}, std::stop_token stop = {})
{
  Captured captured;
  spec.on_stdout = [&captured](std::string_view chunk) {
    captured.out.append(chunk);
    ++captured.out_chunks;
  };
  spec.on_stderr = [&captured](std::string_view chunk) { captured.err.append(chunk); };
  captured.result = make_process_runner(options)->run(spec, stop);
  return captured;
}

ProcessSpec shell(const std::string& script)
{
  ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", script};
  return spec;
}

ProcessSpec python(const std::string& code)
{
  ProcessSpec spec;
  spec.argv = {k_python, "-c", code};
  return spec;
}

// kill(pid, 0) fails once the process is gone and reaped; here init reaps orphans only every
// few seconds, so a zombie waiting for init (state Z: dead, holding nothing) also counts.
bool stopped(pid_t pid)
{
  return (::kill(pid, 0) != 0 && errno == ESRCH) || !is_alive(pid);
}

pid_t read_pid(const std::filesystem::path& file)
{
  std::ifstream in(file);
  pid_t pid = 0;
  in >> pid;
  return pid;
}

} // namespace

TEST_CASE("executor::BoostProcessRunner::run exit status")
{
  SUBCASE("exit code")
  {
    const Captured run = run_capturing(shell("exit 3"));
    CHECK(run.result.resources.exit_code == 3);
    CHECK_FALSE(run.result.resources.signal);
    CHECK_FALSE(run.result.resources.killed_by_us);
    CHECK_FALSE(run.result.resources.oom_killed);
    CHECK(run.result.resources.memory_limit_method.empty());
    CHECK(run.result.resources.containment == (Cgroup::find_parent() ? "cgroup" : "process-tree"));
    const auto since_start = std::chrono::system_clock::now() - run.result.started;
    CHECK(since_start >= std::chrono::nanoseconds(0));
    CHECK(since_start < 10s);
  }
  SUBCASE("the process-tree containment when cgroups are not wanted")
  {
    const Captured run = run_capturing(shell("exit 0"), RunnerOptions{Containment::ProcessTree});
    CHECK(run.result.resources.containment == "process-tree");
  }
  SUBCASE("a signal from the child itself")
  {
    const Captured run = run_capturing(shell("kill -TERM $$"));
    CHECK(run.result.resources.signal == SIGTERM);
    CHECK_FALSE(run.result.resources.exit_code);
    CHECK_FALSE(run.result.resources.oom_killed);
  }
  SUBCASE("a SIGKILL nobody here sent counts as out of memory")
  {
    const Captured run = run_capturing(shell("kill -9 $$"));
    CHECK(run.result.resources.signal == SIGKILL);
    CHECK(run.result.resources.oom_killed);
    CHECK_FALSE(run.result.resources.killed_by_us);
  }
  SUBCASE("cpu time comes from wait4")
  {
    const Captured run = run_capturing(python("import time\nt=time.process_time()\nwhile time.process_time()-t<0.3: pass"));
    CHECK(run.result.resources.exit_code == 0);
    CHECK(run.result.resources.cpu_user_seconds + run.result.resources.cpu_system_seconds >= 0.25);
    CHECK(run.result.resources.wall_seconds >= 0.3);
  }
}

TEST_CASE("executor::BoostProcessRunner::run output")
{
  SUBCASE("stdout arrives complete and in order, stderr apart")
  {
    const Captured run = run_capturing(
        python("import sys\nfor i in range(200000): sys.stdout.write('%d\\n' % i)\nsys.stderr.write('oops')"));
    std::string expected;
    for (int i = 0; i < 200000; ++i) {
      expected += std::to_string(i) + "\n";
    }
    CHECK(run.out == expected);
    CHECK(run.out_chunks > 1);
    CHECK(run.err == "oops");
  }
  SUBCASE("env is added to the inherited one and cwd is set")
  {
    test::TempDir dir;
    ProcessSpec spec = shell("printf '%s|%s|' \"$BISECTR_TEST_VAR\" \"${HOME:+home}\"; pwd -P");
    spec.env["BISECTR_TEST_VAR"] = "a value";
    spec.cwd = dir.path();
    const Captured run = run_capturing(spec);
    const std::string home = std::getenv("HOME") != nullptr ? "home" : "";
    CHECK(run.out == "a value|" + home + "|" + std::filesystem::canonical(dir.path()).string() + "\n");
  }
  SUBCASE("argv elements reach the program intact, without a shell")
  {
    const std::vector<std::string> args = {"two words", "it's \"quoted\"", "line1\nline2", "$HOME", "*", "--", ""};
    ProcessSpec spec;
    spec.argv = {"python3", "-c", "import sys\nsys.stdout.write('\\0'.join(sys.argv[1:]))"};
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    spec.env["PATH"] = "/usr/bin:/bin";
    const Captured run = run_capturing(spec);
    std::string expected;
    for (std::size_t i = 0; i < args.size(); ++i) {
      expected += (i == 0 ? "" : std::string(1, '\0')) + args[i];
    }
    CHECK(run.out == expected);
  }
  SUBCASE("a flood of output is streamed, not accumulated")
  {
    const std::int64_t before = read_rss_bytes(::getpid());
    std::size_t total = 0;
    ProcessSpec spec = shell("head -c 1000000000 /dev/zero");
    spec.on_stdout = [&total](std::string_view chunk) { total += chunk.size(); };
    const ProcessResult result = make_process_runner()->run(spec, {});
    CHECK(total == 1000000000U);
    CHECK(result.resources.exit_code == 0);
    CHECK(read_rss_bytes(::getpid()) - before < 32 * k_mib);
  }
}

void check_timeouts(const RunnerOptions& options)
{
  {
    INFO("sleep is terminated");
    ProcessSpec spec{.argv = {"sleep", "1000"}};
    spec.timeout = 200ms;
    const Captured run = run_capturing(spec, options);
    CHECK(run.result.resources.timed_out);
    CHECK(run.result.resources.killed_by_us);
    CHECK(run.result.resources.signal == SIGTERM);
    CHECK_FALSE(run.result.resources.oom_killed);
    CHECK(run.result.resources.wall_seconds < 1.5);
  }
  {
    INFO("the whole tree is killed");
    ProcessSpec spec = shell("sleep 1000 & echo $!; sleep 1000");
    spec.timeout = 300ms;
    const Captured run = run_capturing(spec, options);
    CHECK(run.result.resources.timed_out);
    CHECK(stopped(static_cast<pid_t>(std::stol(run.out))));
  }
  {
    INFO("a child ignoring SIGTERM gets SIGKILL after the grace");
    ProcessSpec spec = shell("trap '' TERM; sleep 1000; sleep 1000");
    spec.timeout = 200ms;
    spec.kill_grace = 200ms;
    const Captured run = run_capturing(spec, options);
    CHECK(run.result.resources.signal == SIGKILL);
    CHECK(run.result.resources.killed_by_us);
    CHECK_FALSE(run.result.resources.oom_killed);
    CHECK(run.result.resources.wall_seconds < 1.5);
  }
  {
    INFO("a child that closed its output is still timed out");
    ProcessSpec spec = shell("exec >&- 2>&-; sleep 1000");
    spec.timeout = 200ms;
    const Captured run = run_capturing(spec, options);
    CHECK(run.result.resources.timed_out);
    CHECK(run.result.resources.wall_seconds < 1.5);
  }
}

// The daemon double-forks, leaves the session and process group, and ignores SIGTERM; the
// parent then lives for argv[2] seconds.
void check_daemon_is_killed(const RunnerOptions& options, const std::string& parent_lifetime)
{
  const std::string daemon = "import os, signal, sys, time\n"
                             "if os.fork() == 0:\n"
                             "    os.setsid()\n"
                             "    if os.fork() == 0:\n"
                             "        signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                             "        open(sys.argv[1] + '.tmp', 'w').write(str(os.getpid()))\n"
                             "        os.rename(sys.argv[1] + '.tmp', sys.argv[1])\n"
                             "        time.sleep(1000)\n"
                             "    os._exit(0)\n"
                             "while not os.path.exists(sys.argv[1]): time.sleep(0.01)\n"
                             "time.sleep(float(sys.argv[2]))\n";
  test::TempDir dir;
  ProcessSpec spec{.argv = {k_python, "-c", daemon, (dir / "pid").string(), parent_lifetime}};
  // Room for a slow Python start on a loaded machine: the daemon must be up before the timeout,
  // and a parent that ends at once must not meet it.
  spec.timeout = parent_lifetime == "0" ? std::chrono::milliseconds(30000) : std::chrono::milliseconds(2000);
  spec.kill_grace = 100ms;
  const Captured run = run_capturing(spec, options);
  CHECK(run.result.resources.timed_out == (parent_lifetime != "0"));
  const pid_t pid = read_pid(dir / "pid");
  REQUIRE(pid > 0);
  CHECK(stopped(pid));
}

TEST_CASE("executor::BoostProcessRunner::run timeout")
{
  SUBCASE("cgroup where possible") { check_timeouts(RunnerOptions{Containment::Auto}); }
  SUBCASE("process tree") { check_timeouts(RunnerOptions{Containment::ProcessTree}); }
}

TEST_CASE("executor::BoostProcessRunner::run escaped daemons")
{
  SUBCASE("cgroup, after a timeout") { check_daemon_is_killed(RunnerOptions{Containment::Auto}, "1000"); }
  SUBCASE("cgroup, after a normal end") { check_daemon_is_killed(RunnerOptions{Containment::Auto}, "0"); }
  SUBCASE("process tree, after a timeout") { check_daemon_is_killed(RunnerOptions{Containment::ProcessTree}, "1000"); }
  SUBCASE("process tree, after a normal end") { check_daemon_is_killed(RunnerOptions{Containment::ProcessTree}, "0"); }
}

TEST_CASE("executor::BoostProcessRunner::run memory")
{
  const std::string allocate = "x = bytearray(200 * 1024 * 1024)\nimport time\ntime.sleep(0.5)";
  SUBCASE("peak of a child allocating 200 MB")
  {
    const Captured run = run_capturing(python(allocate));
    CHECK(run.result.resources.exit_code == 0);
    CHECK(run.result.resources.peak_rss_bytes >= 200 * k_mib);
    CHECK(run.result.resources.peak_rss_bytes < 300 * k_mib);
    REQUIRE_FALSE(run.result.samples.empty());
    const auto top = std::max_element(run.result.samples.begin(), run.result.samples.end(),
                                      [](const MemorySample& a, const MemorySample& b) { return a.rss_bytes < b.rss_bytes; });
    CHECK(top->rss_bytes >= 200 * k_mib);
    CHECK(std::is_sorted(run.result.samples.begin(), run.result.samples.end(),
                         [](const MemorySample& a, const MemorySample& b) { return a.at < b.at; }));
  }
  SUBCASE("the peak is summed over the tree, in both containments")
  {
    // Two children of 100 MB at once: wait4's maxrss sees only the larger one, the samples both.
    const std::string child = "/usr/bin/python3 -c 'x = bytearray(100 * 1024 * 1024); import time; time.sleep(0.6)'";
    for (const Containment containment : {Containment::Auto, Containment::ProcessTree}) {
      CAPTURE(static_cast<int>(containment));
      const Captured run = run_capturing(shell(child + " & " + child + "; wait"), RunnerOptions{containment});
      CHECK(run.result.resources.peak_rss_bytes >= 200 * k_mib);
      CHECK(run.result.resources.peak_rss_bytes < 300 * k_mib);
    }
  }
  SUBCASE("the memory limit kills it as out of memory")
  {
    ProcessSpec spec = python(allocate);
    spec.memory_limit_bytes = 100 * k_mib;
    const Captured run = run_capturing(spec);
    CHECK(run.result.resources.oom_killed);
    CHECK(run.result.resources.killed_by_us);
    CHECK(run.result.resources.signal == SIGKILL);
    CHECK((run.result.resources.memory_limit_method == "cgroup" || run.result.resources.memory_limit_method == "watchdog"));
  }
}

TEST_CASE("executor::BoostProcessRunner::run stop and errors")
{
  SUBCASE("a stop request terminates the tree")
  {
    std::stop_source source;
    std::thread stopper([&source] {
      std::this_thread::sleep_for(200ms);
      source.request_stop();
    });
    const Captured run = run_capturing(ProcessSpec{.argv = {"sleep", "1000"}}, {}, source.get_token());
    stopper.join();
    CHECK(run.result.resources.killed_by_us);
    CHECK_FALSE(run.result.resources.timed_out);
    CHECK(run.result.resources.signal == SIGTERM);
    CHECK(run.result.resources.wall_seconds < 1.5);
  }
  SUBCASE("a missing program throws ProcessError naming it")
  {
    ProcessSpec spec{.argv = {"bisectr-no-such-program"}};
    CHECK_THROWS_WITH_AS(make_process_runner()->run(spec, {}), doctest::Contains("bisectr-no-such-program"),
                         util::ProcessError);
    spec.argv = {"/nonexistent/bisectr-prog"};
    CHECK_THROWS_WITH_AS(make_process_runner()->run(spec, {}), doctest::Contains("/nonexistent/bisectr-prog"),
                         util::ProcessError);
    spec.argv = {"/bin/sh"};
    spec.cwd = "/nonexistent-dir";
    CHECK_THROWS_AS(make_process_runner()->run(spec, {}), util::ProcessError);
  }
  SUBCASE("a throwing callback still leaves no process behind")
  {
    ProcessSpec spec = shell("echo $$; sleep 1000");
    pid_t pid = 0;
    spec.on_stdout = [&pid](std::string_view chunk) {
      pid = static_cast<pid_t>(std::stol(std::string(chunk)));
      throw std::runtime_error("callback failed");
    };
    CHECK_THROWS_AS(make_process_runner()->run(spec, {}), std::runtime_error);
    REQUIRE(pid > 0);
    CHECK(stopped(pid));
  }
  SUBCASE("on_started runs once while the child runs, before its output is read")
  {
    // The child prints, then waits for a file that only on_started creates: the run can end
    // only if on_started ran while the child was alive, and no output came before it.
    const test::TempDir dir;
    const auto go = dir.path() / "go";
    ProcessSpec spec = shell("echo started; while [ ! -e '" + go.string() + "' ]; do sleep 0.01; done; echo done");
    spec.timeout = 10s;
    int calls = 0;
    std::string out_when_started = "unset";
    std::string out;
    spec.on_stdout = [&out](std::string_view chunk) { out.append(chunk); };
    spec.on_started = [&] {
      ++calls;
      out_when_started = out;
      std::ofstream{go};
    };
    const ProcessResult result = make_process_runner()->run(spec, {});
    CHECK(calls == 1);
    CHECK(out_when_started.empty());
    CHECK(out == "started\ndone\n");
    CHECK(result.resources.exit_code == 0);
    CHECK_FALSE(result.resources.timed_out);
  }
  SUBCASE("a throwing on_started kills the tree and rethrows")
  {
    const test::TempDir dir;
    const auto pid_file = dir.path() / "pid";
    ProcessSpec spec = shell("echo $$ > '" + pid_file.string() + "'; exec sleep 1000");
    spec.on_started = [&pid_file] {
      // The shell writes its pid before it becomes sleep; wait for it so the check below has a pid.
      for (int i = 0; i < 500 && read_pid(pid_file) == 0; ++i) {
        std::this_thread::sleep_for(10ms);
      }
      throw std::runtime_error("cannot open the repository");
    };
    CHECK_THROWS_WITH_AS(make_process_runner()->run(spec, {}), "cannot open the repository", std::runtime_error);
    const pid_t pid = read_pid(pid_file);
    REQUIRE(pid > 0);
    CHECK(stopped(pid));
  }
}

TEST_CASE("executor::BoostProcessRunner::run concurrency")
{
  // Runs on other threads must not hold this run's pipes open (each pipe end is O_CLOEXEC).
  const auto runner = make_process_runner();
  std::thread slow([&runner] { runner->run(ProcessSpec{.argv = {"sleep", "2"}}, {}); });
  std::this_thread::sleep_for(50ms);
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  std::vector<std::string> outputs(4);
  for (std::size_t t = 0; t < outputs.size(); ++t) {
    threads.emplace_back([&runner, &outputs, t] {
      for (int i = 0; i < 10; ++i) {
        ProcessSpec spec = shell("echo " + std::to_string(t));
        spec.on_stdout = [&outputs, t](std::string_view chunk) { outputs[t].append(chunk); };
        runner->run(spec, {});
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  slow.join();
  for (std::size_t t = 0; t < outputs.size(); ++t) {
    std::string expected;
    for (int i = 0; i < 10; ++i) {
      expected += std::to_string(t) + "\n";
    }
    CHECK(outputs[t] == expected);
  }
  CHECK(seconds < 1.5);
}

TEST_CASE("executor::BoostProcessRunner both launchers give the child the same start")
{
  // With a cgroup the child is started inside it by clone3 (clone_spawn.hpp); the Boost launcher
  // with a cgroup.procs join is the fallback. Both must leave the child in the same state.
  for (const bool clone_into_cgroup : {true, false}) {
    CAPTURE(clone_into_cgroup);
    const RunnerOptions options{Containment::Auto, clone_into_cgroup};
    sigset_t mask_before;
    ::pthread_sigmask(SIG_SETMASK, nullptr, &mask_before);
    const auto old_pipe = ::signal(SIGPIPE, SIG_IGN);  // bisectr ignores SIGPIPE; the test must not
    test::TempDir dir;
    // cat reports on itself: it changes no signal disposition, unlike python (which ignores SIGPIPE).
    const Captured status = run_capturing(ProcessSpec{.argv = {"/bin/cat", "/proc/self/status"}}, options);
    ProcessSpec spec = shell("pwd -P; cat /proc/self/cgroup; [ \"$(ps -o pgid= -p $$ | tr -d ' ')\" = $$ ] && echo leader");
    spec.cwd = dir.path();
    const Captured run = run_capturing(spec, options);
    ::signal(SIGPIPE, old_pipe);
    const auto field = [&status](const std::string& name) {
      const std::size_t at = status.out.find("\n" + name + ":");
      return at == std::string::npos ? std::string("missing") : status.out.substr(at + name.size() + 2, status.out.find('\n', at + 1) - at - name.size() - 2);
    };
    CHECK(status.result.resources.exit_code == 0);
    CHECK(std::stoull(field("SigBlk"), nullptr, 16) == 0);  // nothing blocked
    CHECK((std::stoull(field("SigIgn"), nullptr, 16) & (1ULL << (SIGPIPE - 1))) == 0);  // SIGPIPE default again
    const bool in_cgroup = Cgroup::find_parent().has_value();
    CHECK(run.result.resources.exit_code == 0);
    CHECK(run.result.resources.containment == (in_cgroup ? "cgroup" : "process-tree"));
    CHECK(run.out.starts_with(std::filesystem::canonical(dir.path()).string() + "\n"));
    CHECK(run.out.ends_with("leader\n"));
    if (in_cgroup) {
      CHECK(run.out.find("/bisectr-") != std::string::npos);  // started in (or moved to) its run's cgroup
    }
    sigset_t mask_after;
    ::pthread_sigmask(SIG_SETMASK, nullptr, &mask_after);
    for (int sig = 1; sig < NSIG; ++sig) {
      CHECK(::sigismember(&mask_before, sig) == ::sigismember(&mask_after, sig));
    }

    {
      // A program that cannot be exec'd is an error naming it, and no child is left.
      const std::filesystem::path script = dir.path() / "not-executable";
      std::ofstream(script) << "#!/bin/sh\nexit 0\n";
      ProcessSpec bad{.argv = {script.string()}};
      CHECK_THROWS_WITH_AS(make_process_runner(options)->run(bad, {}), doctest::Contains("not-executable"),
                           util::ProcessError);
      CHECK(::waitpid(-1, nullptr, WNOHANG) <= 0);
    }
  }
}

TEST_CASE("executor::BoostProcessRunner stale cgroups")
{
  const auto parent = Cgroup::find_parent();
  if (!parent) {
    MESSAGE("no writable cgroup v2 here");
    return;
  }
  // A cgroup named after a bisectr that no longer exists, with a process still inside.
  const pid_t dead = ::fork();
  if (dead == 0) {
    ::_exit(0);
  }
  ::waitpid(dead, nullptr, 0);
  const std::filesystem::path path = *parent / ("bisectr-" + std::to_string(dead) + "-1");
  REQUIRE(std::filesystem::create_directory(path));
  const pid_t orphan = ::fork();
  if (orphan == 0) {
    ::execl("/bin/sleep", "sleep", "30", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  std::ofstream(path / "cgroup.procs") << orphan << std::flush;

  make_process_runner();
  int status = 0;
  ::waitpid(orphan, &status, 0);
  CHECK(WIFSIGNALED(status));
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("executor::find_program")
{
  CHECK(find_program("sh", "/nonexistent:/bin") == "/bin/sh");
  CHECK(find_program("./relative/x", "/bin") == "./relative/x");
  CHECK(find_program("bisectr-no-such-program", "/bin:/usr/bin").empty());
  CHECK(find_program("bin", "/").empty());  // a directory is not a program
}

} // namespace bisectr::executor
