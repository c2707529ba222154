"""`bisectr run` against the real python unittest fixture suite (python -m subunit.run, subunit v2 on stdout)."""

import json
import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest

BIN = os.environ.get("BISECTR_BIN", "bisectr")
SOURCE = Path(os.environ.get("BISECTR_SOURCE_DIR", Path(__file__).resolve().parents[2]))
SUITE = SOURCE / "fixtures" / "python_unittest"
SCENARIO_DIR = SOURCE / "fixtures" / "python"
PYTHON = "/usr/bin/python3"  # Debian's, with python3-subunit

VICTIM = "tests.test_omega.TestOmega.test_victim"
HANG = "tests.test_beta.TestBeta.test_hang"
LEAK = "tests.test_beta.TestBeta.test_leak"


def toml_str(text):
    return json.dumps(str(text))


def write_config(tmp, env, timeout=None):
    base = [PYTHON, "-m", "subunit.run", "discover", "-t", ".", "-s", "tests"]
    env_items = ", ".join("%s = %s" % (k, toml_str(v)) for k, v in env.items())
    lines = [
        "[runner]",
        "cwd = " + toml_str(SUITE),
        "list = " + json.dumps(base + ["--list"]),
        'list_format = "subunit"',
        "run = " + json.dumps(base + ["--load-list", "{id_file}"]),
        "run_all = " + json.dumps(base),
        'stream = "stdout"',
        'format = "subunit2"',
        "parallel = 1",
        "env = { %s }" % env_items,
    ]
    if timeout:
        lines.append("timeout = " + toml_str(timeout))
    path = tmp / "bisectr.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


class Project:
    """A temporary project: a config for the fixture suite and a repository."""

    def __init__(self, tmp, **env):
        self.tmp = tmp
        self.marker = "it-" + uuid.uuid4().hex
        base_env = {"PYTHONPATH": str(SCENARIO_DIR), "BISECTR_IT_MARKER": self.marker, "PYTHONDONTWRITEBYTECODE": "1"}
        base_env.update({k: str(v) for k, v in env.items()})
        self.env = base_env
        self.config = write_config(tmp, base_env)

    def reconfigure(self, timeout=None, **env):
        self.env.update({k: str(v) for k, v in env.items()})
        self.config = write_config(self.tmp, self.env, timeout)

    def bisectr(self, *args, timeout=120):
        cmd = [BIN, "--repo", str(self.tmp / "repo")] + list(args)
        return subprocess.run(cmd, cwd=self.tmp, capture_output=True, text=True, timeout=timeout)

    def run(self, *args, **kwargs):
        return self.bisectr("run", "--config", str(self.config), *args, **kwargs)

    def run_json(self, *args):
        proc = self.run("--json", *args)
        return proc, json.loads(proc.stdout)

    def leftover_processes(self):
        """Processes still carrying this project's environment marker."""
        found = []
        entry = ("BISECTR_IT_MARKER=" + self.marker).encode()
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open("/proc/%s/environ" % pid, "rb") as f:
                    if entry in f.read().split(b"\0"):
                        found.append(int(pid))
            except OSError:
                pass
        return found


@pytest.fixture
def project(tmp_path):
    return Project(tmp_path)


def test_parallel_run_records_every_test_with_its_worker_and_order(project):
    proc, out = project.run_json("--parallel", "2")
    assert proc.returncode == 0, proc.stderr
    assert out["failed"] == 0
    assert out["total"] == 26
    assert [w["name"] for w in out["workers"]] == ["worker-0", "worker-1"]
    for worker in out["workers"]:
        assert worker["exit_code"] == 0
        assert worker["peak_rss_bytes"] > 1024 * 1024
        assert worker["wall_seconds"] > 0
    orders = {}
    for name in ("worker-0", "worker-1"):
        order = project.bisectr("order", str(out["run"]), "--worker", name)
        assert order.returncode == 0, order.stderr
        orders[name] = order.stdout.splitlines()
    # Each worker runs its share in discovery order; together they ran every test once.
    for ids in orders.values():
        assert ids == sorted(ids)
    assert len(orders["worker-0"]) + len(orders["worker-1"]) == 26
    assert set(orders["worker-0"]).isdisjoint(orders["worker-1"])
    assert abs(len(orders["worker-0"]) - len(orders["worker-1"])) <= 2


