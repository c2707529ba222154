#!/bin/sh
# Per-run overhead of `bisectr run` on a trivial one-test suite, side by side with the bare
# command (/usr/bin/python3 -m subunit.run), `stestr run` and `testr run` (Debian
# python3-stestr, python3-testrepository); then the CPU bisectr itself spends while a test
# sleeps (memory sampling every 50 ms), as a share of one core.
#
# usage: bench/bench_run.sh [BISECTR_BIN] [RUNS]   (default build/bisectr, 20 runs)
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "${1:-$here/build/bisectr}")
runs=${2:-20}
py=/usr/bin/python3
work=$(mktemp -d "${TMPDIR:-/tmp}/bisectr-bench-run.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

mkdir -p "$work/tests"
: > "$work/tests/__init__.py"
cat > "$work/tests/test_one.py" <<'EOF'
import os
import time
import unittest


class TestOne(unittest.TestCase):
    def test_one(self):
        time.sleep(float(os.environ.get("BENCH_SLEEP", "0")))
EOF
cat > "$work/bisectr.toml" <<EOF
[runner]
list = ["$py", "-m", "subunit.run", "discover", "-t", ".", "-s", "tests", "--list"]
list_format = "subunit"
run = ["$py", "-m", "subunit.run", "discover", "-t", ".", "-s", "tests", "--load-list", "{id_file}"]
run_all = ["$py", "-m", "subunit.run", "discover", "-t", ".", "-s", "tests"]
stream = "stdout"
format = "subunit2"
parallel = 1
EOF
printf '[DEFAULT]\ntest_path=./tests\ntop_dir=./\n' > "$work/.stestr.conf"
cat > "$work/.testr.conf" <<EOF
[DEFAULT]
test_command=$py -m subunit.run discover -t . -s tests \$LISTOPT \$IDOPTION
test_id_option=--load-list \$IDFILE
test_list_option=--list
EOF

cd "$work"
"$bin" --repo "$work/.bisectr" run --parallel 1 > /dev/null
stestr init > /dev/null 2>&1 || true
testr init > /dev/null 2>&1 || true

echo "== per-run time, one trivial test ($runs runs each) =="
if command -v hyperfine > /dev/null 2>&1; then
  hyperfine --warmup 2 --runs "$runs" -N --export-markdown "$work/table.md" \
    -n "bare: python3 -m subunit.run" "$py -m subunit.run discover -t . -s tests" \
    -n "bisectr run --parallel 1" "$bin --repo $work/.bisectr run --parallel 1" \
    -n "bisectr run --parallel 2 (lists first)" "$bin --repo $work/.bisectr run --parallel 2" \
    -n "stestr run" "stestr run" \
    -n "testr run" "testr run" > /dev/null
  cat "$work/table.md"
else
  for label in bare bisectr stestr testr; do
    case $label in
      bare) cmd="$py -m subunit.run discover -t . -s tests" ;;
      bisectr) cmd="$bin --repo $work/.bisectr run --parallel 1" ;;
      stestr) cmd="stestr run" ;;
      testr) cmd="testr run" ;;
    esac
    start=$(date +%s%N)
    i=0
    while [ "$i" -lt "$runs" ]; do $cmd > /dev/null 2>&1 || true; i=$((i + 1)); done
    end=$(date +%s%N)
    echo "$label: $(( (end - start) / runs / 1000000 )) ms per run"
  done
fi

