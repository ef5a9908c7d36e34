#!/usr/bin/env bash
# The main job: build, then one lockstep run of the random workload with waves and statistics.
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
echo "view the waves (cycles 0..20000): scripts/waves.sh $out/vmcosim.fst"
echo "stats: $out/stats.json"