def test_a_failing_test_exits_1_and_failing_reruns_only_it(tmp_path):
    project = Project(tmp_path, BISECTR_FIXTURE_SCENARIO="alone", BISECTR_FIXTURE_Q="1")
    proc, out = project.run_json("--parallel", "2")
    assert proc.returncode == 1, proc.stderr
    assert [f["id"] for f in out["failing"]] == [VICTIM]
    again, rerun = project.run_json("--failing")
    assert again.returncode == 1
    assert rerun["total"] == 1
    assert rerun["failing"][0]["id"] == VICTIM
    text = project.run("--failing")
    assert "FAIL: " + VICTIM in text.stdout
    assert "planted failure" in text.stdout


def test_load_list_and_extra_arguments(project):
    ids = project.tmp / "ids.txt"
    ids.write_text("tests.test_alpha.TestAlpha.test_add\n\ntests.test_kappa.TestKappa.test_upper\n")
    proc, out = project.run_json("--load-list", str(ids))
    assert proc.returncode == 0, proc.stderr
    assert out["total"] == 2


def test_random_seed_is_recorded(project):
    proc, out = project.run_json("--parallel", "2", "--random", "1234")
    assert proc.returncode == 0, proc.stderr
    assert out["seed"] == 1234
    drawn, out2 = project.run_json("--random")
    assert drawn.returncode == 0, drawn.stderr
    assert isinstance(out2["seed"], int)


def test_timeout_kills_the_whole_tree_and_names_the_test(project):
    project.reconfigure(BISECTR_FIXTURE_HANG="1")
    ids = project.tmp / "ids.txt"
    ids.write_text("tests.test_alpha.TestAlpha.test_add\n" + HANG + "\n")
    start = time.monotonic()
    # 8 s: time for Python to start and reach the hanging test even on a loaded machine.
    proc, out = project.run_json("--load-list", str(ids), "--timeout", "8s")
    elapsed = time.monotonic() - start
    assert proc.returncode == 1, proc.stderr
    assert elapsed < 30
    worker = out["workers"][0]
    assert worker["timed_out"] is True
    assert worker["in_progress_test"] == HANG
    assert [f["id"] for f in out["failing"]] == [HANG]
    assert [f["status"] for f in out["failing"]] == ["error"]
    text = project.bisectr("failing")
    assert "timed out after 8s" in text.stdout
    assert project.leftover_processes() == []


def test_memory_figures_single_out_the_leaking_test(tmp_path):
    project = Project(tmp_path, BISECTR_FIXTURE_LEAK_MB="120")
    ids = project.tmp / "ids.txt"
    ids.write_text("tests.test_alpha.TestAlpha.test_add\ntests.test_alpha.TestAlpha.test_divide\n" + LEAK +
                   "\ntests.test_beta.TestBeta.test_set\ntests.test_gamma.TestGamma.test_range\n")
    proc, out = project.run_json("--load-list", str(ids))
    assert proc.returncode == 0, proc.stderr
    assert out["workers"][0]["peak_rss_bytes"] > 120 * 1024 * 1024
    shown = project.bisectr("show", str(out["run"]), "--memory", "--json")
    assert shown.returncode == 0, shown.stderr
    assert LEAK in shown.stdout


