#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# External oracle: with 1 core and LRU, the L1 demand misses of a Lackey trace of a real program
# equal the D1 misses Cachegrind reports for the same program and D1 geometry (size/ways <= 4096), and the
# demand accesses equal its D refs. Trace and Cachegrind run in the same directory with the same
# environment (stack addresses depend on both). vmcosim runs with no --max-cycles, as a user would: a trace
# is finite input and must replay whole ("end": "complete", every access replayed).
# Usage: cachegrind_oracle.sh VMCOSIM PROGRAM WORKDIR
set -uo pipefail
vmcosim=$1 prog=$2 work=$3
mkdir -p "$work" && cd "$work" || exit 1
run_clean() { env -i PATH=/usr/bin:/bin "$@"; }

run_clean valgrind --tool=lackey --trace-mem=yes --log-file=trace.lackey "$prog" > /dev/null || exit 1
fail=0
for geometry in 4096,2,64 8192,4,64 1024,1,32; do
  IFS=, read -r size ways line <<< "$geometry"
  run_clean valgrind --tool=cachegrind --cache-sim=yes --D1="$geometry" --I1=32768,8,64 --LL=8388608,16,64 \
    --cachegrind-out-file=/dev/null "$prog" > /dev/null 2> cg.txt || exit 1
  cg_refs=$(awk '/D   refs:/ {gsub(",", "", $4); print $4}' cg.txt)
  cg_miss=$(awk '/D1  misses:/ {gsub(",", "", $4); print $4}' cg.txt)
  for engine in model lockstep; do
    "$vmcosim" run --engine "$engine" --trace trace.lackey \
      --set l1.size="$size" --set l1.ways="$ways" --set l1.line="$line" --set l1.repl=lru \
      --stats-json "s_$engine.json" > /dev/null || { echo "FAIL: vmcosim $engine $geometry"; fail=1; continue; }
    refs=$(grep -o '"demand_accesses": [0-9]*' "s_$engine.json" | awk '{print $2}')
    miss=$(grep -o '"demand_misses": [0-9]*' "s_$engine.json" | awk '{print $2}')
    end=$(grep -o '"end": "[a-z]*"' "s_$engine.json")
    replayed=$(grep -o '"accesses_replayed": [0-9]*' "s_$engine.json" | awk '{print $2}')
    total=$(grep -o '"accesses_total": [0-9]*' "s_$engine.json" | awk '{print $2}')
    if [[ $end != '"end": "complete"' || -z $total || $replayed != "$total" ]]; then
      echo "FAIL: D1=$geometry $engine: the run did not replay the whole trace ($end, $replayed of $total)"
      fail=1
    elif [[ -n $cg_miss && $miss == "$cg_miss" && $refs == "$cg_refs" ]]; then
      echo "ok: D1=$geometry $engine: $miss misses / $refs accesses = Cachegrind $cg_miss / $cg_refs"
    else
      echo "FAIL: D1=$geometry $engine: vmcosim $miss misses / $refs accesses, Cachegrind $cg_miss / $cg_refs"
      fail=1
    fi
  done
done
exit $fail
