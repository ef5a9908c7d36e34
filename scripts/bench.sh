#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Simulation speed: cycles per second of the same workload and configuration on the RTL alone, the model
# alone and both in lockstep. The engines run interleaved (rtl, model, lockstep, rtl, ...) so that drift
# in the machine's speed hits all three alike; each figure is the median of RUNS runs, and the lockstep
# cost is the median of the per-round ratios. Usage: scripts/bench.sh [--json FILE]
# Wall-clock speed on a shared machine drifts by tens of percent between runs, so the script also counts
# machine instructions per simulated cycle with callgrind (deterministic: the same figure every time),
# as the difference between a run of 2N and one of N cycles (setup cancels out).
# Then the same for 1, 2 and 4 cores (every core runs its own stream of the workload): median cycles/s of
# CORE_RUNS interleaved runs of CORE_CYCLES cycles, and callgrind instructions per cycle.
# Last, trace replay: a Valgrind Lackey trace of build/oracle_prog, captured here, replayed on the model
# engine TRACE_RUNS times; the median of its data accesses per second (the trace's L/S/M lines over the
# replay loop's seconds), and callgrind instructions per access and per cycle (a whole replay less one of a
# single cycle: the trace's first pass and the image cancel out).
# Environment: RUNS (default 5), WORKLOAD (default random), CYCLES (default 5000000; the model runs 10x as
# many so that its time is measurable), IR_CYCLES (default 200000; 0 skips callgrind), CORE_RUNS (default
# 3; 0 skips the core sweep), CORE_CYCLES (default 2000000), TRACE_RUNS (default RUNS; 0 skips trace
# replay), extra vmcosim options in BENCH_ARGS (e.g. "--set mem.size=4M"; not given to trace replay, which
# runs the default configuration).
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
  local engine=$1 n=$2 extra=${3:-}
  # shellcheck disable=SC2086
  "$build/vmcosim" run --engine "$engine" --workload "$workload" --max-cycles "$n" --seed 1 \
    --stats-json "$tmp/s.json" ${BENCH_ARGS:-} $extra > /dev/null
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
  local engine=$1 n=$2 extra=${3:-} a b
  for c in "$n" $((2 * n)); do
    # shellcheck disable=SC2086
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$build/vmcosim" run --engine "$engine" \
      --workload "$workload" --max-cycles "$c" --seed 1 --set mem.size=1M ${BENCH_ARGS:-} $extra \
      > /dev/null 2> "$tmp/cg"
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

# The core sweep: the same workload on 1, 2 and 4 cores (default L1 on every core).
core_runs=${CORE_RUNS:-3}
core_cycles=${CORE_CYCLES:-2000000}
cores_json=""
if ((core_runs > 0)); then
  echo "cores (workload $workload, median of $core_runs interleaved runs of $core_cycles cycles)"
  printf '  %-6s %14s %14s %14s %8s %8s %12s %12s %12s\n' cores rtl model lockstep model/rtl ls/rtl \
    "rtl Ir/cyc" "model Ir/cyc" "ls Ir/cyc"
  for n in 1 2 4; do
    : > "$tmp/rtl"; : > "$tmp/model"; : > "$tmp/lockstep"; : > "$tmp/ratio"
    for ((i = 0; i < core_runs; i++)); do
      r=$(once rtl "$core_cycles" "--set cores=$n")
      m=$(once model $((core_cycles * 10)) "--set cores=$n")
      l=$(once lockstep "$core_cycles" "--set cores=$n")
      echo "$r" >> "$tmp/rtl"; echo "$m" >> "$tmp/model"; echo "$l" >> "$tmp/lockstep"
      awk -v r="$r" -v l="$l" 'BEGIN {printf "%.4f\n", r / l}' >> "$tmp/ratio"
    done
    cr=$(median < "$tmp/rtl"); cm=$(median < "$tmp/model"); cl=$(median < "$tmp/lockstep")
    cq=$(median < "$tmp/ratio")
    ir_r=null ir_m=null ir_l=null
    if ((ir_cycles > 0)); then
      ir_r=$(ir_per_cycle rtl "$ir_cycles" "--set cores=$n")
      ir_m=$(ir_per_cycle model "$ir_cycles" "--set cores=$n")
      ir_l=$(ir_per_cycle lockstep "$ir_cycles" "--set cores=$n")
    fi
    awk -v n="$n" -v r="$cr" -v m="$cm" -v l="$cl" -v q="$cq" -v a="$ir_r" -v b="$ir_m" -v c="$ir_l" 'BEGIN {
      printf "  %-6s %14.0f %14.0f %14.0f %7.1fx %7.2fx %12s %12s %12s\n", n, r, m, l, m / r, q, a, b, c }'
    cores_json+="${cores_json:+, }\"$n\": {\"rtl_cycles_per_s\": $cr, \"model_cycles_per_s\": $cm, \"lockstep_cycles_per_s\": $cl, \"lockstep_time_ratio\": $cq, \"rtl_instructions_per_cycle\": $ir_r, \"model_instructions_per_cycle\": $ir_m, \"lockstep_instructions_per_cycle\": $ir_l}"
  done
