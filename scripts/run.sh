#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The main job: set up and build, then a 2-core lockstep session (RTL and C model compared every cycle):
#   1. real programs: Valgrind Lackey traces of three programs captured now (build/oracle_prog, sort, ls),
#      replayed as three processes on two cores (two of them time-sliced on core 0), with waves;
#   2. the same programs under the firmware kernel (trace.paging=demand) with 40 resident pages each;
#   3. the kernel's own workloads: fork with copy-on-write (fork-cow), a producer and a consumer on a
#      shared segment (shared:1), and Belady's string under FIFO with 3 frames.
# Each run prints its summary; the end lists where the statistics (JSON), the waves (FST) and a PNG of them
# went. With arguments, runs "build/vmcosim ARGS..." instead.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$root/build}

bash "$root/scripts/build.sh"   # runs scripts/setup.sh first
if (($# > 0)); then
  exec "$build/vmcosim" "$@"
fi

out=$build/run
mkdir -p "$out"
vmcosim() { "$build/vmcosim" run --engine lockstep --set cores=2 --seed 1 "$@"; }
section() { printf '\n== %s\n' "$*"; }

section "capturing real programs' memory traces with Valgrind Lackey (data accesses only)"
seq 1 200 | awk '{print ($1 * 7919) % 3001}' > "$out/numbers.txt"
capture() {   # capture NAME COMMAND...
  local name=$1
  shift
  valgrind --tool=lackey --trace-mem=yes --log-file="$out/$name.lackey" "$@" > /dev/null 2>&1
  printf '  %-12s %9d data accesses  %s\n' "$name" "$(grep -c '^ [LSM]' "$out/$name.lackey")" "$*"
}
capture oracle_prog "$build/oracle_prog"
capture sort sort -n "$out/numbers.txt"
capture ls ls -l /usr

section "three real programs as processes on two cores: oracle_prog and ls share core 0 (time-sliced), sort has core 1"
vmcosim --trace "$out/oracle_prog.lackey" --trace "$out/sort.lackey" --trace "$out/ls.lackey" \
  --waves "$out/traces.fst" --waves-from 0 --waves-to 20000 \
  --stats-json "$out/traces.json"

section "the same three programs under the kernel: demand paging, 40 resident pages each (clock), swapping"
vmcosim --trace "$out/oracle_prog.lackey" --trace "$out/sort.lackey" --trace "$out/ls.lackey" \
  --set trace.paging=demand --set vm.frames=40 --set vm.policy=clock \
  --stats-json "$out/traces-demand.json"

section "the kernel: fork with copy-on-write (a parent, two children, a grandchild)"
vmcosim --workload fork-cow --stats-json "$out/fork-cow.json"

section "the kernel: a producer and a consumer process on a shared segment, one per core (cache-to-cache traffic)"
vmcosim --workload shared:1 --stats-json "$out/shared.json"

section "the kernel: Belady's string with 3 frames under FIFO (the textbook says 9 page faults)"
vmcosim --workload refs:1,2,3,4,1,2,5,1,2,3,4,5 --set vm.frames=3 --set vm.policy=fifo \
  --stats-json "$out/refs.json"

section "outputs"
bash "$root/scripts/waves.sh" --png "$out/traces.fst" mmu "$out/traces_mmu.png" 0 400 > /dev/null
cat <<EOF
  statistics (JSON):  $out/{traces,traces-demand,fork-cow,shared,refs}.json
  waves (FST, cycles 0..20000): $out/traces.fst
      open them:                scripts/waves.sh $out/traces.fst [mmu|cache|bus|all][:CORE]
      a PNG of the MMU view:    $out/traces_mmu.png
  traces (Lackey):              $out/{oracle_prog,sort,ls}.lackey
every run above was checked cycle by cycle against the C model: "lockstep ... 0 mismatches" in each summary.
EOF