def test_memory_limit_kills_the_worker_and_blames_the_test(tmp_path):
    project = Project(tmp_path, BISECTR_FIXTURE_LEAK_MB="400")
    ids = project.tmp / "ids.txt"
    ids.write_text("tests.test_alpha.TestAlpha.test_add\n" + LEAK + "\ntests.test_beta.TestBeta.test_set\n")
    proc, out = project.run_json("--load-list", str(ids), "--memory-limit", "150M")
    assert proc.returncode == 1, proc.stderr
    worker = out["workers"][0]
    assert worker["oom_killed"] is True
    assert worker["memory_limit_method"] in ("cgroup", "watchdog")
    assert worker["in_progress_test"] == LEAK
    assert [f["id"] for f in out["failing"]] == [LEAK]
    text = project.bisectr("failing")
    assert "memory limit reached" in text.stdout
    assert project.leftover_processes() == []


def test_until_failure_finds_the_seeded_failure_and_says_what_to_type(tmp_path):
    state = tmp_path / "state"
    project = Project(tmp_path, BISECTR_FIXTURE_SCENARIO="single", BISECTR_FIXTURE_Q="0.5",
                      BISECTR_FIXTURE_SEED="7", BISECTR_FIXTURE_STATE=state)
    proc = project.run("--until-failure", "--max-runs", "25", "--parallel", "1")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert VICTIM + " (worker-0)" in proc.stdout
    run_line = [line for line in proc.stdout.splitlines() if line.strip().startswith("bisectr bisect ")]
    assert len(run_line) == 1
    run_id = run_line[0].split()[2]
    assert "bisectr order %s --worker worker-0" % run_id in proc.stdout
    # Not a terminal: one plain line per iteration on stderr.
    iterations = [line for line in proc.stderr.splitlines() if line.startswith("run ")]
    assert len(iterations) >= 1
    assert "FAILED" in iterations[-1]
    order = project.bisectr("order", run_id, "--worker", "worker-0")
    assert "tests.test_gamma.TestGamma.test_polluter" in order.stdout.split()


def test_repeat_reports_each_failing_test_with_an_interval(tmp_path):
    state = tmp_path / "state"
    project = Project(tmp_path, BISECTR_FIXTURE_SCENARIO="alone", BISECTR_FIXTURE_Q="0.5",
                      BISECTR_FIXTURE_SEED="3", BISECTR_FIXTURE_STATE=state)
    ids = project.tmp / "ids.txt"
    ids.write_text(VICTIM + "\n")
    proc, out = project.run_json("--load-list", str(ids), "--repeat", "8")
    assert out["iterations"] == 8
    failures = len(out["failures"])
    assert proc.returncode == (1 if failures else 0)
    if failures:
        flaky = out["flaky"][0]
        assert flaky["id"] == VICTIM and flaky["failures"] == failures and flaky["runs"] == 8
        assert flaky["lower"] <= flaky["rate"] <= flaky["upper"]
    text = project.run("--load-list", str(ids), "--repeat", "8")
    if "failing of 8 runs" in text.stdout:
        assert VICTIM + ": " in text.stdout and " in 8 runs, " in text.stdout


def test_ctrl_c_stops_the_children_records_interrupted_and_exits_130(project):
    project.reconfigure(BISECTR_FIXTURE_HANG="1")
    ids = project.tmp / "ids.txt"
    ids.write_text(HANG + "\n")
    cmd = [BIN, "--repo", str(project.tmp / "repo"), "run", "--config", str(project.config), "--load-list", str(ids)]
    child = subprocess.Popen(cmd, cwd=project.tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2.0)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=30)
    assert child.returncode == 130, out + err
    assert "interrupted" in out
    runs = project.bisectr("runs")
    assert "interrupted" in runs.stdout.lower()
    assert project.leftover_processes() == []


def test_error_paths(project):
    missing = project.bisectr("run", "--config", str(project.tmp / "nope.toml"))
    assert missing.returncode == 2
    assert missing.stderr.startswith("bisectr: error: ")
    both = project.run("--failing", "--load-list", "x")
    assert both.returncode == 64
    bad_seed = project.run("--random", "abc")
    assert bad_seed.returncode == 64
    bad_limit = project.run("--memory-limit", "lots")
    assert bad_limit.returncode == 64
