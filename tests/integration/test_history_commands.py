"""flaky, history, compare, stats and prune on a generated multi-run repository (python-subunit
writes the streams) and on the real stestr sample, including hostile test ids and error paths."""
import datetime
import json
import os
import pathlib

from conftest import STREAMS
from subunit.v2 import StreamResultToBytes

V2 = STREAMS / "stestr-parallel2.v2.subunit"
HOSTILE = "<script>alert('x')</script>"
QUOTED = 'pkg.test_"quoted" & <b>'
ESCAPE = "pkg.test_\x1b[31mred"
BASE = datetime.datetime(2026, 11, 1, tzinfo=datetime.timezone.utc)
RUNS = 12
FLAKY_FAILS = {2, 5, 9}    # runs (1-based) where pkg.test_flaky fails, always after pkg.test_setter on worker-1
HOSTILE_FAILS = {3, 7}


def plan(run):
    """(worker, [(test id, status)]) in execution order for run number `run`."""
    return [
        ("worker-0", [("pkg.test_ok", "success"), ("pkg.test_broken", "fail"),
                      (HOSTILE, "fail" if run in HOSTILE_FAILS else "success"), (ESCAPE, "success")]),
        ("worker-1", [("pkg.test_setter", "success"), ("pkg.test_flaky", "fail" if run in FLAKY_FAILS else "success"),
                      (QUOTED, "skip" if run == 4 else "success"),
                      ("pkg.test_slow", "success")]),
    ]


def write_stream(path, run, slow_seconds=0.5):
    """Writes run `run` as a stored-style subunit v2 stream (worker tag on every packet)."""
    start = BASE + datetime.timedelta(days=run)
    with open(path, "wb") as handle:
        out = StreamResultToBytes(handle)
        for worker, tests in plan(run):
            clock = start
            for test_id, status in tests:
                out.status(test_id=test_id, test_status="inprogress", timestamp=clock, test_tags={worker})
                seconds = slow_seconds if test_id == "pkg.test_slow" else 0.01
                clock += datetime.timedelta(seconds=seconds)
                if status == "fail":
                    out.status(test_id=test_id, file_name="traceback", file_bytes=b"Traceback: boom <img src=x>\n",
                               mime_type="text/plain;charset=utf8", eof=True, test_tags={worker}, timestamp=clock)
                out.status(test_id=test_id, test_status=status, timestamp=clock, test_tags={worker})


def load_history(bisectr, tmp_path, runs=RUNS):
    files = []
    for run in range(1, runs + 1):
        path = tmp_path / f"run{run:02}.subunit"
        write_stream(path, run, slow_seconds=3.0 if run == runs else 0.5)
        files.append(path)
    bisectr("load", "--each", *files, check=0)


def test_flaky_ranks_flaky_tests_and_lists_broken_apart(bisectr, tmp_path):
    load_history(bisectr, tmp_path)
    report = json.loads(bisectr("flaky", "--json", check=0).stdout)
    flaky = {t["id"]: t for t in report["flaky"]}
    assert set(flaky) == {"pkg.test_flaky", HOSTILE}
    assert [t["id"] for t in report["broken"]] == ["pkg.test_broken"]
    t = flaky["pkg.test_flaky"]
    assert (t["runs"], t["failures"], t["flips"]) == (RUNS, 3, 6)
    rate = t["failure_rate"]
    assert rate["lower"] < rate["estimate"] == 3 / RUNS < rate["upper"]
    assert abs(rate["lower"] - 0.08894) < 1e-4 and abs(rate["upper"] - 0.53231) < 1e-4  # Wilson 95%
    assert t["predecessor_cluster"]["name"] == "pkg.test_setter"
    assert t["worker_cluster"] is None      # 3 failures on one of 2 workers is not significant
    started = {r["id"]: r["started"] for r in json.loads(bisectr("runs", "--json", check=0).stdout)}
    assert t["first_failure"] == started[2] and t["last_failure"] == started[9]
    # A loaded run starts at its stream's first timestamp (run N's stream begins BASE + N days).
    for run in (2, 9):
        assert abs(started[run] - (BASE + datetime.timedelta(days=run)).timestamp()) < 1e-3
    assert report["flaky"][0]["id"] == "pkg.test_flaky"   # more flips: surer it is flaky


