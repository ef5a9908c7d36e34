#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Full regression: build, RTL lint, synthesis check, then ctest (extra arguments go to ctest, e.g. -R tlb).
# Ends with one plain line "N passed, N failed" (ctest counts) for CI; exits non-zero if any step failed.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$root/build}
cd "$root"

bash scripts/build.sh   # nothing below means anything without a build
status=0
# Lint and synthesis failures are recorded but do not stop the tests: one CI run reports everything.
bash scripts/lint.sh || { echo "test: lint failed" >&2; status=1; }
bash scripts/synth.sh || { echo "test: synth failed" >&2; status=1; }

log=$build/ctest.log
ctest_rc=0
ctest --test-dir "$build" --output-on-failure -j2 "$@" 2>&1 | tee "$log" || ctest_rc=$?
((ctest_rc == 0)) || status=1

# ctest's summary: "97% tests passed, 1 tests failed out of 35"; absent when no test ran.
summary=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n1 || true)
if [[ $summary =~ ([0-9]+)\ tests?\ failed\ out\ of\ ([0-9]+) ]]; then
  failed=${BASH_REMATCH[1]}
  total=${BASH_REMATCH[2]}
else
  failed=0 total=0
  grep -q 'No tests were found' "$log" && echo "test: ctest found no tests" >&2
fi
skipped=$(grep -c ' (Skipped)$' "$log" || true)
echo "$((total - failed - skipped)) passed, $failed failed, $skipped skipped"
exit "$status"
