#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Invalid RTL parameters stop elaboration with a clear message (Verilator); valid ones elaborate.
# Usage: rtl_params.sh ROOT PKG   (PKG: the generated vm_contract_pkg.sv)
set -uo pipefail
root=$1 pkg=$2
mapfile -t files < <(grep -v -e '^#' -e '^[[:space:]]*$' "$root/rtl/files.f")
files=("${files[@]/#/$root/}")
fail=0

expect() {  # expect ok|error MESSAGE PARAMS...
  local want=$1 msg=$2
  shift 2
  local out rc
  out=$(verilator --lint-only --top-module vm_top "$@" "$pkg" "${files[@]}" 2>&1)
  rc=$?
  if [[ $want == ok && $rc -ne 0 ]]; then
    echo "FAIL: $* should elaborate:"; echo "$out"; fail=1
  elif [[ $want == error && ( $rc -eq 0 || $out != *"$msg"* ) ]]; then
    echo "FAIL: $* should stop with '$msg' (rc=$rc):"; echo "$out"; fail=1
  else
    echo "ok: $want $*"
  fi
}

expect ok "" -GTlbEntries=64 -GTlbWays=64
expect ok "" -GTlbEntries=1 -GTlbWays=1
expect error "Entries must be a power of two in 1..64" -GTlbEntries=12 -GTlbWays=4
expect error "Entries must be a power of two in 1..64" -GTlbEntries=128 -GTlbWays=4
expect error "Ways must be a power of two that divides Entries" -GTlbEntries=16 -GTlbWays=32
expect error "Ways must be a power of two that divides Entries" -GTlbEntries=16 -GTlbWays=3
expect error "MemWords must be a power of two" -GMemWords=1000
exit $fail