def test_flaky_text_on_a_pipe_is_tab_separated_and_safe(bisectr, tmp_path):
    load_history(bisectr, tmp_path)
    out = bisectr("flaky", check=0).stdout.decode()
    lines = out.splitlines()
    assert lines[0].split("\t")[:3] == ["test", "verdict", "runs"]
    rows = {line.split("\t")[0]: line.split("\t") for line in lines[1:]}
    assert rows["pkg.test_flaky"][1] == "flaky" and rows["pkg.test_broken"][1] == "broken"
    assert "\x1b" not in out
    assert "after pkg.test_setter 3/3" in rows["pkg.test_flaky"][-1]


def test_flaky_filters(bisectr, tmp_path):
    load_history(bisectr, tmp_path)
    # Runs 6..12 started on or after 2026-11-07 (their streams' times): the flaky test failed in run 9.
    since = json.loads(bisectr("flaky", "--since", "2026-11-07", "--json", check=0).stdout)
    ids = {t["id"]: t for t in since["flaky"]}
    assert ids["pkg.test_flaky"]["runs"] == RUNS - 5 and ids["pkg.test_flaky"]["failures"] == 1
    # An age: every run's stream is older than a day (2026-11-13 at the latest).
    recent = json.loads(bisectr("flaky", "--since", "1d", "--json", check=0).stdout)
    assert recent["flaky"] == [] and recent["broken"] == []
    future = json.loads(bisectr("flaky", "--since", "2100-01-01", "--json", check=0).stdout)
    assert future["flaky"] == [] and future["broken"] == []
    none = json.loads(bisectr("flaky", "--min-runs", "100", "--json", check=0).stdout)
    assert none["flaky"] == [] and none["broken"] == []
    assert bisectr("flaky", "--since", "last tuesday", check=64).stderr.startswith(b"bisectr: error: ")
    assert bisectr("flaky", "--min-runs", "-1", check=64).stderr.startswith(b"bisectr: error: ")


def test_history_run_by_run(bisectr, tmp_path):
    load_history(bisectr, tmp_path)
    doc = json.loads(bisectr("history", "pkg.test_flaky", "--json", check=0).stdout)
    results = doc["results"]
    assert [r["run"] for r in results] == list(range(1, RUNS + 1))
    assert [r["status"] for r in results] == ["fail" if n in FLAKY_FAILS else "success" for n in range(1, RUNS + 1)]
    assert {r["worker"] for r in results} == {"worker-1"} and {r["position"] for r in results} == {1}
    assert abs(results[0]["duration_seconds"] - 0.01) < 1e-6
    text = bisectr("history", HOSTILE, check=0).stdout.decode().splitlines()
    assert text[0].split("\t") == ["run", "started", "status", "duration", "worker", "position"]
    assert text[3].split("\t")[2] == "fail" and len(text) == RUNS + 1


def test_history_sparkline_on_a_terminal(bisectr, tmp_path):
    load_history(bisectr, tmp_path)
    import pty
    import subprocess
    from conftest import BIN
    leader, follower = pty.openpty()
    proc = subprocess.run([BIN, "--repo", str(bisectr.repo), "history", "pkg.test_flaky"], stdout=follower,
                          stderr=subprocess.PIPE, timeout=60)
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.close(leader)
    assert proc.returncode == 0, proc.stderr
    text = out.decode()
    spark = "".join("\u2588" if n in FLAKY_FAILS else "\u2581" for n in range(1, RUNS + 1))
    assert spark in text and "3 failed of 12 runs" in text


def test_history_unknown_test_is_a_usage_error(bisectr, tmp_path):
    load_history(bisectr, tmp_path, runs=2)
    proc = bisectr("history", "no.such\x1b[2Jtest", check=64)
    assert proc.stderr.startswith(b"bisectr: error: no results for test") and b"\x1b" not in proc.stderr
    assert bisectr("history", check=64).returncode == 64


