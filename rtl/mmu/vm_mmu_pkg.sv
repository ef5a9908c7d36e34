// SPDX-License-Identifier: MIT
// Types and pure functions shared by the MMU blocks (TLB, page-table walker, request FSM).
// The C twin of every function here lives in model/mmu/vm_mmu_rules.h.
package vm_mmu_pkg;

  localparam int unsigned VpnBits  = 27;  // Sv39 VPN; Sv32 uses the low 20
  localparam int unsigned PpnBits  = 44;  // Sv39 PPN; Sv32 uses the low 22
  localparam int unsigned AsidBits = 16;

  // One cached translation. perm holds PTE bits D A G U X W R V; G includes a G inherited from a
  // non-leaf PTE of the walk.
  typedef struct packed {
    logic [VpnBits-1:0]  vpn;
    logic [1:0]          level;
    logic [AsidBits-1:0] asid;
    logic [PpnBits-1:0]  ppn;
    logic [7:0]          perm;
  } tlb_entry_t;
  // $bits(tlb_entry_t), for flat ports that carry several entries (yosys 0.23 reads no $bits(pkg::type));
  // vm_core checks it against the struct. Unused under vm_top.
  /* verilator lint_off UNUSEDPARAM */
  localparam int unsigned TlbEntryW = VpnBits + 2 + AsidBits + PpnBits + 8;
  /* verilator lint_on UNUSEDPARAM */

  // VPN bits an entry at `level` compares (the bits above the superpage offset).
  function automatic logic [VpnBits-1:0] vpn_match_mask(input logic [1:0] level, input logic sv32);
    logic [VpnBits-1:0] all;
    all = sv32 ? 27'h00F_FFFF : 27'h7FF_FFFF;
    unique case (level)
      2'd0:    vpn_match_mask = all;
      2'd1:    vpn_match_mask = sv32 ? (all & ~27'h3FF) : (all & ~27'h1FF);
      2'd2:    vpn_match_mask = sv32 ? 27'h0 : (all & ~27'h3_FFFF);
      default: vpn_match_mask = 27'h0;
    endcase
  endfunction

  /* verilator lint_off UNUSEDSIGNAL */
  // VPN index of page-table level `level` (Sv39: 9 bits, Sv32: 10 bits).
  function automatic logic [9:0] vpn_field(input logic [VpnBits-1:0] vpn, input logic [1:0] level,
                                           input logic sv32);
    logic [VpnBits-1:0] shifted;
    if (sv32) begin
      shifted = vpn >> (10 * level);
      vpn_field = shifted[9:0];
    end else begin
      shifted = vpn >> (9 * level);
      vpn_field = {1'b0, shifted[8:0]};
    end
  endfunction
  /* verilator lint_on UNUSEDSIGNAL */

  // Leaf permission check (privileged spec step 5): U/SUM/MXR, then R/W/X for the access type.
  function automatic logic leaf_perm_ok(input logic [7:0] perm, input logic [1:0] op,
                                        input logic priv_s, input logic sum, input logic mxr);
    logic u_ok;
    logic rwx_ok;
    if (!priv_s) u_ok = perm[vm_contract_pkg::PTE_U];
    else u_ok = !perm[vm_contract_pkg::PTE_U] || (sum && op != 2'(vm_contract_pkg::OP_FETCH));
    unique case (op)
      2'(vm_contract_pkg::OP_LOAD):
        rwx_ok = perm[vm_contract_pkg::PTE_R] || (mxr && perm[vm_contract_pkg::PTE_X]);
      2'(vm_contract_pkg::OP_STORE): rwx_ok = perm[vm_contract_pkg::PTE_W];
      default: rwx_ok = perm[vm_contract_pkg::PTE_X];
    endcase
    leaf_perm_ok = u_ok && rwx_ok;
  endfunction

  function automatic logic [3:0] page_fault_cause(input logic [1:0] op);
    unique case (op)
      2'(vm_contract_pkg::OP_LOAD):  page_fault_cause = 4'(vm_contract_pkg::CAUSE_LOAD_PAGE_FAULT);
      2'(vm_contract_pkg::OP_STORE): page_fault_cause = 4'(vm_contract_pkg::CAUSE_STORE_PAGE_FAULT);
      default:                       page_fault_cause = 4'(vm_contract_pkg::CAUSE_FETCH_PAGE_FAULT);
    endcase
  endfunction

  function automatic logic [3:0] access_fault_cause(input logic [1:0] op);
    unique case (op)
      2'(vm_contract_pkg::OP_LOAD):  access_fault_cause = 4'(vm_contract_pkg::CAUSE_LOAD_ACCESS);
      2'(vm_contract_pkg::OP_STORE): access_fault_cause = 4'(vm_contract_pkg::CAUSE_STORE_ACCESS);
      default:                       access_fault_cause = 4'(vm_contract_pkg::CAUSE_FETCH_ACCESS);
    endcase
  endfunction

  function automatic logic [3:0] misaligned_cause(input logic [1:0] op);
    unique case (op)
      2'(vm_contract_pkg::OP_LOAD):  misaligned_cause = 4'(vm_contract_pkg::CAUSE_LOAD_MISALIGNED);
      2'(vm_contract_pkg::OP_STORE): misaligned_cause = 4'(vm_contract_pkg::CAUSE_STORE_MISALIGNED);
      default:                       misaligned_cause = 4'(vm_contract_pkg::CAUSE_FETCH_MISALIGNED);
    endcase
  endfunction

endpackage
