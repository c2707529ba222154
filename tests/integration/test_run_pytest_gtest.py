"""`bisectr run` against the real pytest fixture suite (JUnit XML files mapped back to node ids) and,
when it was built, the GoogleTest fixture binary."""

import json
import os
import subprocess
from pathlib import Path

import pytest

BIN = os.environ.get("BISECTR_BIN", "bisectr")
SOURCE = Path(os.environ.get("BISECTR_SOURCE_DIR", Path(__file__).resolve().parents[2]))
BUILD = Path(os.environ.get("BISECTR_BUILD_DIR", SOURCE / "build"))
PYTEST_SUITE = SOURCE / "fixtures" / "pytest_suite"
PYTHON = "/usr/bin/python3"  # Debian's, with pytest

VICTIM = "tests/test_omega.py::TestOmega::test_victim"


def pytest_config(tmp, env):
    base = [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    junit = ["--junitxml={output}", "-o", "junit_family=xunit2"]
    env_items = ", ".join("%s = %s" % (k, json.dumps(v)) for k, v in env.items())
    text = "\n".join([
        "[runner]",
        "cwd = " + json.dumps(str(PYTEST_SUITE)),
        "list = " + json.dumps(base + ["--collect-only", "tests"]),
        'list_format = "pytest-collect"',
        "run = " + json.dumps(base + junit + ["{ids}"]),
        'stream = "file"',
        'format = "junit"',
        'ids = "pytest"',
        "parallel = 2",
        "env = { %s }" % env_items,
    ]) + "\n"
    path = tmp / "bisectr.toml"
    path.write_text(text)
    return path


def bisectr(tmp, *args):
    return subprocess.run([BIN, "--repo", str(tmp / "repo")] + list(args), cwd=tmp, capture_output=True, text=True,
                          timeout=120)


def collected_ids():
    proc = subprocess.run([PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--collect-only", "tests"],
                          cwd=PYTEST_SUITE, capture_output=True, text=True, env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
    return [line for line in proc.stdout.splitlines() if "::" in line]


def test_pytest_results_come_back_as_node_ids_per_worker(tmp_path):
    config = pytest_config(tmp_path, {"BISECTR_FIXTURE_SCENARIO": "alone", "BISECTR_FIXTURE_Q": "1",
                                      "PYTHONDONTWRITEBYTECODE": "1"})
    proc = bisectr(tmp_path, "run", "--config", str(config), "--json")
    assert proc.returncode == 1, proc.stderr
    out = json.loads(proc.stdout)
    expected = collected_ids()
    assert out["total"] == len(expected) == 26
    assert [f["id"] for f in out["failing"]] == [VICTIM]
    seen = []
    for worker in ("worker-0", "worker-1"):
        order = bisectr(tmp_path, "order", str(out["run"]), "--worker", worker)
        assert order.returncode == 0, order.stderr
        ids = order.stdout.splitlines()
        # pytest runs a subset in the order given, which is the listed order.
        assert ids == [i for i in expected if i in ids]
        seen += ids
    assert sorted(seen) == sorted(expected)
    assert "tests/test_omega.py::TestOmega::test_min[1]" in seen
    assert out["problems"] == {}


def test_pytest_failing_rerun_passes_node_ids_as_argv(tmp_path):
    config = pytest_config(tmp_path, {"BISECTR_FIXTURE_SCENARIO": "alone", "BISECTR_FIXTURE_Q": "1",
                                      "PYTHONDONTWRITEBYTECODE": "1"})
    assert bisectr(tmp_path, "run", "--config", str(config)).returncode == 1
    proc = bisectr(tmp_path, "run", "--config", str(config), "--failing", "--json")
    out = json.loads(proc.stdout)
    assert out["total"] == 1
    assert out["failing"][0]["id"] == VICTIM


GTEST_CONFIG = BUILD / "fixtures" / "gtest_suite" / "bisectr.toml"


def test_gtest_binary_runs_in_parallel_workers(tmp_path):
    assert GTEST_CONFIG.exists(), "the GoogleTest fixture was not built (configure with BISECTR_FIXTURES=ON)"
    proc = bisectr(tmp_path, "run", "--config", str(GTEST_CONFIG), "--parallel", "2", "--json")
    assert proc.returncode in (0, 1), proc.stderr
    out = json.loads(proc.stdout)
    assert out["total"] > 0
    assert len(out["workers"]) == 2
    for worker in out["workers"]:
        assert worker["peak_rss_bytes"] > 0
