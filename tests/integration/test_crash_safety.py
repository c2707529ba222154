"""Crash safety (issue 6): bisectr killed with SIGKILL at random moments, many times over, and
several bisectr processes writing one repository at once. After every kill the repository opens,
`PRAGMA integrity_check` is ok and every run recorded before is unchanged; a bisect session killed
again and again and resumed each time reaches the verdict of an uninterrupted one."""
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import time

import pytest

from conftest import BIN, SOURCE_DIR, STREAMS

UNITTEST = SOURCE_DIR / "fixtures" / "python_unittest" / "bisectr.toml"
KILLS = int(os.environ.get("BISECTR_KILL_ITERATIONS", "12"))


def scenario_env(state, scenario, q="0.5", seed="3"):
    env = dict(os.environ)
    # A SIGKILLed bisectr cannot remove its scratch directory: keep those under the test's own
    # directory (beside the state), not in /tmp, where each run of this file left a dozen.
    scratch = state.parent / "scratch"
    scratch.mkdir(exist_ok=True)
    env["TMPDIR"] = str(scratch)
    env.update({"BISECTR_FIXTURE_SCENARIO": scenario, "BISECTR_FIXTURE_Q": q, "BISECTR_FIXTURE_SEED": seed,
                "BISECTR_FIXTURE_STATE": str(state)})
    return env


def start(repo, *args, env):
    return subprocess.Popen([BIN, "--repo", str(repo), *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)


def call(repo, *args, env=None, check=0):
    proc = subprocess.run([BIN, "--repo", str(repo), *map(str, args)], capture_output=True, env=env, timeout=300)
    assert proc.returncode == check, (args, proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:])
    return proc


def integrity(repo):
    db = sqlite3.connect(repo / "bisectr.db")
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()


def snapshot(repo, known):
    """Every run's `show --json`; runs seen before must be byte-for-byte what they were."""
    runs = json.loads(call(repo, "runs", "--json").stdout)
    for run in runs:
        shown = call(repo, "show", run["id"], "--json").stdout
        if run["id"] in known:
            assert known[run["id"]] == shown, f"run {run['id']} changed after a kill"
        known[run["id"]] = shown
    missing = set(known) - {run["id"] for run in runs}
    assert not missing, f"runs lost after a kill: {sorted(missing)}"
    return runs


def kill_after(proc, seconds):
    """SIGKILL after `seconds` unless it ended first; returns True when it was killed."""
    try:
        proc.wait(timeout=seconds)
        return False
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return True
    finally:
        proc.stdout.close()
        proc.stderr.close()


def test_kill9_during_until_failure_loses_no_recorded_run(tmp_path):
    repo = tmp_path / "repo"
    env = scenario_env(tmp_path / "state", "none")
    rng = random.Random(11)
    known = {}
    # One whole run first: the kills then fall anywhere within a few runs' time, however loaded
    # the machine is.
    started = time.monotonic()
    call(repo, "run", "--config", UNITTEST, "--parallel", "2", env=env)
    one_run = time.monotonic() - started
    snapshot(repo, known)
    kills = 0
    for _ in range(KILLS):
        proc = start(repo, "run", "--config", UNITTEST, "--parallel", "2", "--until-failure", "--max-runs", "1000",
                     env=env)
        kills += kill_after(proc, rng.uniform(0.1, 3.0) * one_run)
        assert integrity(repo) == "ok"
        snapshot(repo, known)
    assert kills >= KILLS - 2  # nearly every iteration was a kill mid-loop, not a clean exit
    assert len(known) >= 1 + KILLS // 2, "the kills came too early for runs to be recorded"
    # A killed loop leaves no half-written run behind: every run is complete, none 'running'.
    runs = json.loads(call(repo, "runs", "--json").stdout)
    assert all(run["state"] != "running" for run in runs), runs
    print(f"kill -9 iterations: {kills}, runs recorded and intact: {len(known)}")


def bisect_verdict(out):
    verdict = json.loads(out)
    return {key: verdict[key] for key in ("verdict", "culprits", "victim", "runs", "trials", "probability")}


