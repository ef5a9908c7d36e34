#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# scripts/waves.sh end to end: FSTs written by `vmcosim run --waves` (vm_soc with 2 cores, and vm_top), each
# view rendered headless to PNG (xvfb + GTKWave + ghostscript). A render passes when the script exits 0,
# GTKWave shows every signal of the view (waves.sh counts them in the PostScript run), and the PNG is a
# 1650 x 1275 image with content (a blank page is 11 KB). The PNGs stay in WORKDIR as CI
# artifacts. Bad input: a missing FST and a view whose scopes the FST lacks exit 2.
# Usage: waves_png.sh ROOT VMCOSIM WORKDIR
set -uo pipefail
root=$1 vmcosim=$2 work=$3
mkdir -p "$work" && cd "$work" || exit 1
rm -f ./*.png ./*.fst
fail=0
check() {   # check DESCRIPTION COMMAND... : the command must succeed
  local what=$1
  shift
  if "$@" > out.txt 2> err.txt; then echo "ok: $what"; else echo "FAIL: $what"; cat out.txt err.txt; fail=1; fi
}

check "vm_soc FST (random, 2 cores)" "$vmcosim" run --workload random --set cores=2 --max-cycles 20000 \
  --waves soc.fst --waves-from 0 --waves-to 4000
check "vm_top FST (l1.size=0)" "$vmcosim" run --workload seq --set l1.size=0 --set mem.size=1M \
  --max-cycles 5000 --waves top.fst

# the signals of a view: the save file's lines that name a trace (not comments, flags, markers, settings)
view_signals() { grep -c '^[^-@*[^]' "$root/waves/$1.gtkw"; }

render() {   # render FST VIEW[:CORE] PNG WANT
  local fst=$1 view=$2 png=$3 want=$4
  if ! bash "$root/scripts/waves.sh" --png "$fst" "$view" "$png" 0 300 > out.txt 2> err.txt; then
    echo "FAIL: waves.sh --png $fst $view exited non-zero"; cat out.txt err.txt; fail=1; return
  fi
  if ! grep -qx "waves: $png ($want signals)" out.txt || [[ -s err.txt ]]; then
    echo "FAIL: $fst $view: expected all $want signals shown and no warning"; cat out.txt err.txt; fail=1; return
  fi
  # PNG signature, then the IHDR chunk's width and height (big-endian 32-bit at offsets 16 and 20)
  local sig w h size
  sig=$(od -An -tx1 -N8 "$png" | tr -d ' \n')
  w=$(od -An -tu1 -j16 -N4 "$png" | awk '{print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4}')
  h=$(od -An -tu1 -j20 -N4 "$png" | awk '{print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4}')
  size=$(stat -c %s "$png")
  if [[ $sig == 89504e470d0a1a0a && $w == 1650 && $h == 1275 && $size -gt 20000 ]]; then
    echo "ok: $fst $view: $png, $w x $h, $size bytes, $want signals"
  else
    echo "FAIL: $fst $view: $png signature $sig, $w x $h, $size bytes"; fail=1
  fi
}

render soc.fst mmu soc_mmu.png "$(view_signals mmu)"
render soc.fst mmu:1 soc_mmu_core1.png "$(view_signals mmu)"
render soc.fst cache soc_cache.png "$(view_signals cache)"
render soc.fst bus soc_bus.png "$(view_signals bus)"
render top.fst mmu top_mmu.png "$(view_signals mmu)"
# all: every signal the FST declares (fst2vcd's $var lines)
render top.fst all top_all.png "$(fst2vcd top.fst 2>/dev/null | sed '/enddefinitions/q' | grep -c '^\$var')"

expect_usage() {   # expect_usage MESSAGE ARGS...: waves.sh exits 2 and says MESSAGE
  local msg=$1
  shift
  bash "$root/scripts/waves.sh" "$@" > out.txt 2> err.txt
  local rc=$?
  if [[ $rc == 2 ]] && grep -qF "$msg" err.txt; then echo "ok: waves.sh $* -> 2: $msg"; else
    echo "FAIL: waves.sh $*: exit $rc, expected 2 and '$msg'"; cat err.txt; fail=1; fi
}
expect_usage "waves: no such file: nosuch.fst" --png nosuch.fst mmu x.png
expect_usage "is of vm_top, which has no" --png top.fst cache x.png
expect_usage "has no core 3" --png soc.fst mmu:3 x.png
expect_usage "waves: no view" --png soc.fst nosuchview x.png
exit "$fail"
