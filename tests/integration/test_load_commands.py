"""`load` and the read commands on real streams, checked against python-subunit's own tools."""
import json
import shutil
import sqlite3
import subprocess

from conftest import STREAMS

V2 = STREAMS / "stestr-parallel2.v2.subunit"
V1 = STREAMS / "stestr-parallel2.v1.subunit"


def subunit_ids(stream_bytes, *filter_args):
    """What python-subunit lists for a v2 stream (optionally through subunit-filter)."""
    if filter_args:
        stream_bytes = subprocess.run(["subunit-filter", *filter_args], input=stream_bytes,
                                      capture_output=True).stdout
    # subunit-ls exits 1 when the stream holds failures, like the other subunit filters.
    proc = subprocess.run(["subunit-ls"], input=stream_bytes, capture_output=True)
    assert proc.returncode in (0, 1) and not proc.stderr, proc.stderr
    return proc.stdout.decode().split()


def test_load_v2_then_last_failing_runs(bisectr):
    out = bisectr("load", V2, check=0).stdout.decode()
    assert "run 1: 357 tests, 41 failed, 2 workers" in out
    last = bisectr("last", "--json", check=1)
    summary = json.loads(last.stdout)
    assert (summary["total"], summary["passed"], summary["failed"]) == (357, 316, 41)
    assert len(summary["failures"]) == 41
    assert all(f["status"] in ("fail", "error") for f in summary["failures"])
    failing = bisectr("failing", "--list", check=1).stdout.decode().split()
    assert len(failing) == 41
    assert set(failing) <= set(subunit_ids(V2.read_bytes()))
    text = bisectr("last", check=1).stdout.decode()
    assert "Traceback" in text and text.rstrip().splitlines()[-1].startswith("run 1: 357 tests")
    runs = json.loads(bisectr("runs", "--json", check=0).stdout)
    assert [r["id"] for r in runs] == [1] and runs[0]["source"].startswith("load:")


def test_order_matches_subunit_filter_pipeline(bisectr):
    bisectr("load", V1, check=0)
    for worker in ("worker-0", "worker-1"):
        expected = subunit_ids(subprocess.run(["subunit-1to2"], stdin=V1.open("rb"), capture_output=True,
                                              check=True).stdout, "-s", "--xfail", f"--with-tag={worker}")
        got = bisectr("order", "1", "--worker", worker, check=0).stdout.decode().split()
        assert got == expected, worker
    until = expected[10]
    got = bisectr("order", "1", "--worker", "worker-1", "--until", until, check=0).stdout.decode().split()
    assert got == expected[:11]


def test_order_needs_a_worker_when_several_fail(bisectr):
    bisectr("load", V2, check=0)
    proc = bisectr("order", "1", check=64)
    assert b"--worker" in proc.stderr and b"worker-0" in proc.stderr
    assert bisectr("order", "1", "--worker", "worker-9", check=64).stderr.startswith(b"bisectr: error: ")


def test_every_sample_loads(bisectr):
    for sample in sorted(STREAMS.glob("*.subunit")) + sorted(STREAMS.glob("*.xml")):
        proc = bisectr("load", sample, "--json", check=0)
        assert json.loads(proc.stdout)["results"] > 0, sample


def test_several_files_make_one_run_and_each_makes_many(bisectr):
    out = json.loads(bisectr("load", V2, V1, "--json", check=0).stdout)
    assert out["results"] == 714 and sorted(out["workers"]) == ["2:worker-0", "2:worker-1", "worker-0", "worker-1"]
    each = json.loads(bisectr("load", "--each", V2, V1, "--json", check=0).stdout)
    assert [run["id"] for run in each] == [2, 3]


def test_stdin_and_format_option(bisectr):
    proc = bisectr("load", "--format", "subunit2", "-", input=V2.read_bytes(), check=0)
    assert b"357 tests" in proc.stdout
    assert bisectr("load", "--format", "nonsense", V2, check=64).stderr.startswith(b"bisectr: error: unknown --format")


