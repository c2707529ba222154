"""The command line builds only the subcommand it is given: every subcommand listed by --help must
answer under its own name, wherever --repo is written, and an unknown one must still be refused."""
import json
import re
import subprocess

from conftest import BIN

EXPECTED = {"init", "load", "last", "failing", "runs", "show", "slowest", "order", "export", "remove", "bisect",
            "flaky", "history", "compare", "stats", "prune", "report", "run"}


def listed_commands(text):
    section = text.split("Subcommands:", 1)[1]
    return [m.group(1) for m in re.finditer(r"^  (\S+)\s", section, re.MULTILINE)]


def test_help_lists_every_command(bisectr):
    proc = bisectr("--help", check=0)
    assert set(listed_commands(proc.stdout.decode())) == EXPECTED


def test_each_command_answers_help_under_its_own_name(bisectr):
    for command in sorted(EXPECTED):
        proc = bisectr(command, "--help", check=0)
        usage = [line for line in proc.stdout.decode().splitlines() if line.startswith("Usage:")]
        assert len(usage) == 1, (command, proc.stdout)
        assert re.search(rf"\s{command}\s", usage[0] + " "), (command, usage[0])


def test_repo_value_named_like_a_command_and_help_before_the_command(bisectr, tmp_path):
    # --repo's value is a command name here: it must be taken as the directory, not the command.
    def plain(*args):
        return subprocess.run([BIN, *args], capture_output=True, cwd=tmp_path, timeout=60)
    assert plain("--repo", "run", "init").returncode == 0
    assert (tmp_path / "run" / "bisectr.db").is_file()
    proc = plain("--repo", "run", "runs", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []
    # Help before the command is the command's help, as CLI11 gives it with every command built.
    proc = bisectr("--help", "run", check=0)
    assert re.search(r"^Usage: \S+ run ", proc.stdout.decode(), re.MULTILINE), proc.stdout


def test_unknown_command_is_refused(bisectr):
    proc = bisectr("nosuch")
    assert proc.returncode != 0
    assert b"subcommand" in proc.stderr.lower() or b"nosuch" in proc.stderr
