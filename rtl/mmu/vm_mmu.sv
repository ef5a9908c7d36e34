// SPDX-License-Identifier: MIT
// One core's MMU: request port, CSRs (satp, status, sfence.vma, LFSR seed, perf counters), the TLB, the
// page-table walker and the memory port they share. Blocking: one request at a time.
//
// Timing (cycle t accepts a request):
//   TLB hit / bare  -> memory request in cycle t, response in the cycle the memory answers (no added cycle)
//   TLB miss        -> walk from t+1; data request the cycle after the walk ends
//   any fault       -> fault response one cycle after it is found
// A walk that sees an sfence in any cycle from its start to its end does not fill the TLB (race-free by
// construction); the access itself completes with what it read. Twin: model/mmu/vm_mmu.c.
module vm_mmu #(
  parameter int unsigned TlbEntries = 16,
  parameter int unsigned TlbWays    = 16
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic [1:0]  cfg_tlb_repl_i,
  input  logic [63:0] cfg_mem_bytes_i,

  // request port
  input  logic        req_valid_i,
  output logic        req_ready_o,
  input  logic [1:0]  req_op_i,
  input  logic [1:0]  req_size_i,
  input  logic        req_bare_i,
  input  logic [63:0] req_addr_i,
  input  logic [63:0] req_wdata_i,
  input  logic        req_cont_i,         // continues the previous access (its next aligned piece)
  output logic        resp_valid_o,
  output logic        resp_fault_o,
  output logic [3:0]  resp_cause_o,
  output logic [63:0] resp_rdata_o,
  output logic [63:0] resp_tval_o,

  // CSR port
  input  logic        csr_we_i,
  input  logic [4:0]  csr_addr_i,
  input  logic [63:0] csr_wdata_i,
  output logic [63:0] csr_rdata_o,

  // memory port
  output logic        mem_req_valid_o,
  output logic        mem_req_walk_o,     // the request is the walker's (PTE read or A/D CAS)
  output logic        mem_req_cont_o,     // a data request that continues the previous access
  input  logic        mem_req_ready_i,
  output logic [1:0]  mem_req_op_o,
  output logic [63:0] mem_req_addr_o,
  output logic [63:0] mem_req_wdata_o,
  output logic [63:0] mem_req_cmp_o,
  output logic [7:0]  mem_req_strb_o,
  input  logic        mem_resp_valid_i,
  input  logic [63:0] mem_resp_rdata_i,

  // observation of TLB updates
  output logic                          obs_fill_valid_o,
  output logic [5:0]                    obs_fill_index_o,
  output vm_mmu_pkg::tlb_entry_t        obs_fill_entry_o,
  output logic [TlbEntries-1:0]         obs_inval_mask_o
);
  typedef enum logic [2:0] {StIdle, StWalk, StDataReq, StDataWait, StFault} mmu_state_e;

  localparam logic [1:0] OpLoad  = vm_contract_pkg::OP_LOAD[1:0];
  localparam logic [1:0] OpStore = vm_contract_pkg::OP_STORE[1:0];
  localparam logic [3:0] ModeBare = vm_contract_pkg::SATP_MODE_BARE[3:0];
  localparam logic [3:0] ModeSv32 = vm_contract_pkg::SATP_MODE_SV32[3:0];
  localparam logic [3:0] ModeSv39 = vm_contract_pkg::SATP_MODE_SV39[3:0];

  mmu_state_e  state_q, state_d;
  logic [1:0]  op_q, op_d, size_q, size_d;
  logic [63:0] vaddr_q, vaddr_d, paddr_q, paddr_d, wdata_q, wdata_d;
  logic [3:0]  cause_q, cause_d;
  logic        cont_q, cont_d;
  logic        stale_q, stale_d;
  logic [63:0] satp_q, satp_d, fence_vaddr_q, fence_vaddr_d;
  logic [3:0]  status_q, status_d;
  logic [63:0] loads_q, loads_d, stores_q, stores_d, lookups_q, lookups_d, misses_q, misses_d;

  // ---------------- CSR fields ----------------
  logic [3:0]  satp_mode;
  logic        sv32;
  logic [15:0] satp_asid;
  logic [43:0] satp_ppn;
  logic        priv_s, sum, mxr, adhw;
  assign satp_mode = satp_q[63:60];
  assign sv32      = (satp_mode == ModeSv32);
  assign satp_asid = satp_q[59:44];
  assign satp_ppn  = satp_q[43:0];
  assign priv_s    = status_q[vm_contract_pkg::STATUS_PRIV_S];
  assign sum       = status_q[vm_contract_pkg::STATUS_SUM];
  assign mxr       = status_q[vm_contract_pkg::STATUS_MXR];
  assign adhw      = status_q[vm_contract_pkg::STATUS_ADHW];

  logic        fence;
  logic        fence_use_vaddr, fence_use_asid;
  logic [15:0] fence_asid;
  logic [26:0] fence_vpn;
  logic        seed_we;
  always_comb begin
    satp_d          = satp_q;
    status_d        = status_q;
    fence_vaddr_d   = fence_vaddr_q;
    fence           = 1'b0;
    seed_we         = 1'b0;
    fence_use_vaddr = csr_wdata_i[vm_contract_pkg::SFENCE_USE_VADDR];
    fence_use_asid  = csr_wdata_i[vm_contract_pkg::SFENCE_USE_ASID];
    fence_asid      = csr_wdata_i[vm_contract_pkg::SFENCE_ASID_LSB +: 16] & (sv32 ? 16'h1FF : 16'hFFFF);
    fence_vpn       = sv32 ? {7'b0, fence_vaddr_q[31:12]} : fence_vaddr_q[38:12];
    if (csr_we_i) begin
      unique case (csr_addr_i)
        5'(vm_contract_pkg::CSR_SATP): begin
          // An unsupported MODE leaves satp unchanged (privileged spec).
          if (csr_wdata_i[63:60] == ModeSv39 || csr_wdata_i[63:60] == ModeBare)
            satp_d = csr_wdata_i;
          else if (csr_wdata_i[63:60] == ModeSv32)
            satp_d = {csr_wdata_i[63:60], 7'b0, csr_wdata_i[52:44], 22'b0, csr_wdata_i[21:0]};
        end
        5'(vm_contract_pkg::CSR_STATUS):       status_d      = csr_wdata_i[3:0];
        5'(vm_contract_pkg::CSR_SFENCE_VADDR): fence_vaddr_d = csr_wdata_i;
        5'(vm_contract_pkg::CSR_SFENCE):       fence         = 1'b1;
        5'(vm_contract_pkg::CSR_LFSR_SEED):    seed_we       = 1'b1;
        default: ;
      endcase
    end
  end

  // ---------------- request decode (valid in StIdle) ----------------
  logic        translate, misaligned, noncanonical;
  logic [26:0] req_vpn;
  logic        tlb_hit;
  logic [5:0]  tlb_hit_index;
  vm_mmu_pkg::tlb_entry_t tlb_hit_entry;
  logic [63:0] hit_paddr, walk_paddr;
  logic        ptw_done, ptw_fault, ptw_busy;
  logic [3:0]  ptw_cause;
  vm_mmu_pkg::tlb_entry_t ptw_entry;

  // Physical address from a leaf (level, ppn): superpage offset bits come from the VPN.
  function automatic logic [63:0] leaf_paddr(input logic [1:0] level, input logic [43:0] ppn,
                                             input logic [26:0] vpn, input logic [11:0] offset,
                                             input logic is_sv32);
    logic [26:0] low27;
    logic [43:0] low;
    low27 = ~vm_mmu_pkg::vpn_match_mask(level, is_sv32) & (is_sv32 ? 27'hF_FFFF : 27'h7FF_FFFF);
    low   = {17'b0, low27};
    leaf_paddr = {8'b0, (ppn & ~low) | ({17'b0, vpn} & low), offset};
  endfunction

  assign translate    = !req_bare_i && satp_mode != ModeBare;
  assign misaligned   = (req_addr_i & ((64'd1 << req_size_i) - 64'd1)) != '0;
  assign noncanonical = sv32 ? (req_addr_i[63:32] != '0)
                             : (req_addr_i[63:38] != '0 && req_addr_i[63:38] != '1);
  assign req_vpn      = sv32 ? {7'b0, req_addr_i[31:12]} : req_addr_i[38:12];
  assign hit_paddr    = leaf_paddr(tlb_hit_entry.level, tlb_hit_entry.ppn, req_vpn, req_addr_i[11:0], sv32);
  assign walk_paddr   = leaf_paddr(ptw_entry.level, ptw_entry.ppn, ptw_entry.vpn, vaddr_q[11:0], sv32);

  // ---------------- request FSM ----------------
  logic        tlb_touch, inval_one, ptw_start, tlb_fill;
  logic        data_issue_now;
  logic [63:0] data_paddr;
  logic [1:0]  data_op;
  logic [1:0]  data_size;
  logic [63:0] data_wdata;
  logic [7:0]  size_mask;
  always_comb begin
    state_d   = state_q;
    op_d      = op_q;
    size_d    = size_q;
    vaddr_d   = vaddr_q;
    paddr_d   = paddr_q;
    wdata_d   = wdata_q;
    cont_d    = cont_q;
    cause_d   = cause_q;
    stale_d   = stale_q | fence;
    loads_d   = loads_q;
    stores_d  = stores_q;
    lookups_d = lookups_q;
    misses_d  = misses_q;
    tlb_touch = 1'b0;
    inval_one = 1'b0;
    ptw_start = 1'b0;
    tlb_fill  = 1'b0;
    data_issue_now = 1'b0;

    req_ready_o  = (state_q == StIdle);
    resp_valid_o = 1'b0;
    resp_fault_o = 1'b0;
    resp_cause_o = '0;
    resp_rdata_o = '0;
    resp_tval_o  = '0;

    unique case (state_q)
      StIdle: begin
        if (req_valid_i) begin
          op_d    = req_op_i;
          size_d  = req_size_i;
          vaddr_d = req_addr_i;
          wdata_d = req_wdata_i;
          cont_d  = req_cont_i;
          paddr_d = req_addr_i;
          if (req_op_i == OpLoad) loads_d = loads_q + 64'd1;
          if (req_op_i == OpStore) stores_d = stores_q + 64'd1;
          if (misaligned) begin
            cause_d = vm_mmu_pkg::misaligned_cause(req_op_i);
            state_d = StFault;
          end else if (!translate) begin
            if (req_addr_i >= cfg_mem_bytes_i) begin
              cause_d = vm_mmu_pkg::access_fault_cause(req_op_i);
              state_d = StFault;
            end else begin
              data_issue_now = 1'b1;
            end
          end else if (noncanonical) begin
            cause_d = vm_mmu_pkg::page_fault_cause(req_op_i);
            state_d = StFault;
          end else begin
            lookups_d = lookups_q + 64'd1;
            if (tlb_hit) begin
              tlb_touch = 1'b1;
              paddr_d   = hit_paddr;
              if (!vm_mmu_pkg::leaf_perm_ok(tlb_hit_entry.perm, req_op_i, priv_s, sum, mxr)) begin
                cause_d = vm_mmu_pkg::page_fault_cause(req_op_i);
                state_d = StFault;
              end else if (req_op_i == OpStore && !tlb_hit_entry.perm[vm_contract_pkg::PTE_D]) begin
                if (adhw) begin
                  // The walker must set D in the PTE: drop the entry and walk again.
                  inval_one = 1'b1;
                  misses_d  = misses_q + 64'd1;
                  ptw_start = 1'b1;
                  stale_d   = fence;
                  state_d   = StWalk;
                end else begin
                  cause_d = vm_mmu_pkg::page_fault_cause(req_op_i);
                  state_d = StFault;
                end
              end else if (hit_paddr >= cfg_mem_bytes_i) begin
                cause_d = vm_mmu_pkg::access_fault_cause(req_op_i);
                state_d = StFault;
              end else begin
                data_issue_now = 1'b1;
              end
            end else begin
              misses_d  = misses_q + 64'd1;
              ptw_start = 1'b1;
              stale_d   = fence;
              state_d   = StWalk;
            end
          end
          if (data_issue_now) state_d = mem_req_ready_i ? StDataWait : StDataReq;
        end
      end
      StWalk: begin
        if (ptw_done) begin
          if (ptw_fault) begin
            cause_d = ptw_cause;
            state_d = StFault;
          end else begin
            tlb_fill = !(stale_q || fence);
            paddr_d  = walk_paddr;
            if (walk_paddr >= cfg_mem_bytes_i) begin
              cause_d = vm_mmu_pkg::access_fault_cause(op_q);
              state_d = StFault;
            end else begin
              state_d = StDataReq;
            end
          end
        end
      end
      StDataReq: begin
        if (mem_req_ready_i) state_d = StDataWait;
      end
      StDataWait: begin
        if (mem_resp_valid_i) begin
          resp_valid_o = 1'b1;
          if (op_q != OpStore)
            resp_rdata_o = (mem_resp_rdata_i >> {paddr_q[2:0], 3'b0}) &
                           ((size_q == 2'd3) ? 64'hFFFF_FFFF_FFFF_FFFF
                                             : ((64'd1 << (8 << size_q)) - 64'd1));
          state_d = StIdle;
        end
      end
      StFault: begin
        resp_valid_o = 1'b1;
        resp_fault_o = 1'b1;
        resp_cause_o = cause_q;
        resp_tval_o  = vaddr_q;
        state_d      = StIdle;
      end
      default: state_d = StIdle;
    endcase
  end

  // ---------------- memory port: the walker's while walking, else the data access ----------------
  logic        ptw_mem_valid;
  logic [1:0]  ptw_mem_op;
  logic [63:0] ptw_mem_addr, ptw_mem_wdata, ptw_mem_cmp;
  logic [7:0]  ptw_mem_strb;
  always_comb begin
    data_paddr = (state_q == StIdle) ? paddr_d : paddr_q;
    data_op    = (state_q == StIdle) ? req_op_i : op_q;
    data_size  = (state_q == StIdle) ? req_size_i : size_q;
    data_wdata = (state_q == StIdle) ? req_wdata_i : wdata_q;
    size_mask  = 8'((9'd1 << (4'd1 << data_size)) - 9'd1);
    mem_req_walk_o = (state_q == StWalk);
    mem_req_cont_o = (state_q == StWalk) ? 1'b0 : ((state_q == StIdle) ? req_cont_i : cont_q);
    if (state_q == StWalk) begin
      mem_req_valid_o = ptw_mem_valid;
      mem_req_op_o    = ptw_mem_op;
      mem_req_addr_o  = ptw_mem_addr;
      mem_req_wdata_o = ptw_mem_wdata;
      mem_req_cmp_o   = ptw_mem_cmp;
      mem_req_strb_o  = ptw_mem_strb;
    end else begin
      mem_req_valid_o = data_issue_now || (state_q == StDataReq);
      mem_req_op_o    = (data_op == OpStore) ? vm_contract_pkg::MEMOP_WRITE[1:0]
                                             : vm_contract_pkg::MEMOP_READ[1:0];
      mem_req_addr_o  = {data_paddr[63:3], 3'b0};
      mem_req_strb_o  = size_mask << data_paddr[2:0];
      mem_req_wdata_o = (data_op == OpStore)
                        ? ((data_wdata & ((data_size == 2'd3) ? 64'hFFFF_FFFF_FFFF_FFFF
                                          : ((64'd1 << (8 << data_size)) - 64'd1)))
                           << {data_paddr[2:0], 3'b0})
                        : 64'h0;
      mem_req_cmp_o   = '0;
      if (!mem_req_valid_o) begin
        mem_req_cont_o  = 1'b0;
        mem_req_op_o    = '0;
        mem_req_addr_o  = '0;
        mem_req_strb_o  = '0;
        mem_req_wdata_o = '0;
      end
    end
  end

  // ---------------- CSR reads ----------------
  logic [63:0] ptw_walks, ptw_walk_cycles, ptw_pte_reads;
  always_comb begin
    unique case (csr_addr_i)
      5'(vm_contract_pkg::CSR_SATP):                 csr_rdata_o = satp_q;
      5'(vm_contract_pkg::CSR_STATUS):               csr_rdata_o = {60'b0, status_q};
      5'(vm_contract_pkg::CSR_SFENCE_VADDR):         csr_rdata_o = fence_vaddr_q;
      5'(vm_contract_pkg::CSR_PERF_LOADS):           csr_rdata_o = loads_q;
      5'(vm_contract_pkg::CSR_PERF_STORES):          csr_rdata_o = stores_q;
      5'(vm_contract_pkg::CSR_PERF_TLB_LOOKUPS):     csr_rdata_o = lookups_q;
      5'(vm_contract_pkg::CSR_PERF_TLB_MISSES):      csr_rdata_o = misses_q;
      5'(vm_contract_pkg::CSR_PERF_PTW_WALKS):       csr_rdata_o = ptw_walks;
      5'(vm_contract_pkg::CSR_PERF_PTW_WALK_CYCLES): csr_rdata_o = ptw_walk_cycles;
      5'(vm_contract_pkg::CSR_PERF_PTW_PTE_READS):   csr_rdata_o = ptw_pte_reads;
      default:                                       csr_rdata_o = '0;
    endcase
  end

  // ---------------- blocks ----------------
  vm_tlb #(
    .Entries (TlbEntries),
    .Ways    (TlbWays)
  ) u_tlb (
    .clk_i,
    .rst_ni,
    .cfg_repl_i        (cfg_tlb_repl_i),
    .sv32_i            (sv32),
    .lk_req_i          (state_q == StIdle && req_valid_i && translate),
    .lk_vpn_i          (req_vpn),
    .lk_asid_i         (satp_asid),
    .lk_touch_i        (tlb_touch),
    .lk_hit_o          (tlb_hit),
    .lk_index_o        (tlb_hit_index),
    .lk_entry_o        (tlb_hit_entry),
    .fill_i            (tlb_fill),
    .fill_entry_i      (ptw_entry),
    .fill_index_o      (obs_fill_index_o),
    .inval_one_i       (inval_one),
    .inval_one_index_i (tlb_hit_index),
    .fence_i           (fence),
    .fence_use_vaddr_i (fence_use_vaddr),
    .fence_use_asid_i  (fence_use_asid),
    .fence_vpn_i       (fence_vpn),
    .fence_asid_i      (fence_asid),
    .inval_mask_o      (obs_inval_mask_o),
    .seed_we_i         (seed_we),
    .seed_i            (csr_wdata_i[31:0])
  );

  vm_ptw u_ptw (
    .clk_i,
    .rst_ni,
    .mem_bytes_i        (cfg_mem_bytes_i),
    .start_i            (ptw_start),
    .vpn_i              (req_vpn),
    .asid_i             (satp_asid),
    .root_ppn_i         (satp_ppn),
    .op_i               (req_op_i),
    .priv_s_i           (priv_s),
    .sum_i              (sum),
    .mxr_i              (mxr),
    .adhw_i             (adhw),
    .sv32_i             (sv32),
    .busy_o             (ptw_busy),
    .done_o             (ptw_done),
    .fault_o            (ptw_fault),
    .cause_o            (ptw_cause),
    .entry_o            (ptw_entry),
    .mem_req_valid_o    (ptw_mem_valid),
    .mem_req_ready_i    (mem_req_ready_i),
    .mem_req_op_o       (ptw_mem_op),
    .mem_req_addr_o     (ptw_mem_addr),
    .mem_req_wdata_o    (ptw_mem_wdata),
    .mem_req_cmp_o      (ptw_mem_cmp),
    .mem_req_strb_o     (ptw_mem_strb),
    .mem_resp_valid_i   (mem_resp_valid_i),
    .mem_resp_rdata_i   (mem_resp_rdata_i),
    .perf_walks_o       (ptw_walks),
    .perf_walk_cycles_o (ptw_walk_cycles),
    .perf_pte_reads_o   (ptw_pte_reads)
  );

  assign obs_fill_valid_o = tlb_fill;

  logic unused_hit_tag;
  assign unused_hit_tag = ^{tlb_hit_entry.vpn, tlb_hit_entry.asid};
  assign obs_fill_entry_o = ptw_entry;

  // Named invariant: the walker runs exactly while the FSM waits for it.
`ifndef SYNTHESIS
  always_comb begin
    if (rst_ni) begin
      WalkerInStep: assert ((state_q == StWalk) == ptw_busy);
    end
  end
`else
  logic unused_ptw_busy;
  assign unused_ptw_busy = ptw_busy;
`endif

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q       <= StIdle;
      op_q          <= '0;
      size_q        <= '0;
      vaddr_q       <= '0;
      paddr_q       <= '0;
      wdata_q       <= '0;
      cont_q        <= 1'b0;
      cause_q       <= '0;
      stale_q       <= 1'b0;
      satp_q        <= '0;
      status_q      <= '0;
      fence_vaddr_q <= '0;
      loads_q       <= '0;
      stores_q      <= '0;
      lookups_q     <= '0;
      misses_q      <= '0;
    end else begin
      state_q       <= state_d;
      op_q          <= op_d;
      size_q        <= size_d;
      vaddr_q       <= vaddr_d;
      paddr_q       <= paddr_d;
      wdata_q       <= wdata_d;
      cont_q        <= cont_d;
      cause_q       <= cause_d;
      stale_q       <= stale_d;
      satp_q        <= satp_d;
      status_q      <= status_d;
      fence_vaddr_q <= fence_vaddr_d;
      loads_q       <= loads_d;
      stores_q      <= stores_d;
      lookups_q     <= lookups_d;
      misses_q      <= misses_d;
    end
  end

endmodule
