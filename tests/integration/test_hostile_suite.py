"""Hostile ids and hostile tests end to end (issue 6), on the real unittest suite in
fixtures/hostile_suite: ids with shell metacharacters, a leading "--", HTML and quotes go through
run, rerun, bisect, export/load, every --json view and every HTML page without being executed or
injected; a daemon that ignores SIGTERM, a test that closes its stdout and a test that prints 1 GB
leave no process behind and bisectr's memory bounded."""
import html.parser
import json
import os
import pathlib
import resource
import subprocess
import sys
import time

import pytest

from conftest import BIN, SOURCE_DIR

SUITE = SOURCE_DIR / "fixtures" / "hostile_suite"
CONFIG = SUITE / "bisectr.toml"
sys.path.insert(0, str(SUITE))
from tests.test_hostile import FAILING_ID, HOSTILE_IDS  # noqa: E402  (the ids the suite plants)

BEHAVIOUR_IDS = [f"tests.test_hostile.TestBehaviour.test_{name}" for name in ("closed_stdout", "daemon", "flood")]


def pwned(*folders):
    return [path for folder in folders for path in pathlib.Path(folder).rglob("PWNED*")]


class ScriptTexts(html.parser.HTMLParser):
    """The text of every <script> element and every on* attribute of a page."""

    def __init__(self):
        super().__init__()
        self.scripts, self.handlers, self._in_script = [], [], False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"
        self.handlers += [value or "" for name, value in attrs if name.startswith("on")]
        if tag == "script":
            self.scripts.append("")

    def handle_endtag(self, tag):
        self._in_script = False if tag == "script" else self._in_script

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def assert_page_is_inert(page):
    text = page.read_text(encoding="utf-8")
    parser = ScriptTexts()
    parser.feed(text)
    assert "<script>document.title" not in text, page
    assert not any("PWNED" in script for script in parser.scripts), page
    assert not any("PWNED" in handler for handler in parser.handlers), page
    # The id is on the page, escaped.
    assert "&lt;script&gt;document.title" in text or "\\u003cscript\\u003edocument.title" in text, page


def views(bisectr):
    """Every read command's --json output, parsed (which fails on invalid JSON)."""
    out = {}
    for name, args in {"last": ["last"], "failing": ["failing"], "runs": ["runs"], "show": ["show", "1"], "export": ["export", "1", "--format"],
                       "slowest": ["slowest"], "flaky": ["flaky"], "stats": ["stats"],
                       "history": ["history", FAILING_ID], "order": ["order", "1", "--worker", "worker-0"],
                       "compare": ["compare", "1", "2"], "bisect": ["bisect", "--list"]}.items():
        proc = bisectr(*args, "json") if name == "export" else bisectr(*args, "--json")
        assert proc.returncode in (0, 1), (name, proc.returncode, proc.stderr[-2000:])
        out[name] = json.loads(proc.stdout)
    return out


def test_hostile_ids_go_through_every_command_as_data(bisectr, tmp_path):
    assert bisectr("run", "--config", CONFIG, "--parallel", "2", "--json").returncode == 1
    # Rerun exactly the hostile ids from a list file, in a second run.
    id_file = tmp_path / "ids.txt"
    id_file.write_text("".join(test_id + "\n" for test_id in HOSTILE_IDS), encoding="utf-8")
    rerun = json.loads(bisectr("run", "--config", CONFIG, "--parallel", "1", "--load-list", id_file, "--json",
                               check=1).stdout)
    assert rerun["total"] == len(HOSTILE_IDS) and [f["id"] for f in rerun["failing"]] == [FAILING_ID]

    seen = views(bisectr)
    shown = {result["id"] for result in seen["export"]["results"]}
    assert set(HOSTILE_IDS) <= shown, set(HOSTILE_IDS) - shown
    assert [f["id"] for f in seen["failing"]["failures"]] == [FAILING_ID]
    assert [f["id"] for f in seen["show"]["failures"]] == [FAILING_ID]
    assert FAILING_ID in json.dumps(seen["history"]) and FAILING_ID in json.dumps(seen["flaky"])
    assert set(seen["order"]["tests"]) <= shown and len(seen["order"]["tests"]) > 0

    # Export and load back: the ids survive both stream writers and parsers byte for byte.
    for fmt in ("subunit2", "subunit1", "junit"):
        exported = tmp_path / f"export.{fmt}"
        bisectr("export", "1", "--format", fmt, "-o", exported, check=0)
        other = tmp_path / f"other-{fmt}"
        proc = subprocess.run([BIN, "--repo", other, "load", exported], capture_output=True)
        assert proc.returncode in (0, 1), (fmt, proc.stderr[-2000:])
        loaded = json.loads(subprocess.run([BIN, "--repo", other, "export", "last", "--format", "json"],
                                           capture_output=True, check=True).stdout)
        assert set(HOSTILE_IDS) <= {result["id"] for result in loaded["results"]}, fmt

    # Bisect the failing hostile id: its order is passed through an id file, never a shell.
    verdict = json.loads(bisectr("bisect", "1", "--config", CONFIG, "--test", FAILING_ID, "--seed", "1",
                                 "--max-runs", "12", "--json", check=3).stdout)
    assert verdict["verdict"] == "fails_alone" and verdict["victim"] == FAILING_ID

    for args, page in ((["1"], "run.html"), (["--flaky"], "flaky.html"), (["--bisect", "1"], "bisect.html")):
        bisectr("report", *args, "-o", tmp_path / page, check=0)
        assert_page_is_inert(tmp_path / page)
    assert not pwned(SUITE, tmp_path), "a test id was run as a shell command"