def test_show_slowest_export_remove(bisectr):
    bisectr("load", V2, check=0)
    show = json.loads(bisectr("show", "1", "--json", check=0).stdout)
    assert show["total"] == 357 and len(show["failures"]) == 41
    text = bisectr("show", "1", check=0).stdout.decode()
    assert "loaded_at: " in text and "worker-0     no process figures (loaded from a stream)" in text
    slowest = json.loads(bisectr("slowest", "-n", "5", "--json", check=0).stdout)["slowest"]
    assert len(slowest) == 5 and slowest == sorted(slowest, key=lambda t: -t["seconds"])
    exported = bisectr("export", "1", "--format", "subunit2", check=0).stdout
    assert sorted(subunit_ids(exported)) == sorted(subunit_ids(V2.read_bytes()))
    stats = subprocess.run(["subunit-stats"], input=exported, capture_output=True).stdout.decode()
    assert "Failed tests:     41" in stats
    assert bisectr("remove", "1", check=0).stdout == b"removed run 1\n"
    assert bisectr("show", "1", check=64).stderr.startswith(b"bisectr: error: no run 1")


def test_export_junit_is_read_by_junitparser(bisectr, tmp_path):
    bisectr("load", V2, check=0)
    out = tmp_path / "run.xml"
    bisectr("export", "1", "--format", "junit", "-o", out, check=0)
    code = ("import junitparser,sys\nx=junitparser.JUnitXml.fromfile(sys.argv[1])\n"
            "cases=[c for s in x for c in s]\nbad=[c for c in cases if c.result and any("
            "isinstance(r,(junitparser.Failure,junitparser.Error)) for r in c.result)]\nprint(len(cases),len(bad))")
    got = subprocess.run(["/usr/bin/python3", "-c", code, str(out)], capture_output=True, check=True).stdout.split()
    assert got == [b"357", b"41"]


def test_export_subunit1_is_read_by_python_subunit(bisectr):
    bisectr("load", V2, check=0)
    v1 = bisectr("export", "1", "--format", "subunit1", check=0).stdout
    v2 = subprocess.run(["subunit-1to2"], input=v1, capture_output=True, check=True).stdout
    assert sorted(subunit_ids(v2)) == sorted(subunit_ids(V2.read_bytes()))


def repo_dump(repo):
    with sqlite3.connect(repo / "bisectr.db") as db:
        return list(db.iterdump())


def test_bad_input_is_one_line_and_leaves_repository_unchanged(bisectr, tmp_path):
    bisectr("load", V2, check=0)
    before = repo_dump(bisectr.repo)
    data = bytearray(V2.read_bytes())
    corrupt = tmp_path / "corrupt.subunit"
    data[5000] ^= 0xFF
    corrupt.write_bytes(bytes(data))
    truncated = tmp_path / "truncated.subunit"
    truncated.write_bytes(V2.read_bytes()[:-7])
    broken_xml = tmp_path / "broken.xml"
    broken_xml.write_bytes(b"<testsuite><testcase name='a' classname='b'></testsuite>")
    for bad in (corrupt, truncated, broken_xml):
        proc = bisectr("load", V2, bad, check=2)
        lines = proc.stderr.decode().splitlines()
        assert len(lines) == 1 and lines[0].startswith("bisectr: error: "), proc.stderr
        assert str(bad) in lines[0] and (" at byte " in lines[0] or " at line " in lines[0])
        assert repo_dump(bisectr.repo) == before
    assert bisectr("load", tmp_path / "missing.subunit", check=2).stderr.startswith(b"bisectr: error: cannot open")


def test_read_commands_without_repository_fail_clearly(bisectr):
    for command in (["last"], ["runs"], ["failing"], ["show", "1"]):
        proc = bisectr(*command, check=64)
        assert proc.stderr.startswith(b"bisectr: error: no repository"), proc.stderr


def test_no_runs_and_bad_run_ids(bisectr):
    bisectr("init", check=0)
    assert b"no runs yet" in bisectr("last", check=64).stderr
    bisectr("load", V2, check=0)
    assert b"not a run id" in bisectr("show", "abc", check=64).stderr
    assert bisectr("show", "-1", "--json", check=0).stdout.startswith(b"{")
    assert b"holds only 1 runs" in bisectr("show", "-5", check=64).stderr


def test_subunit_tools_exist():
    assert shutil.which("subunit-ls") and shutil.which("subunit-filter"), "Debian package 'subunit' is needed"
