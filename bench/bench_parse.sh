#!/usr/bin/env bash
# Parsing speed and memory: bisectr's stream module (bench/parse_stream) against python-subunit's
# subunit-stats and subunit-ls on the same subunit v2 streams, made by bench/gen_stream.py with
# python-subunit's own writer (4 worker tags, 1% failures with tracebacks).
# Usage: bench/bench_parse.sh [N ...]   (default: 100000 1000000; build dir: $BISECTR_BUILD or build)
# Streams are cached under <build>/bench-data/. Wall and CPU (user+sys) seconds are both shown:
# on a shared machine the wall clock measures the load as much as the tool. parse_stream runs
# 5 times (best kept: a run takes a fraction of a second), the python tools once.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BISECTR_BUILD:-build}
python=/usr/bin/python3
sizes=("$@")
((${#sizes[@]})) || sizes=(100000 1000000)

cmake --build "$build" --target parse_stream >/dev/null 2>&1
data="$build/bench-data"
mkdir -p "$data"

# measure NAME RUNS COMMAND...: runs the command RUNS times (stdin from $input), keeps the fastest
# run (least disturbed by other load), prints one row, sets wall/cpu.
measure() {
  local name=$1 runs=$2
  shift 2
  local log best_wall="" best_cpu="" best_rss=""
  log=$(mktemp)
  for ((run = 0; run < runs; run++)); do
    /usr/bin/time -f "%e %U %S %M" -o "$log" "$@" <"$input" >/dev/null 2>&1 || true
    # time(1) puts "Command exited with non-zero status" first when the tool fails (subunit-stats
    # exits 1 when the stream has failures); the figures are the last line.
    read -r wall user sys rss_kib < <(tail -n 1 "$log")
    cpu=$(echo "$user + $sys" | bc -l)
    if [[ -z $best_wall ]] || (($(echo "$wall < $best_wall" | bc -l))); then best_wall=$wall; fi
    if [[ -z $best_cpu ]] || (($(echo "$cpu < $best_cpu" | bc -l))); then best_cpu=$cpu; fi
    best_rss=$rss_kib
  done
  rm -f "$log"
  wall=$best_wall cpu=$best_cpu rss_kib=$best_rss
  printf "  %-14s wall %8.2f s  cpu %8.2f s  peak RSS %7.1f MiB  %10.0f tests/s (cpu)\n" \
    "$name" "$wall" "$cpu" "$(echo "$rss_kib / 1024" | bc -l)" "$(echo "$tests / ($cpu + 0.0001)" | bc -l)"
}

for tests in "${sizes[@]}"; do
  input="$data/$tests.subunit"
  if [[ ! -s $input ]]; then
    echo "generating $input with python-subunit..." >&2
    $python bench/gen_stream.py "$tests" "$input.tmp" && mv "$input.tmp" "$input"
  fi
  size_mb=$(echo "$(stat -c %s "$input") / 1000000" | bc -l)
  printf "%d tests, %.1f MB (load average: %s)\n" "$tests" "$size_mb" "$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "  parse_stream says: $("$build/bench/parse_stream" "$input")"
  measure parse_stream 5 "$build/bench/parse_stream" "$input"
  bisectr_wall=$wall bisectr_cpu=$cpu
  measure subunit-stats 1 subunit-stats
  stats_wall=$wall stats_cpu=$cpu
  measure subunit-ls 1 subunit-ls
  ls_wall=$wall ls_cpu=$cpu
  printf "  ratio vs subunit-stats: %.0fx wall, %.0fx cpu;  vs subunit-ls: %.0fx wall, %.0fx cpu\n" \
    "$(echo "$stats_wall / ($bisectr_wall + 0.001)" | bc -l)" "$(echo "$stats_cpu / ($bisectr_cpu + 0.001)" | bc -l)" \
    "$(echo "$ls_wall / ($bisectr_wall + 0.001)" | bc -l)" "$(echo "$ls_cpu / ($bisectr_cpu + 0.001)" | bc -l)"
done