echo
echo "== bisectr's own overhead, without Python's start-up noise =="
# The test command replays a recorded one-test subunit v2 stream with /bin/cat (about 1 ms), so
# what bisectr adds is not lost in the +-60 ms spread of a Python start-up.
"$py" -m subunit.run discover -t . -s tests > "$work/one.subunit"
mkdir -p "$work/replay"
cat > "$work/replay/bisectr.toml" <<EOF2
[runner]
list = ["/bin/echo", "tests.test_one.TestOne.test_one"]
run = ["/bin/sh", "-c", "exec /bin/cat \"\$1\"", "sh", "$work/one.subunit", "{id_file}"]
run_all = ["/bin/cat", "$work/one.subunit"]
stream = "stdout"
format = "subunit2"
parallel = 1
EOF2
cd "$work/replay"
"$bin" --repo "$work/replay/.bisectr" run --parallel 1 > /dev/null
loops=300
if command -v hyperfine > /dev/null 2>&1; then
  hyperfine --warmup 5 --runs 200 -N --export-json "$work/replay.json" \
    -n "bare: cat stream" "/bin/cat $work/one.subunit" \
    -n "bisectr run (one invocation: start-up, repository, record)" "$bin --repo $work/replay/.bisectr run --parallel 1" \
    > /dev/null
  bare_ms=$("$py" -c "import json,sys; r=json.load(open(sys.argv[1]))['results']; print('%.2f' % (r[0]['mean']*1000))" "$work/replay.json")
  one_ms=$("$py" -c "import json,sys; r=json.load(open(sys.argv[1]))['results']; print('%.2f' % (r[1]['mean']*1000))" "$work/replay.json")
  # Mean and median: about one invocation in a dozen also folds the WAL into the database.
  cold_added=$("$py" -c "import json,sys; r=json.load(open(sys.argv[1]))['results']; print('%.2f ms mean, %.2f ms median' % ((r[1]['mean']-r[0]['mean'])*1000, (r[1]['median']-r[0]['median'])*1000))" "$work/replay.json")
else
  bare_ms=$("$py" -c "import subprocess,sys,time; t=time.monotonic(); [subprocess.run(['/bin/cat',sys.argv[1]],stdout=subprocess.DEVNULL) for _ in range(200)]; print('%.2f' % ((time.monotonic()-t)*5))" "$work/one.subunit")
  one_ms=n/a
fi
start=$(date +%s%N)
"$bin" --repo "$work/replay/.bisectr" run --until-failure --max-runs "$loops" --parallel 1 > /dev/null 2>&1
end=$(date +%s%N)
loop_ms=$("$py" -c "import sys; print('%.2f' % ((int(sys.argv[2]) - int(sys.argv[1])) / 1e6 / int(sys.argv[3])))" "$start" "$end" "$loops")
echo "bare command (cat of the stream): $bare_ms ms per run"
echo "bisectr run, one invocation:      $one_ms ms per run"
if [ -n "${cold_added:-}" ]; then
  echo "added per cold invocation: $cold_added (goal: under 5 ms)"
fi
echo "bisectr run --until-failure:      $loop_ms ms per iteration ($loops iterations, each a recorded run)"
"$py" -c "import sys; b=float(sys.argv[1]); l=float(sys.argv[2]); print('added per iteration: %.2f ms (goal: under 5 ms)' % (l - b))" "$bare_ms" "$loop_ms"
cd "$work"

echo
echo "== bisectr's own CPU while the test sleeps 5 s (sampling every 50 ms) =="
# getrusage(RUSAGE_CHILDREN) of the python wrapper = bisectr + the test process it reaped;
# the test process's own CPU comes from bisectr's record of the worker (--json).
BENCH_SLEEP=5 "$py" - "$bin" "$work" <<'EOF'
import json, os, resource, subprocess, sys, time
bin, work = sys.argv[1], sys.argv[2]
before = resource.getrusage(resource.RUSAGE_CHILDREN)
start = time.monotonic()
out = subprocess.run([bin, "--repo", work + "/.bisectr", "run", "--parallel", "1", "--json"],
                     cwd=work, capture_output=True, text=True, check=True).stdout
wall = time.monotonic() - start
after = resource.getrusage(resource.RUSAGE_CHILDREN)
total = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
worker = json.loads(out)["workers"][0]
child = worker["cpu_user_seconds"] + worker["cpu_system_seconds"]
own = total - child
print("wall %.2fs, total cpu %.3fs, test process cpu %.3fs, bisectr itself %.3fs = %.2f%% of one core"
      % (wall, total, child, own, 100.0 * own / wall))
EOF
