#!/usr/bin/env bash
# Simulation speed: cycles per second of the same workload and configuration on the RTL alone, the model
# alone and both in lockstep. The engines run interleaved (rtl, model, lockstep, rtl, ...) so that drift
# in the machine's speed hits all three alike; each figure is the median of RUNS runs, and the lockstep
# cost is the median of the per-round ratios. Usage: scripts/bench.sh [--json FILE]
# Wall-clock speed on a shared machine drifts by tens of percent between runs, so the script also counts
# machine instructions per simulated cycle with callgrind (deterministic: the same figure every time),
# as the difference between a run of 2N and one of N cycles (setup cancels out).
# Environment: RUNS (default 5), WORKLOAD (default random), CYCLES (default 5000000; the model runs 10x as
# many so that its time is measurable), IR_CYCLES (default 200000; 0 skips callgrind), extra vmcosim
# options in BENCH_ARGS (e.g. "--set mem.size=4M").
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
cycles=${CYCLES:-5000000}

bash "$root/scripts/build.sh" > /dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One run of one engine; prints its cycles/s (stats JSON: cycles / seconds of the cycle loop).
once() {
  local engine=$1 n=$2
  # shellcheck disable=SC2086
  "$build/vmcosim" run --engine "$engine" --workload "$workload" --max-cycles "$n" --seed 1 \
    --stats-json "$tmp/s.json" ${BENCH_ARGS:-} > /dev/null
  awk -F'[:,]' '/"cycles":/ && !c {c=$2} /"seconds":/ {s=$2} END {printf "%.0f\n", c / s}' "$tmp/s.json"
}

median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR + 1) / 2)]}'; }

: > "$tmp/rtl"; : > "$tmp/model"; : > "$tmp/lockstep"; : > "$tmp/ratio"
for ((i = 0; i < runs; i++)); do
  r=$(once rtl "$cycles")
  m=$(once model $((cycles * 10)))
  l=$(once lockstep "$cycles")
  echo "$r" >> "$tmp/rtl"; echo "$m" >> "$tmp/model"; echo "$l" >> "$tmp/lockstep"
  awk -v r="$r" -v l="$l" 'BEGIN {printf "%.4f\n", r / l}' >> "$tmp/ratio"
done
rtl=$(median < "$tmp/rtl")
model=$(median < "$tmp/model")
lockstep=$(median < "$tmp/lockstep")
ratio=$(median < "$tmp/ratio")

# Instructions per simulated cycle of one engine (callgrind, N and 2N cycles, small memory).
ir_per_cycle() {
  local engine=$1 n=$2 a b
  for c in "$n" $((2 * n)); do
    # shellcheck disable=SC2086
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$build/vmcosim" run --engine "$engine" \
      --workload "$workload" --max-cycles "$c" --seed 1 --set mem.size=1M ${BENCH_ARGS:-} > /dev/null 2> "$tmp/cg"
    grep -o 'Collected : [0-9]*' "$tmp/cg" | awk '{print $3}'
  done | { read -r a; read -r b; awk -v a="$a" -v b="$b" -v n="$n" 'BEGIN {printf "%.1f\n", (b - a) / n}'; }
}
ir_cycles=${IR_CYCLES:-200000}
ir_rtl=null ir_model=null ir_lockstep=null
if ((ir_cycles > 0)); then
  ir_rtl=$(ir_per_cycle rtl "$ir_cycles")
  ir_model=$(ir_per_cycle model "$ir_cycles")
  ir_lockstep=$(ir_per_cycle lockstep "$ir_cycles")
fi
awk -v r="$rtl" -v m="$model" -v l="$lockstep" -v q="$ratio" -v w="$workload" -v n="$runs" 'BEGIN {
  printf "workload %s, default configuration, median of %d interleaved runs\n", w, n
  printf "  rtl       %12.0f cycles/s\n", r
  printf "  model     %12.0f cycles/s   (%.1fx the RTL; goal >= 20x)\n", m, m / r
  printf "  lockstep  %12.0f cycles/s   (%.2fx the RTL-alone time; goal <= 1.3x)\n", l, q
}'
if [[ $ir_rtl != null ]]; then
  awk -v r="$ir_rtl" -v m="$ir_model" -v l="$ir_lockstep" 'BEGIN {
    printf "instructions per simulated cycle (callgrind, deterministic)\n"
    printf "  rtl       %10.1f\n  model     %10.1f   (the RTL costs %.1fx the model)\n", r, m, r / m
    printf "  lockstep  %10.1f   (%.2fx the RTL alone)\n", l, l / r
  }'
fi
if [[ -n $json ]]; then
  printf '{"workload": "%s", "runs": %d, "rtl_cycles_per_s": %s, "model_cycles_per_s": %s, "lockstep_cycles_per_s": %s, "lockstep_time_ratio": %s, "rtl_instructions_per_cycle": %s, "model_instructions_per_cycle": %s, "lockstep_instructions_per_cycle": %s}\n' \
    "$workload" "$runs" "$rtl" "$model" "$lockstep" "$ratio" "$ir_rtl" "$ir_model" "$ir_lockstep" > "$json"
  echo "json: $json"
fi