def test_compare_two_runs(bisectr, tmp_path):
    load_history(bisectr, tmp_path)
    doc = json.loads(bisectr("compare", "1", "2", "--json", check=0).stdout)
    changes = {c["id"]: (c["before"], c["after"]) for c in doc["status_changes"]}
    assert changes == {"pkg.test_flaky": ("success", "fail")}
    assert doc["moves"] == [] and doc["duration_changes"] == []
    assert doc["memory_changes"] == {"tests": [], "workers": []}
    slow = json.loads(bisectr("compare", "-2", "last", "--json", check=0).stdout)
    assert [(c["id"], c["seconds_before"], c["seconds_after"]) for c in slow["duration_changes"]] == \
        [("pkg.test_slow", 0.5, 3.0)]
    assert bisectr("compare", "-2", "last", "--min-seconds", "5", "--json", check=0).stdout.count(b"test_slow") == 0
    text = bisectr("compare", "1", "2", check=0).stdout.decode()
    assert "status changes (1)" in text and "pkg.test_flaky\tsuccess\tfail" in text


def test_compare_errors(bisectr, tmp_path):
    load_history(bisectr, tmp_path, runs=2)
    assert bisectr("compare", "1", "99", check=64).stderr.startswith(b"bisectr: error: ")
    assert bisectr("compare", "1", check=64).returncode == 64
    assert bisectr("compare", "x", "1", check=64).stderr.startswith(b"bisectr: error: ")


def test_stats_and_prune(bisectr, tmp_path):
    load_history(bisectr, tmp_path)
    stats = json.loads(bisectr("stats", "--json", check=0).stdout)
    assert (stats["runs"], stats["results"], stats["tests"]) == (RUNS, RUNS * 8, 8)
    runs = json.loads(bisectr("runs", "--json", check=0).stdout)
    assert stats["oldest_run"] == runs[0]["started"] and stats["newest_run"] == runs[-1]["started"]
    assert stats["size_bytes"] > 0 and pathlib.Path(stats["path"]).exists()
    text = bisectr("stats", check=0).stdout.decode()
    assert f"runs:        {RUNS}" in text and "oldest run:  20" in text
    pruned = json.loads(bisectr("prune", "--keep", "5", "--json", check=0).stdout)
    assert pruned["runs_removed"] == RUNS - 5 and pruned["results_removed"] == (RUNS - 5) * 8
    runs = json.loads(bisectr("runs", "--json", check=0).stdout)
    assert [r["id"] for r in runs] == list(range(RUNS - 4, RUNS + 1))
    out = bisectr("prune", "--older-than", "2100-01-01", check=0).stdout.decode()
    assert out.startswith("removed 5 runs (40 results); 0 runs left")
    assert bisectr("prune", check=64).stderr.startswith(b"bisectr: error: prune needs")
    assert bisectr("prune", "--keep", "-1", check=64).returncode == 64
    assert bisectr("prune", "--older-than", "someday", check=64).returncode == 64


def test_commands_on_the_real_stestr_sample(bisectr):
    bisectr("load", V2, check=0)
    bisectr("load", V2, check=0)
    report = json.loads(bisectr("flaky", "--json", check=0).stdout)
    assert 316 <= report["tests"] <= 357
    assert report["flaky"] == [] and len(report["broken"]) == 41
    failing = bisectr("failing", "--list", check=1).stdout.decode().split()
    assert sorted(t["id"] for t in report["broken"]) == sorted(failing)
    doc = json.loads(bisectr("compare", "1", "2", "--json", check=0).stdout)
    assert doc["status_changes"] == [] and doc["moves"] == []
    one = failing[0]
    hist = json.loads(bisectr("history", one, "--json", check=0).stdout)
    assert [r["status"] in ("fail", "error") for r in hist["results"]] == [True, True]
    stats = json.loads(bisectr("stats", "--json", check=0).stdout)
    assert stats["runs"] == 2 and stats["results"] == 2 * 357


def test_commands_need_a_repository(bisectr):
    for args in (["flaky"], ["history", "x"], ["compare", "1", "2"], ["stats"], ["prune", "--keep", "1"]):
        proc = bisectr(*args)
        assert proc.returncode in (2, 64), args
        assert proc.stderr.startswith(b"bisectr: error: "), args
