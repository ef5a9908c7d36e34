// SPDX-License-Identifier: MIT
// Page-table walker: Sv39 and Sv32 (chosen per walk), every check of the privileged spec's translation
// algorithm in its order, and A/D bits either as page faults (Svade) or updated by the walker with an atomic
// compare-and-swap of the PTE, restarting the walk when the PTE changed underneath (Svadu).
// One walk at a time; done_o pulses (combinationally) in the cycle the walk ends. Twin: model/mmu/vm_ptw.c.
module vm_ptw (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic [63:0] mem_bytes_i,   // physical memory size: PTE reads at or above it are access faults

  input  logic                            start_i,
  input  logic [vm_mmu_pkg::VpnBits-1:0]  vpn_i,
  input  logic [vm_mmu_pkg::AsidBits-1:0] asid_i,
  input  logic [vm_mmu_pkg::PpnBits-1:0]  root_ppn_i,
  input  logic [1:0]                      op_i,
  input  logic                            priv_s_i,
  input  logic                            sum_i,
  input  logic                            mxr_i,
  input  logic                            adhw_i,
  input  logic                            sv32_i,

  output logic                       busy_o,
  output logic                       done_o,
  output logic                       fault_o,
  output logic [3:0]                 cause_o,
  output vm_mmu_pkg::tlb_entry_t     entry_o,

  output logic        mem_req_valid_o,
  input  logic        mem_req_ready_i,
  output logic [1:0]  mem_req_op_o,
  output logic [63:0] mem_req_addr_o,
  output logic [63:0] mem_req_wdata_o,
  output logic [63:0] mem_req_cmp_o,
  output logic [7:0]  mem_req_strb_o,
  input  logic        mem_resp_valid_i,
  input  logic [63:0] mem_resp_rdata_i,

  output logic [63:0] perf_walks_o,
  output logic [63:0] perf_walk_cycles_o,
  output logic [63:0] perf_pte_reads_o
);
  typedef enum logic [2:0] {StIdle, StReq, StWait, StCasReq, StCasWait} ptw_state_e;

  localparam int unsigned PteV = vm_contract_pkg::PTE_V;
  localparam int unsigned PteR = vm_contract_pkg::PTE_R;
  localparam int unsigned PteW = vm_contract_pkg::PTE_W;
  localparam int unsigned PteX = vm_contract_pkg::PTE_X;
  localparam int unsigned PteU = vm_contract_pkg::PTE_U;
  localparam int unsigned PteG = vm_contract_pkg::PTE_G;
  localparam int unsigned PteA = vm_contract_pkg::PTE_A;
  localparam int unsigned PteD = vm_contract_pkg::PTE_D;
  localparam logic [1:0]  OpStore = vm_contract_pkg::OP_STORE[1:0];

  ptw_state_e state_q, state_d;
  logic [vm_mmu_pkg::VpnBits-1:0]  vpn_q, vpn_d;
  logic [vm_mmu_pkg::AsidBits-1:0] asid_q, asid_d;
  logic [vm_mmu_pkg::PpnBits-1:0]  root_q, root_d, base_q, base_d;
  logic [1:0]  op_q, op_d, level_q, level_d;
  logic        priv_s_q, priv_s_d, sum_q, sum_d, mxr_q, mxr_d, adhw_q, adhw_d, sv32_q, sv32_d;
  logic        g_q, g_d;                 // a non-leaf PTE of this walk had G set
  logic [63:0] pte_q, pte_d, new_pte_q, new_pte_d;
  logic [63:0] walks_q, walks_d, walk_cycles_q, walk_cycles_d, pte_reads_q, pte_reads_d;

  // Address of the PTE this level reads, and the PTE as read from the 8-byte memory word.
  logic [63:0] pte_addr;
  logic [63:0] pte;
  logic [63:0] lane_pte;     // the PTE read by a CAS, from its lane
  logic [43:0] pte_ppn;
  logic        pte_rsvd;
  logic        pte_fail;
  logic [1:0]  top_level;
  logic        need_a, need_d;
  logic [43:0] super_low;

  always_comb begin
    top_level = sv32_q ? 2'd1 : 2'd2;
    pte_addr  = {8'b0, base_q, 12'b0} +
                (64'(vm_mmu_pkg::vpn_field(vpn_q, level_q, sv32_q)) << (sv32_q ? 2 : 3));
    pte       = sv32_q ? (pte_addr[2] ? {32'b0, mem_resp_rdata_i[63:32]} : {32'b0, mem_resp_rdata_i[31:0]})
                       : mem_resp_rdata_i;
    lane_pte  = pte;
    pte_ppn   = sv32_q ? {22'b0, pte[31:10]} : pte[53:10];
    pte_rsvd  = sv32_q ? 1'b0 : (pte[63:54] != '0);
    need_a    = !pte[PteA];
    need_d    = (op_q == OpStore) && !pte[PteD];
    super_low = pte_ppn & ~(44'hFFF_FFFF_FFFF << (sv32_q ? 10 * level_q : 9 * level_q));
  end

  // What this cycle's PTE (or CAS answer) means; outputs only, no state (start_i is not read here).
  logic descend, cas_start, cas_retry;
  always_comb begin
    done_o          = 1'b0;
    fault_o         = 1'b0;
    cause_o         = vm_mmu_pkg::page_fault_cause(op_q);
    entry_o         = '0;
    entry_o.vpn     = vpn_q;
    entry_o.level   = level_q;
    entry_o.asid    = asid_q;
    entry_o.ppn     = pte_ppn;
    entry_o.perm    = pte[7:0] | (g_q ? 8'(1 << PteG) : 8'h0);
    pte_fail        = 1'b0;
    descend         = 1'b0;
    cas_start       = 1'b0;
    cas_retry       = 1'b0;
    mem_req_valid_o = 1'b0;
    mem_req_op_o    = vm_contract_pkg::MEMOP_READ[1:0];
    mem_req_addr_o  = {pte_addr[63:3], 3'b0};
    mem_req_wdata_o = '0;
    mem_req_cmp_o   = '0;
    mem_req_strb_o  = sv32_q ? (pte_addr[2] ? 8'hF0 : 8'h0F) : 8'hFF;

    unique case (state_q)
      StReq: begin
        if (pte_addr >= mem_bytes_i) begin
          done_o  = 1'b1;
          fault_o = 1'b1;
          cause_o = vm_mmu_pkg::access_fault_cause(op_q);
        end else begin
          mem_req_valid_o = 1'b1;
        end
      end
      StWait: begin
        if (mem_resp_valid_i) begin
          if (!pte[PteV] || (!pte[PteR] && pte[PteW]) || pte_rsvd) begin
            pte_fail = 1'b1;
          end else if (!pte[PteR] && !pte[PteX]) begin
            // Pointer to the next level: A, D and U are reserved in non-leaf PTEs.
            if (pte[PteA] || pte[PteD] || pte[PteU] || level_q == 2'd0) pte_fail = 1'b1;
            else descend = 1'b1;
          end else if (!vm_mmu_pkg::leaf_perm_ok(pte[7:0], op_q, priv_s_q, sum_q, mxr_q) ||
                       super_low != '0) begin
            pte_fail = 1'b1;
          end else if (need_a || need_d) begin
            if (!adhw_q) pte_fail = 1'b1;
            else cas_start = 1'b1;
          end else begin
            done_o = 1'b1;
          end
          if (pte_fail) begin
            done_o  = 1'b1;
            fault_o = 1'b1;
          end
        end
      end
      StCasReq: begin
        mem_req_valid_o = 1'b1;
        mem_req_op_o    = vm_contract_pkg::MEMOP_CAS[1:0];
        mem_req_wdata_o = sv32_q ? {new_pte_q[31:0], new_pte_q[31:0]} : new_pte_q;
        mem_req_cmp_o   = sv32_q ? {pte_q[31:0], pte_q[31:0]} : pte_q;
      end
      StCasWait: begin
        entry_o.ppn  = sv32_q ? {22'b0, new_pte_q[31:10]} : new_pte_q[53:10];
        entry_o.perm = new_pte_q[7:0] | (g_q ? 8'(1 << PteG) : 8'h0);
        if (mem_resp_valid_i) begin
          if (lane_pte == pte_q) done_o = 1'b1;
          else cas_retry = 1'b1;  // the PTE changed since it was read: walk again from the root
        end
      end
      default: ;
    endcase
  end

  always_comb begin
    state_d       = state_q;
    vpn_d         = vpn_q;
    asid_d        = asid_q;
    root_d        = root_q;
    base_d        = base_q;
    op_d          = op_q;
    level_d       = level_q;
    priv_s_d      = priv_s_q;
    sum_d         = sum_q;
    mxr_d         = mxr_q;
    adhw_d        = adhw_q;
    sv32_d        = sv32_q;
    g_d           = g_q;
    pte_d         = pte_q;
    new_pte_d     = new_pte_q;
    walks_d       = walks_q;
    walk_cycles_d = walk_cycles_q + ((state_q != StIdle) ? 64'd1 : 64'd0);
    pte_reads_d   = pte_reads_q;

    unique case (state_q)
      StIdle: begin
        if (start_i) begin
          vpn_d    = vpn_i;
          asid_d   = asid_i;
          root_d   = root_ppn_i;
          base_d   = root_ppn_i;
          op_d     = op_i;
          priv_s_d = priv_s_i;
          sum_d    = sum_i;
          mxr_d    = mxr_i;
          adhw_d   = adhw_i;
          sv32_d   = sv32_i;
          level_d  = sv32_i ? 2'd1 : 2'd2;
          g_d      = 1'b0;
          walks_d  = walks_q + 64'd1;
          state_d  = StReq;
        end
      end
      StReq: begin
        if (done_o) state_d = StIdle;
        else if (mem_req_ready_i) state_d = StWait;
      end
      StWait: begin
        if (mem_resp_valid_i) begin
          pte_reads_d = pte_reads_q + 64'd1;
          pte_d       = pte;
          if (done_o) begin
            state_d = StIdle;
          end else if (descend) begin
            level_d = level_q - 2'd1;
            base_d  = pte_ppn;
            g_d     = g_q | pte[PteG];
            state_d = StReq;
          end else if (cas_start) begin
            new_pte_d = pte | 64'(1 << PteA) | (need_d ? 64'(1 << PteD) : 64'h0);
            state_d   = StCasReq;
          end
        end
      end
      StCasReq: begin
        if (mem_req_ready_i) state_d = StCasWait;
      end
      StCasWait: begin
        if (done_o) begin
          state_d = StIdle;
        end else if (cas_retry) begin
          level_d = top_level;
          base_d  = root_q;
          g_d     = 1'b0;
          state_d = StReq;
        end
      end
      default: state_d = StIdle;
    endcase
  end

  assign busy_o             = (state_q != StIdle);
  assign perf_walks_o       = walks_q;
  assign perf_walk_cycles_o = walk_cycles_q;
  assign perf_pte_reads_o   = pte_reads_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q       <= StIdle;
      vpn_q         <= '0;
      asid_q        <= '0;
      root_q        <= '0;
      base_q        <= '0;
      op_q          <= '0;
      level_q       <= '0;
      priv_s_q      <= 1'b0;
      sum_q         <= 1'b0;
      mxr_q         <= 1'b0;
      adhw_q        <= 1'b0;
      sv32_q        <= 1'b0;
      g_q           <= 1'b0;
      pte_q         <= '0;
      new_pte_q     <= '0;
      walks_q       <= '0;
      walk_cycles_q <= '0;
      pte_reads_q   <= '0;
    end else begin
      state_q       <= state_d;
      vpn_q         <= vpn_d;
      asid_q        <= asid_d;
      root_q        <= root_d;
      base_q        <= base_d;
      op_q          <= op_d;
      level_q       <= level_d;
      priv_s_q      <= priv_s_d;
      sum_q         <= sum_d;
      mxr_q         <= mxr_d;
      adhw_q        <= adhw_d;
      sv32_q        <= sv32_d;
      g_q           <= g_d;
      pte_q         <= pte_d;
      new_pte_q     <= new_pte_d;
      walks_q       <= walks_d;
      walk_cycles_q <= walk_cycles_d;
      pte_reads_q   <= pte_reads_d;
    end
  end

endmodule