fi

# Trace replay: a real program's Lackey trace on the model engine (goal: >= 5 M accesses/s).
trace_runs=${TRACE_RUNS:-$runs}
trace_json=""
if ((trace_runs > 0)); then
  trace=$tmp/oracle_prog.lackey
  valgrind --tool=lackey --trace-mem=yes --log-file="$trace" "$build/oracle_prog" > /dev/null
  accesses=$(grep -c '^ [LSM] ' "$trace")
  replay() {
    "$build/vmcosim" run --engine model --trace "$trace" --max-cycles 1000000000 --stats-json "$tmp/t.json" \
      "$@" > /dev/null
  }
  : > "$tmp/trace"
  for ((i = 0; i < trace_runs; i++)); do
    replay
    awk -v a="$accesses" -F'[:,]' '/"seconds":/ {printf "%.0f\n", a / $2}' "$tmp/t.json" >> "$tmp/trace"
  done
  trace_rate=$(median < "$tmp/trace")
  trace_cycles=$(awk -F'[:,]' '/"cycles":/ {print $2 + 0; exit}' "$tmp/t.json")
  trace_requests=$(awk -F'[:,]' '/"requests":/ {print $2 + 0; exit}' "$tmp/t.json")
  ir_access=null ir_trace_cycle=null
  if ((ir_cycles > 0)); then
    for c in 1000000000 1; do
      valgrind --tool=callgrind --callgrind-out-file=/dev/null "$build/vmcosim" run --engine model \
        --trace "$trace" --max-cycles "$c" > /dev/null 2> "$tmp/cg"
      grep -o 'Collected : [0-9]*' "$tmp/cg" | awk '{print $3}'
    done > "$tmp/trace_ir"
    read -r ir_access ir_trace_cycle < <(awk -v a="$accesses" -v c="$trace_cycles" \
      'NR == 1 {w = $1} NR == 2 {printf "%.1f %.1f\n", (w - $1) / a, (w - $1) / c}' "$tmp/trace_ir")
  fi
  echo "trace replay (oracle_prog Lackey trace: $accesses accesses, $trace_requests requests, $trace_cycles cycles; model engine, default configuration)"
  awk -v r="$trace_rate" -v n="$trace_runs" 'BEGIN {
    printf "  %10.2f M accesses/s   (median of %d runs; goal >= 5 M accesses/s)\n", r / 1e6, n }'
  if [[ $ir_access != null ]]; then
    echo "  $ir_access instructions per access, $ir_trace_cycle per cycle (callgrind, deterministic)"
  fi
  trace_json=", \"trace_runs\": $trace_runs, \"trace_accesses\": $accesses, \"trace_requests\": $trace_requests, \"trace_cycles\": $trace_cycles, \"trace_accesses_per_s\": $trace_rate, \"trace_instructions_per_access\": $ir_access, \"trace_instructions_per_cycle\": $ir_trace_cycle"
fi

if [[ -n $json ]]; then
  printf '{"workload": "%s", "runs": %d, "rtl_cycles_per_s": %s, "model_cycles_per_s": %s, "lockstep_cycles_per_s": %s, "lockstep_time_ratio": %s, "rtl_instructions_per_cycle": %s, "model_instructions_per_cycle": %s, "lockstep_instructions_per_cycle": %s, "cores": {%s}%s}\n' \
    "$workload" "$runs" "$rtl" "$model" "$lockstep" "$ratio" "$ir_rtl" "$ir_model" "$ir_lockstep" "$cores_json" "$trace_json" > "$json"
  echo "json: $json"
fi
