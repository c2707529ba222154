#!/usr/bin/env bash
# Times the history-review commands on a generated repository of RUNS runs x TESTS tests
# (default 1,000 x 5,000 = 5,000,000 results), and stestr's last/failing/slowest/history list on a
# smaller side-by-side repository (STESTR_RUNS runs of the same streams; `stestr load` of 5M
# results would take hours).
# Usage: bench/bench_history.sh   (env: BISECTR_BUILD=build, BENCH_DIR, RUNS, TESTS, STESTR_RUNS, REPEAT,
#                                  PEERS=0 to skip the stestr side by side)
set -euo pipefail
cd "$(dirname "$0")/.."
source_dir=$PWD
build=${BISECTR_BUILD:-build}
bin=$(realpath "$build/bisectr")
runs=${RUNS:-1000}
tests=${TESTS:-5000}
stestr_runs=${STESTR_RUNS:-20}
repeat=${REPEAT:-5}
work=${BENCH_DIR:-/tmp/bisectr-bench-history}/${runs}x${tests}
streams=$work/streams
mkdir -p "$work"

now_ms() { date +%s%3N; }

if [[ ! -f $streams/.done ]]; then
  echo "generating $runs runs x $tests tests in $streams ..." >&2
  t0=$(now_ms)
  rm -rf "$streams"
  /usr/bin/python3 "$source_dir/bench/gen_history.py" --runs "$runs" --tests "$tests" --jobs "$(nproc)" "$streams"
  touch "$streams/.done"
  echo "generated in $(( $(now_ms) - t0 )) ms ($(du -sh "$streams" | cut -f1))" >&2
fi

repo=$work/repo
if [[ ! -f $repo/.done ]]; then
  rm -rf "$repo"
  t0=$(now_ms)
  "$bin" --repo "$repo" load --each "$streams"/run*.subunit > /dev/null
  touch "$repo/.done"
  echo "bisectr load --each: $runs files, $((runs * tests)) results in $(( $(now_ms) - t0 )) ms" >&2
fi

# best and median of $repeat wall-clock runs, in ms; the command's output is discarded.
declare -A best median
time_it() {
  local name=$1
  shift
  local samples=()
  for _ in $(seq "$repeat"); do
    local t0
    t0=$(now_ms)
    "$@" > /dev/null 2>&1 || true
    samples+=($(( $(now_ms) - t0 )))
  done
  local sorted
  sorted=$(printf '%s\n' "${samples[@]}" | sort -n)
  best[$name]=$(head -1 <<< "$sorted")
  median[$name]=$(sed -n "$(( (repeat + 1) / 2 ))p" <<< "$sorted")
}

flaky_test=$("$bin" --repo "$repo" flaky --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["flaky"][0]["id"])')
b=("$bin" --repo "$repo")
time_it flaky "${b[@]}" flaky --json
time_it history "${b[@]}" history "$flaky_test" --json
time_it failing "${b[@]}" failing --json
time_it slowest "${b[@]}" slowest --json
time_it compare "${b[@]}" compare -2 last --json
time_it stats "${b[@]}" stats --json
time_it last "${b[@]}" last --json
time_it report-flaky "${b[@]}" report --flaky -o "$work/flaky.html"
time_it report-run "${b[@]}" report last -o "$work/run.html"

echo
echo "bisectr on $runs runs x $tests tests ($((runs * tests)) results, $(du -sh "$repo" | cut -f1) on disk); ms, best / median of $repeat"
printf '  %-14s %8s %8s   %s\n' command best median goal
for name in flaky history failing slowest compare stats last report-flaky report-run; do
  goal="< 200"
  [[ $name == report-flaky ]] && goal="< 2000"
  [[ $name == stats || $name == last || $name == report-run ]] && goal="-"
  printf '  %-14s %8s %8s   %s\n' "$name" "${best[$name]}" "${median[$name]}" "$goal"
done

if [[ ${PEERS:-1} == 0 ]]; then
  exit 0
fi
if ! command -v stestr > /dev/null; then
  echo "stestr not installed (scripts/setup --peers): no side-by-side" >&2
  exit 0
fi

# Side by side on the first $stestr_runs streams: the same runs in both tools.
side=$work/side-$stestr_runs
side_streams=$(ls "$streams"/run*.subunit | head -"$stestr_runs")
if [[ ! -f $side/.stestr-done ]]; then
  rm -rf "$side"
  mkdir -p "$side"
  (cd "$side" && stestr init > /dev/null)
  t0=$(now_ms)
  for f in $side_streams; do
    (cd "$side" && stestr load < "$f" > /dev/null 2>&1 || true)
  done
  echo $(( $(now_ms) - t0 )) > "$side/.stestr-done"
fi
if [[ ! -f $side/.bisectr-done ]]; then
  rm -rf "$side/bisectr"
  t0=$(now_ms)
  "$bin" --repo "$side/bisectr" load --each $side_streams > /dev/null
  echo $(( $(now_ms) - t0 )) > "$side/.bisectr-done"
fi
stestr_load=$(cat "$side/.stestr-done")
bisectr_load=$(cat "$side/.bisectr-done")
sb=("$bin" --repo "$side/bisectr")
in_side() { (cd "$side" && "$@"); }
time_it s-last in_side stestr last
time_it b-last "${sb[@]}" last
time_it s-failing in_side stestr failing
time_it b-failing "${sb[@]}" failing
time_it s-slowest in_side stestr slowest
time_it b-slowest "${sb[@]}" slowest
time_it s-history in_side stestr history list
time_it b-history "${sb[@]}" runs

echo
echo "side by side on $stestr_runs runs x $tests tests ($((stestr_runs * tests)) results); ms, median of $repeat"
printf '  %-22s %10s %10s %8s\n' command stestr bisectr ratio
ratio() { /usr/bin/python3 -c "print(f'{$1 / max($2, 1):.0f}x')"; }
printf '  %-22s %10s %10s %8s\n' "load (all runs)" "$stestr_load" "$bisectr_load" "$(ratio "$stestr_load" "$bisectr_load")"
for pair in last:last failing:failing slowest:slowest "history:history list / runs"; do
  name=${pair%%:*}
  label=${pair#*:}
  printf '  %-22s %10s %10s %8s\n' "$label" "${median[s-$name]}" "${median[b-$name]}" \
    "$(ratio "${median[s-$name]}" "${median[b-$name]}")"
done