def run_measured(args, env, timeout=300):
    """Runs bisectr in a fresh Python that reports its largest child's peak RSS (bisectr's own)."""
    probe = ("import resource, subprocess, sys\n"
             "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode\n"
             "print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    out = subprocess.run([sys.executable, "-c", probe, BIN, *map(str, args)], capture_output=True, env=env,
                         timeout=timeout, check=True).stdout.split()
    return int(out[0]), int(out[1]) * 1024


def alive(pid):
    try:
        state = pathlib.Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def hostile_env(tmp_path, behaviour):
    env = dict(os.environ)
    env.update({"BISECTR_HOSTILE": behaviour, "BISECTR_HOSTILE_DIR": str(tmp_path)})
    return env


def pid_of(tmp_path, name):
    path = tmp_path / f"{name}.pid"
    for _ in range(50):
        if path.exists() and path.read_text().strip():
            return int(path.read_text())
        time.sleep(0.1)
    raise AssertionError(f"{name}.pid was never written")


def test_daemon_that_ignores_sigterm_is_killed_after_the_run(bisectr, tmp_path):
    ids = tmp_path / "ids.txt"
    ids.write_text(BEHAVIOUR_IDS[1] + "\n")
    proc = bisectr("run", "--config", CONFIG, "--load-list", ids, "--json", env=hostile_env(tmp_path, "daemon"),
                   check=0)
    assert json.loads(proc.stdout)["passed"] == 1
    pid = pid_of(tmp_path, "daemon")
    deadline = time.time() + 5
    while alive(pid) and time.time() < deadline:
        time.sleep(0.1)
    assert not alive(pid), f"the daemon {pid} outlived the run"


def test_closed_stdout_ends_at_the_timeout_and_the_run_is_recorded(bisectr, tmp_path):
    ids = tmp_path / "ids.txt"
    ids.write_text(BEHAVIOUR_IDS[0] + "\n")
    started = time.monotonic()
    proc = bisectr("run", "--config", CONFIG, "--load-list", ids, "--timeout", "10s", "--json",
                   env=hostile_env(tmp_path, "closed"))
    assert proc.returncode == 1, (proc.returncode, proc.stderr[-2000:])
    assert time.monotonic() - started < 60
    assert not alive(pid_of(tmp_path, "closed"))
    shown = json.loads(bisectr("show", "last", "--json", check=0).stdout)
    assert shown["workers"][0]["timed_out"] is True
    assert [r["id"] for r in shown["failures"] if r["status"] == "error"] == [BEHAVIOUR_IDS[0]]


def test_a_gigabyte_of_output_keeps_memory_bounded(bisectr, tmp_path):
    ids = tmp_path / "ids.txt"
    ids.write_text(BEHAVIOUR_IDS[2] + "\n")
    env = hostile_env(tmp_path, "flood")
    env["BISECTR_HOSTILE_FLOOD_MB"] = "1024"
    code, peak = run_measured(["--repo", bisectr.repo, "run", "--config", CONFIG, "--load-list", ids], env)
    assert code == 0
    assert peak < 200 * 1024 * 1024, f"bisectr peaked at {peak / 2**20:.0f} MiB for 1 GiB of output"
    db = bisectr.repo / "bisectr.db"
    stored = db.stat().st_size + sum(p.stat().st_size for p in bisectr.repo.glob("bisectr.db-*"))
    assert stored < 64 * 1024 * 1024, f"the repository kept {stored / 2**20:.0f} MiB"
    shown = json.loads(bisectr("show", "last", "--json", check=0).stdout)
    assert shown["passed"] == 1
    print(f"1 GiB of output: bisectr peak RSS {peak / 2**20:.0f} MiB, repository {stored / 2**20:.1f} MiB")
