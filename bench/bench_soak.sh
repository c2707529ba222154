#!/usr/bin/env bash
# Soak (issue 6): `bisectr run --until-failure` for ITERATIONS runs of a trivial 20-test suite
# that always passes. Samples bisectr's own resident memory and open file descriptors, and the
# repository's size (with its write-ahead log, hence the saw-tooth), every ten seconds; prints the
# samples and, once bisectr has closed the repository, its size per run.
# Usage: bench/bench_soak.sh [ITERATIONS]   (default 10000; BISECTR_BIN picks the binary)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${BISECTR_BIN:-$root/build/bisectr}
iterations=${1:-10000}
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

# The suite: a subunit v2 stream of 20 passing tests, replayed by a script that takes no ids.
/usr/bin/python3 - "$work/stream.v2" <<'PY'
import datetime, sys
from subunit import StreamResultToBytes
with open(sys.argv[1], "wb") as out:
    stream = StreamResultToBytes(out)
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    for i in range(20):
        stream.status(test_id=f"soak.test_{i:02d}", test_status="inprogress", timestamp=now)
        stream.status(test_id=f"soak.test_{i:02d}", test_status="success", timestamp=now)
PY
{
  echo '#!/bin/sh'
  echo 'if [ "$1" = "--list" ]; then'
  for i in $(seq -w 0 19); do echo "  echo soak.test_$i"; done
  echo "else exec cat '$work/stream.v2'; fi"
} > "$work/run-tests"
chmod +x "$work/run-tests"
cat > "$work/bisectr.toml" <<'TOML'
[runner]
preset = "command"
list = ["./run-tests", "--list"]
list_format = "lines"
run = ["./run-tests", "--load-list", "{id_file}"]
format = "subunit2"
TOML

"$bin" --repo "$work/repo" run --config "$work/bisectr.toml" --parallel 1 --until-failure \
  --max-runs "$iterations" > "$work/out" 2>&1 &
pid=$!
started=$(date +%s.%N)
printf '%8s %8s %10s %10s %6s %12s\n' seconds runs anon_kib file_kib fds db_bytes
sample() {
  local anon file fds runs size
  # Anonymous memory is bisectr's heap; file-backed pages are mostly the repository's mapping.
  anon=$(awk '/^RssAnon/ {print $2}' "/proc/$pid/status" 2>/dev/null) || return 1
  file=$(awk '/^RssFile/ {print $2}' "/proc/$pid/status" 2>/dev/null) || return 1
  fds=$(ls "/proc/$pid/fd" 2>/dev/null | wc -l)
  runs=$(/usr/bin/python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from runs').fetchone()[0])" "$work/repo/bisectr.db" 2>/dev/null || echo 0)
  size=$(du -cb "$work/repo"/bisectr.db* 2>/dev/null | tail -1 | cut -f1)
  [[ -n $anon ]] || return 1
  printf '%8.0f %8s %10s %10s %6s %12s\n' "$(echo "$(date +%s.%N) - $started" | bc)" "$runs" "$anon" "$file" "$fds" "$size" |
    tee -a "$work/samples"
}
sleep 2
while kill -0 "$pid" 2>/dev/null; do
  sample || break
  sleep 10
done
wait "$pid" || true
elapsed=$(echo "$(date +%s.%N) - $started" | bc)
runs=$(/usr/bin/python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from runs').fetchone()[0])" "$work/repo/bisectr.db")
"$bin" --repo "$work/repo" stats > /dev/null   # the repository still opens and answers
size=$(du -cb "$work/repo"/bisectr.db* | tail -1 | cut -f1)
tail -1 "$work/out"
echo "runs recorded: $runs in ${elapsed%.*} s ($(echo "scale=1; $elapsed * 1000 / $runs" | bc) ms per run)"
awk -v runs="$runs" -v size="$size" '
  NR == 1 { anon0 = $3; file0 = $4; fd0 = $5 }
  NR == 2 { anon1 = $3 }
  { anon = $3; file = $4; fd = $5; if ($3 > peak) peak = $3; if ($5 > fdmax) fdmax = $5 }
  END {
    printf "bisectr anonymous memory (heap): first sample %d KiB, second %d KiB, last %d KiB, peak %d KiB\n", anon0, anon1, anon, peak
    printf "bisectr file-backed memory (repository mapping): first %d KiB, last %d KiB\n", file0, file
    printf "open file descriptors: first %d, last %d, most %d (a run in flight holds pipes)\n", fd0, fd, fdmax
    printf "repository at the end: %d bytes, %.0f bytes per run\n", size, size / runs
  }' "$work/samples"
