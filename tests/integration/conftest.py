"""Shared helpers for the integration tests: run the built bisectr binary in a temporary repository."""
import os
import pathlib
import subprocess

import pytest

BIN = os.environ.get("BISECTR_BIN", "")
SOURCE_DIR = pathlib.Path(os.environ.get("BISECTR_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
BUILD_DIR = pathlib.Path(os.environ.get("BISECTR_BUILD_DIR", SOURCE_DIR / "build"))
STREAMS = SOURCE_DIR / "fixtures" / "streams"


class Bisectr:
    """Runs the binary with --repo pointing at a per-test repository."""

    def __init__(self, repo: pathlib.Path, cwd: pathlib.Path):
        self.repo = repo
        self.cwd = cwd

    def __call__(self, *args, input=None, check=None, timeout=600, env=None):
        full_env = dict(os.environ)
        full_env.update(env or {})
        proc = subprocess.run([BIN, "--repo", str(self.repo), *map(str, args)], input=input, capture_output=True,
                              cwd=self.cwd, timeout=timeout, env=full_env)
        if check is not None:
            assert proc.returncode == check, (proc.returncode, proc.stdout[-3000:], proc.stderr[-3000:])
        return proc


@pytest.fixture
def bisectr(tmp_path):
    assert BIN and os.path.exists(BIN), "BISECTR_BIN must name the built binary"
    return Bisectr(tmp_path / "repo", tmp_path)
