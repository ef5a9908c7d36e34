#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# yosys synth_ice40 of both tops, in parallel: vm_top (the MMU, default TLB, on a 256-word flat memory) and
# vm_soc (two cores of MMU and L1, DMA engine, bus, memory controller) at a tiny size.
# Fails on yosys errors and on warnings that mean yosys misread our SystemVerilog or built bad hardware.
# Usage: scripts/synth.sh [--pnr]   (--pnr also places and routes each netlist with nextpnr-ice40)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$root/build}
out=$build/synth
pnr=0
case ${1:-} in --pnr) pnr=1 ;; "") ;; *) echo "usage: scripts/synth.sh [--pnr]" >&2; exit 2 ;; esac
cd "$root"
mkdir -p "$out"

# Same sources as the simulation: the generated contract package first, then rtl/files.f in order.
pkg=$build/gen/vm_contract_pkg.sv
if [[ ! -f $pkg ]]; then
  pkg=$out/vm_contract_pkg.sv
  cmake -DDEF=include/vmcosim/contract.def -DOUT="$pkg" -P cmake/gen_contract.cmake
fi
mapfile -t files < <(grep -v -e '^#' -e '^[[:space:]]*$' rtl/files.f)

# Warnings that must not appear (the console is silenced with -qq; the log keeps everything).
# "Replacing memory ... with list of registers" is fine: small arrays become flip-flops.
# "Latch inferred" is case-sensitive on purpose: proc_dlatch also prints "No latch inferred ...".
bad='is implicitly declared|out of bounds|Wire .* is used but has no driver|multiple conflicting drivers|Latch inferred'

# synth NAME [yosys commands run before synth_ice40]
synth() {
  local name=$1 pre=${2:-}
  yosys -qq -l "$out/$name.log" -p "
    read_verilog -DSYNTHESIS -sv $pkg ${files[*]}
    $pre
    synth_ice40 -top $name -json $out/$name.json
    tee -q -o $out/${name}_stat.txt stat" >/dev/null
}

# Both tops cover every module: vm_top (MMU with the default 16-entry TLB, flat memory of 256 words) and
# vm_soc with two cores (the generate loop over cores, a three-master bus) at the smallest size that keeps
# every dimension above one: 2-entry TLBs, 64-byte 2-way L1s of 16-byte lines, 1 KiB of memory, 128-byte
# DMA pages.
synth vm_top "chparam -set MemWords 256 vm_top" & mmu_pid=$!
synth vm_soc "chparam -set Cores 2 -set TlbEntries 2 -set TlbWays 2 -set L1Sets 2 -set L1Ways 2 -set LineWords 2 -set MemLines 64 -set PageBytes 128 vm_soc" & mem_pid=$!
status=0
for d in vm_top:$mmu_pid vm_soc:$mem_pid; do
  name=${d%%:*}
  if ! wait "${d##*:}"; then
    echo "synth: $name: yosys failed, see $out/$name.log" >&2
    grep -m5 'ERROR' "$out/$name.log" >&2 || true
    status=1
    continue
  fi
  if grep -E "$bad" "$out/$name.log" >&2; then
    echo "synth: $name: forbidden warnings above, see $out/$name.log" >&2
    status=1
  fi
  awk -v n="$name" '
    /Number of cells:/ { cells = $NF }
    $1 == "SB_LUT4"    { luts = $2 }
    $1 ~ /^SB_DFF/     { ffs += $2 }
    END { printf "synth: %-12s cells %d, SB_LUT4 %d, flip-flops %d\n", n, cells, luts, ffs }' "$out/${name}_stat.txt"
done
((status == 0)) || exit "$status"

# Place and route needs a top whose ports fit the package's pins (ct256: ~200 I/Os); vm_mmu and vm_mem_flat
# have several hundred, so this succeeds only for a narrow FPGA wrapper. Each design reports on its own.
if ((pnr)); then
  for name in vm_mmu vm_mem_flat; do
    if nextpnr-ice40 --hx8k --package ct256 --pcf-allow-unconstrained --json "$out/$name.json" \
         --asc "$out/$name.asc" --log "$out/${name}_pnr.log" -q 2>/dev/null; then
      grep -m1 'Max frequency' "$out/${name}_pnr.log" | sed "s/^/synth: $name pnr: /" || true
    else
      echo "synth: $name pnr failed: $(grep -m1 ERROR "$out/${name}_pnr.log")" >&2
      status=1
    fi
  done
fi
exit "$status"
