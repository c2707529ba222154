"""`bisectr report`: each HTML page is written from a real repository, is self-contained, keeps
hostile test ids as text, and renders in headless Chromium (screenshots kept under the build dir)."""
import datetime
import html.parser
import json
import os
import pathlib
import shutil
import sqlite3
import subprocess
import tempfile

import pytest

from conftest import BUILD_DIR, STREAMS
from test_history_commands import HOSTILE, QUOTED, load_history

V2 = STREAMS / "stestr-parallel2.v2.subunit"
ARTEFACTS = BUILD_DIR / "test-artefacts" / "report"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--enable-logging=stderr", "--v=0"]


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.fail("Chromium is not installed: run `scripts/setup --browser` (installs the Debian packages "
                "chromium and chromium-driver), then run the tests again")


def render(page: pathlib.Path, name: str):
    """Dumps the DOM and saves a screenshot; returns (dom, console lines). Fails on script errors."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    browser = chromium()
    with tempfile.TemporaryDirectory(prefix="bisectr-chromium-") as profile:
        dump = subprocess.run([browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}/dump", "--dump-dom",
                               page.resolve().as_uri()], capture_output=True, timeout=120)
        shot = ARTEFACTS / f"{name}.png"
        grab = subprocess.run([browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}/shot", f"--screenshot={shot}",
                               "--window-size=1200,900", page.resolve().as_uri()], capture_output=True, timeout=120)
    assert dump.returncode == 0, dump.stderr[-2000:]
    assert grab.returncode == 0 and shot.stat().st_size > 10000, grab.stderr[-2000:]
    console = [line for line in (dump.stderr + grab.stderr).decode(errors="replace").splitlines()
               if ":CONSOLE" in line]
    assert not [line for line in console if "Uncaught" in line or "Refused" in line or "Error" in line], console
    shutil.copy(page, ARTEFACTS / f"{name}.html")
    return dump.stdout.decode()


class Elements(html.parser.HTMLParser):
    """Collects tag names, ids, classes and text of a document."""

    def __init__(self):
        super().__init__()
        self.tags, self.ids, self.classes, self.text = [], set(), [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        self.classes.extend((attrs.get("class") or "").split())
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert "javascript:" not in (value or ""), (tag, name)

    def handle_data(self, data):
        self.text.append(data)


def parse(document: str) -> Elements:
    parser = Elements()
    parser.feed(document)
    return parser


def check_self_contained(path: pathlib.Path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    for needle in ("<script", "http://", "https://", "<link", "@import", "url("):
        assert needle not in text, needle
    elements = parse(text)
    assert "script" not in elements.tags and "img" not in elements.tags and "iframe" not in elements.tags
    return text, elements


def test_flaky_page(bisectr, tmp_path):
    load_history(bisectr, tmp_path)
    out = json.loads(bisectr("report", "--flaky", "-o", tmp_path / "flaky.html", "--json", check=0).stdout)
    assert out["page"] == "flaky" and out["bytes"] == (tmp_path / "flaky.html").stat().st_size
    text, elements = check_self_contained(tmp_path / "flaky.html")
    assert "heat-map" in elements.ids and elements.classes.count("heat") == 3
    body = "".join(elements.text)
    assert HOSTILE in body and "pkg.test_flaky" in body and "pkg.test_broken" in body
    assert body.index("pkg.test_flaky") < body.index(HOSTILE) < body.index("pkg.test_broken")
    dom = render(tmp_path / "flaky.html", "flaky")
    rendered = parse(dom)
    assert "heat-map" in rendered.ids and "script" not in rendered.tags
    assert HOSTILE in "".join(rendered.text)


def test_run_page_on_the_stestr_sample(bisectr, tmp_path):
    bisectr("load", V2, check=0)
    assert bisectr("report", "-o", tmp_path / "run.html", check=0).stdout.startswith(b"wrote ")
    text, elements = check_self_contained(tmp_path / "run.html")
    assert elements.classes.count("lane-svg") == 2 and elements.classes.count("test") == 357
    assert elements.classes.count("failure") == 41 and "Traceback" in "".join(elements.text)
    rendered = parse(render(tmp_path / "run.html", "run-stestr"))
    assert rendered.classes.count("test") == 357 and "lanes" in rendered.ids


def test_run_page_keeps_hostile_ids_as_text(bisectr, tmp_path):
    load_history(bisectr, tmp_path, runs=3)
    bisectr("report", "3", "-o", tmp_path / "hostile.html", check=0)
    text, elements = check_self_contained(tmp_path / "hostile.html")
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in text
    assert "&lt;img src=x&gt;" in text and QUOTED.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;") in text
    rendered = parse(render(tmp_path / "hostile.html", "run-hostile"))
    assert "script" not in rendered.tags and "img" not in rendered.tags
    assert HOSTILE in "".join(rendered.text)
    assert bisectr("report", "-o", "-", check=0).stdout.startswith(b"<!DOCTYPE html>")


def add_session(repo: pathlib.Path, trials):
    """Stores a bisect session the way the session store does (until `bisect` writes real ones)."""
    now = int(datetime.datetime(2026, 11, 21, tzinfo=datetime.timezone.utc).timestamp() * 1e9)
    with sqlite3.connect(repo / "bisectr.db") as db:
        cursor = db.execute("INSERT INTO sessions (kind, config, state, status, created_ns, updated_ns) "
                            "VALUES ('bisect', ?, ?, 'found', ?, ?)",
                            (json.dumps({"victim": HOSTILE}), json.dumps({"suspects": {"pkg.test_setter": 0.97}}),
                             now, now + len(trials) * 10**9))
        session = cursor.lastrowid
        for index, trial in enumerate(trials):
            db.execute("INSERT INTO session_trials (session, idx, trial, run, recorded_ns) VALUES (?, ?, ?, NULL, ?)",
                       (session, index, json.dumps(trial), now + index * 10**9))
    return session


def test_bisect_session_page(bisectr, tmp_path):
    load_history(bisectr, tmp_path, runs=2)
    trials = []
    for index, (subset, failures) in enumerate([(8, 1), (4, 1), (2, 0), (2, 1), (1, 1), (1, 1)]):
        suspects = [{"tests": ["pkg.test_setter"], "probability": min(0.2 * (index + 1), 0.97)},
                    {"tests": [HOSTILE], "probability": max(0.3 - 0.05 * index, 0.01)}]
        trials.append({"request": {"kind": "search", "subset": list(range(subset))},
                       "result": {"runs": 3, "failures": failures}, "candidates": max(8 >> index, 1),
                       "suspects": suspects})
    session = add_session(bisectr.repo, trials)
    bisectr("report", "--bisect", session, "-o", tmp_path / "bisect.html", check=0)
    text, elements = check_self_contained(tmp_path / "bisect.html")
    assert {"trial-chart", "candidate-line", "suspect-chart", "trials"} <= elements.ids
    assert elements.classes.count("trial") == 6 and elements.classes.count("suspect") == 2
    rendered = parse(render(tmp_path / "bisect.html", "bisect"))
    assert "trial-chart" in rendered.ids and HOSTILE in "".join(rendered.text)


def test_report_errors(bisectr, tmp_path):
    assert bisectr("report", "-o", tmp_path / "x.html", check=64).stderr.startswith(b"bisectr: error: ")
    load_history(bisectr, tmp_path, runs=2)
    assert bisectr("report", "1", "--flaky", check=64).stderr.startswith(b"bisectr: error: report takes one of")
    assert bisectr("report", "--bisect", "42", check=64).stderr.startswith(b"bisectr: error: no bisect session 42")
    assert bisectr("report", "77", check=64).returncode == 64
    assert bisectr("report", "-o", tmp_path / "no" / "dir.html", check=2).stderr.startswith(b"bisectr: error: cannot write")
    assert not (tmp_path / "report.html").exists()
    bisectr("report", check=0)
    assert (tmp_path / "report.html").exists()
