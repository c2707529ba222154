#!/usr/bin/env bash
# Issue 2's side-by-side benchmark: `bisectr load` against `stestr load`, and the read commands
# `last`, `failing`, `slowest` of both, on the same subunit v2 stream written by python-subunit
# (bench/gen_stream.py: 4 worker tags, 1% failures with tracebacks); then bisectr's other read
# commands on its own.
# Usage: bench/bench_load.sh [N ...]   (default 100000; PEERS=0 skips stestr, e.g. for 1000000)
# Wall and CPU (user+sys) are both printed: on a shared machine wall time measures the load too.
# bisectr's load is the median of LOADS (default 5) imports, each into a new repository; stestr's,
# which takes minutes at 1,000,000, is one import.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BISECTR_BUILD:-build}
bin=$PWD/$build/bisectr
python=/usr/bin/python3
sizes=("$@")
((${#sizes[@]})) || sizes=(100000)
data="$build/bench-data"
mkdir -p "$data"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# measure LABEL COMMAND...: runs once, prints wall / cpu / peak RSS, leaves them in $wall $cpu.
measure() {
  local label=$1 log
  shift
  log=$(mktemp)
  /usr/bin/time -f "%e %U %S %M" -o "$log" "$@" >/dev/null 2>&1 || true
  read -r wall user sys rss_kib < <(tail -n 1 "$log")
  rm -f "$log"
  cpu=$(echo "$user + $sys" | bc -l)
  printf "  %-22s wall %9.3f s  cpu %9.3f s  peak RSS %8.1f MiB\n" "$label" "$wall" "$cpu" "$(echo "$rss_kib / 1024" | bc -l)"
}

# reads LABEL COMMAND...: the median wall time of READS runs (default 9), timed with
# $EPOCHREALTIME (microseconds; /usr/bin/time's 10 ms steps are too coarse for a 100 ms goal).
reads() {
  local label=$1 i start end times=()
  shift
  for ((i = 0; i < ${READS:-9}; i++)); do
    start=${EPOCHREALTIME/./}
    "$@" >/dev/null 2>&1 || true
    end=${EPOCHREALTIME/./}
    times+=($((end - start)))
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((${#times[@]} + 1) / 2))p")
  printf "  %-22s median wall %8.1f ms of %d runs\n" "$label" "$(echo "$median / 1000" | bc -l)" "${#times[@]}"
}

# load_median N LABEL COMMAND...: runs N times (default LOADS=5), each into a new repository
# ($BISECTR_REPO is removed first), and prints the run with the median wall time, its wall timed
# with $EPOCHREALTIME (microseconds; /usr/bin/time's 10 ms steps are 4% of a 0.25 s import), and
# every run's wall; leaves the median's wall and CPU in $wall $cpu.
load_median() {
  local label=$1 i start end log walls=() cpus=() rss=()
  shift
  log=$(mktemp)
  for ((i = 0; i < ${LOADS:-5}; i++)); do
    rm -rf "$BISECTR_REPO"
    start=${EPOCHREALTIME/./}
    /usr/bin/time -f "%U %S %M" -o "$log" "$@" >/dev/null 2>&1 || true
    end=${EPOCHREALTIME/./}
    read -r user sys rss_kib < <(tail -n 1 "$log")
    walls+=("$(echo "($end - $start) / 1000000" | bc -l)")
    cpus+=("$(echo "$user + $sys" | bc -l)")
    rss+=("$rss_kib")
  done
  rm -f "$log"
  local median
  median=$(for i in "${!walls[@]}"; do echo "${walls[$i]} $i"; done | sort -n | sed -n "$(((${#walls[@]} + 1) / 2))p" | cut -d' ' -f2)
  wall=${walls[$median]}
  cpu=${cpus[$median]}
  printf "  %-22s wall %9.3f s  cpu %9.3f s  peak RSS %8.1f MiB  (median of %d; walls:%s)\n" "$label" "$wall" "$cpu" \
    "$(echo "${rss[$median]} / 1024" | bc -l)" "${#walls[@]}" "$(printf ' %.3f' "${walls[@]}")"
}

ratio() { printf "  %-22s %8.1fx wall  %8.1fx cpu\n" "$1" "$(echo "$2 / ($4 + 0.0005)" | bc -l)" "$(echo "$3 / ($5 + 0.0005)" | bc -l)"; }

for n in "${sizes[@]}"; do
  stream="$data/load-$n.subunit"
  [[ -s $stream ]] || $python bench/gen_stream.py "$n" "$stream"
  echo "== $n tests ($(du -h "$stream" | cut -f1) subunit v2)"
  export BISECTR_REPO=$work/repo-$n
  load_median "bisectr load" "$bin" load "$stream"
  b_load=($wall $cpu)
  declare -A b_read=()
  for command in last "failing --list" slowest; do
    # shellcheck disable=SC2086
    measure "bisectr $command" "$bin" $command
    b_read[$command]="$wall $cpu"
  done
  # Each read command, stestr's counterparts and the others, as the median of several runs
# (issue 2: each under 100 ms).
  for command in last "failing --list" slowest "last --json" "failing --json" "show 1 --json" flaky "flaky --json" runs; do
    # shellcheck disable=SC2086
    reads "bisectr $command" "$bin" $command
  done
  [[ ${PEERS:-1} == 1 ]] || continue
  mkdir -p "$work/stestr-$n" && cd "$work/stestr-$n"
  printf '[DEFAULT]\ntest_path=.\n' >.stestr.conf
  stestr init >/dev/null
  measure "stestr load" sh -c "stestr load < '$OLDPWD/$stream'"
  s_load=($wall $cpu)
  declare -A s_read=()
  for command in last "failing --list" slowest; do
    # shellcheck disable=SC2086
    measure "stestr $command" stestr $command
    s_read[$command]="$wall $cpu"
  done
  cd "$OLDPWD"
  echo "  ratios (stestr / bisectr):"
  ratio "load" "${s_load[0]}" "${s_load[1]}" "${b_load[0]}" "${b_load[1]}"
  for command in last "failing --list" slowest; do
    read -r sw sc <<<"${s_read[$command]}"
    read -r bw bc_ <<<"${b_read[$command]}"
    ratio "$command" "$sw" "$sc" "$bw" "$bc_"
  done
done
