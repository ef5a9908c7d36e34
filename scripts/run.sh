#!/usr/bin/env bash
# The main job: build, then lockstep runs: the random workload with waves and statistics, then the firmware
# kernel at work on 2 cores (fork-cow: copy-on-write; refs: Belady's string, demand paging and swapping;
# shared: a segment two processes share), and a real program's Valgrind trace made at run time.
# With arguments, runs "build/vmcosim ARGS..." instead of the default run.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$root/build}

bash "$root/scripts/build.sh"
if (($# > 0)); then
  exec "$build/vmcosim" "$@"
fi

out=$build/run
mkdir -p "$out"
"$build/vmcosim" run --engine lockstep --workload random --max-cycles 200000 --seed 1 \
  --waves "$out/vmcosim.fst" --waves-from 0 --waves-to 20000 --stats-json "$out/stats.json"
echo
echo "== the kernel: fork with copy-on-write, 2 cores, lockstep"
"$build/vmcosim" run --engine lockstep --workload fork-cow --set cores=2 --seed 1 --stats-json "$out/fork-cow.json"
echo
echo "== the kernel: Belady's string with 3 frames, FIFO (the textbook says 9 faults), 2 cores, lockstep"
"$build/vmcosim" run --engine lockstep --workload refs:1,2,3,4,1,2,5,1,2,3,4,5 --set cores=2 \
  --set vm.frames=3 --set vm.policy=fifo --seed 1 --stats-json "$out/refs.json"
echo
echo "== the kernel: a producer and a consumer process on a shared segment, 2 cores, lockstep"
"$build/vmcosim" run --engine lockstep --workload shared:1 --set cores=2 --seed 1 --stats-json "$out/shared.json"
echo
echo "== a real program: a Valgrind Lackey trace of build/oracle_prog made now, replayed in lockstep"
valgrind --tool=lackey --trace-mem=yes --log-file="$out/prog.lackey" "$build/oracle_prog" > /dev/null
"$build/vmcosim" run --engine lockstep --trace "$out/prog.lackey" --max-cycles 1000000000 --seed 1 \
  --stats-json "$out/trace.json"
echo
echo "view the waves (cycles 0..20000): scripts/waves.sh $out/vmcosim.fst"
echo "stats: $out/stats.json, $out/fork-cow.json, $out/refs.json, $out/shared.json, $out/trace.json"
