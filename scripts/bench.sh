#!/usr/bin/env bash
# Simulation speed: cycles per second of the same workload and configuration on the RTL alone, the model
# alone and both in lockstep, each the median of RUNS runs. Usage: scripts/bench.sh [--json FILE]
# Environment: RUNS (default 5), WORKLOAD (default random), CYCLES (default 2000000; the model runs 10x
# as many so that its time is measurable), extra vmcosim options in BENCH_ARGS (e.g. "--set mem.size=4M").
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$root/build}
json=""
while (($#)); do
  case $1 in
    --json) json=${2:?--json needs a file}; shift 2 ;;
    *) echo "usage: scripts/bench.sh [--json FILE]" >&2; exit 2 ;;
  esac
done
runs=${RUNS:-5}
workload=${WORKLOAD:-random}
cycles=${CYCLES:-2000000}

bash "$root/scripts/build.sh" > /dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Prints the median cycles/s of $runs runs of one engine (from the stats JSON: cycles / seconds).
measure() {
  local engine=$1 n=$2 i
  for ((i = 0; i < runs; i++)); do
    # shellcheck disable=SC2086
    "$build/vmcosim" run --engine "$engine" --workload "$workload" --max-cycles "$n" --seed 1 \
      --stats-json "$tmp/s.json" ${BENCH_ARGS:-} > /dev/null
    awk -F'[:,]' '/"cycles":/ && !c {c=$2} /"seconds":/ {s=$2} END {printf "%.0f\n", c / s}' "$tmp/s.json"
  done | sort -n | awk '{v[NR]=$1} END {print v[int((NR + 1) / 2)]}'
}

rtl=$(measure rtl "$cycles")
model=$(measure model $((cycles * 10)))
lockstep=$(measure lockstep "$cycles")
awk -v r="$rtl" -v m="$model" -v l="$lockstep" -v w="$workload" -v n="$runs" 'BEGIN {
  printf "workload %s, default configuration, median of %d runs\n", w, n
  printf "  rtl       %12.0f cycles/s\n", r
  printf "  model     %12.0f cycles/s   (%.1fx the RTL; goal >= 20x)\n", m, m / r
  printf "  lockstep  %12.0f cycles/s   (%.2fx the RTL-alone time; goal <= 1.3x)\n", l, r / l
}'
if [[ -n $json ]]; then
  printf '{"workload": "%s", "runs": %d, "rtl_cycles_per_s": %s, "model_cycles_per_s": %s, "lockstep_cycles_per_s": %s}\n' \
    "$workload" "$runs" "$rtl" "$model" "$lockstep" > "$json"
  echo "json: $json"
fi