def test_kill9_during_bisect_resumes_to_the_same_verdict(tmp_path):
    base = tmp_path / "base"
    env = scenario_env(tmp_path / "state0", "single")
    call(base, "run", "--config", UNITTEST, "--parallel", "1", "--until-failure", "--max-runs", "40", env=env, check=1)
    bisect_args = ["bisect", "last", "--config", UNITTEST, "--json", "--seed", "5", "--parallel", "2"]
    # The same stored run and seed, uninterrupted: the reference verdict.
    reference_repo = tmp_path / "reference"
    shutil.copytree(base, reference_repo)
    started = time.monotonic()
    reference = bisect_verdict(call(reference_repo, *bisect_args, env=scenario_env(tmp_path / "state1", "single")).stdout)
    one_trial = (time.monotonic() - started) / reference["trials"] * 2  # two trials run at once
    assert reference["verdict"] == "found"

    repo = tmp_path / "killed"
    shutil.copytree(base, repo)
    env = scenario_env(tmp_path / "state2", "single")
    rng = random.Random(7)
    known = {}
    kills = 0
    for attempt in range(12):
        sessions = json.loads(call(repo, "bisect", "--list", "--json").stdout)
        args = ["bisect", "--resume", sessions[0]["id"], "--json"] if sessions else bisect_args
        proc = start(repo, *args, env=env)
        try:
            # Killed at a random moment 8 times; the last attempts run to the end.
            proc.wait(timeout=rng.uniform(0.3, 2.0) * one_trial if attempt < 8 else 600)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            proc.stdout.close()
            proc.stderr.close()
            kills += 1
            assert integrity(repo) == "ok"
            snapshot(repo, known)
            continue
        out, err = proc.communicate()
        assert proc.returncode == 0, (proc.returncode, out[-2000:], err[-2000:])
        resumed = bisect_verdict(out)
        break
    else:
        raise AssertionError("the killed session never finished")
    assert kills >= 3, "the session finished before it could be killed often enough"
    assert resumed == reference, (resumed, reference)
    snapshot(repo, known)
    print(f"bisect killed {kills} times, resumed to the reference verdict: {resumed}")


def test_concurrent_writers_lose_nothing(tmp_path):
    """Two and four processes loading into, and running against, one repository at once."""
    repo = tmp_path / "repo"
    stream = STREAMS / "stestr-parallel2.v2.subunit"
    env = scenario_env(tmp_path / "state", "none")
    expected = 0
    for writers in (2, 4):
        procs = []
        for k in range(writers):
            if k % 2 == 0:
                procs.append(start(repo, "load", stream, env=env))
            else:
                procs.append(start(repo, "run", "--config", UNITTEST, "--parallel", "1", "--repeat", "3", env=env))
        for proc in procs:
            out, err = proc.communicate(timeout=300)
            assert proc.returncode == 0, (proc.args[3:], proc.returncode, err.decode(errors="replace")[-2000:])
            for line in err.decode(errors="replace").splitlines():
                assert "busy" in line or not line.startswith("bisectr:"), line
        expected += sum(1 if k % 2 == 0 else 3 for k in range(writers))
    runs = json.loads(call(repo, "runs", "--json").stdout)
    assert len(runs) == expected, (len(runs), expected)
    assert integrity(repo) == "ok"


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MiB tmpfs mounted for the test (root only: skipped, saying why, elsewhere)."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount_point)],
                             capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here: " + mounted.stderr.decode(errors="replace").strip())
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_disk_full_is_a_clear_error_and_changes_nothing(small_disk, tmp_path):
    repo = small_disk / "repo"
    call(repo, "load", STREAMS / "stestr-parallel2.v2.subunit", check=0)
    before = {}
    snapshot(repo, before)
    big = tmp_path / "big.subunit"
    subprocess.run(["/usr/bin/python3", SOURCE_DIR / "bench" / "gen_stream.py", "60000", big], check=True)
    proc = call(repo, "load", big, check=2)
    err = proc.stderr.decode(errors="replace")
    assert err.startswith("bisectr: error: ") and err.count("\n") == 1, err
    assert "full" in err, err
    print("disk full:", err.strip())
    assert integrity(repo) == "ok"
    after = {}
    runs = snapshot(repo, after)
    assert after == before and len(runs) == 1
    # Space freed again, the same repository takes the next load.
    call(repo, "load", STREAMS / "subunit-run.v2.subunit", check=0)
