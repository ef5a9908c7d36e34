# SPDX-License-Identifier: MIT
# RTL sources in elaboration order (after the generated vm_contract_pkg.sv). Read by CMakeLists.txt,
# scripts/lint.sh and scripts/synth.sh.
rtl/mmu/vm_mmu_pkg.sv
rtl/common/vm_repl.sv
rtl/mmu/vm_tlb.sv
rtl/mmu/vm_ptw.sv
rtl/mmu/vm_mmu.sv
rtl/cache/vm_l1.sv
rtl/bus/vm_bus.sv
rtl/mem/vm_mem_flat.sv
rtl/mem/vm_memctl.sv
rtl/mem/vm_dma.sv
rtl/top/vm_top.sv
rtl/top/vm_core.sv
rtl/top/vm_soc.sv
