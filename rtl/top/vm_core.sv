// SPDX-License-Identifier: MIT
// One core of vm_soc: the MMU in front of its L1 data cache, the L1's bus master and snoop ports, and the
// core's CSR read port (the L1's perf counters next to the MMU's CSRs). The ports a core shares with vm_top
// keep vm_top's names, so a wave view of vm_top's MMU also opens on any core of vm_soc.
// Every port the lockstep checker observes is brought out (obs_*); payloads read as zero unless valid.
module vm_core #(
  parameter int unsigned TlbEntries = 16,
  parameter int unsigned TlbWays    = 16,
  parameter int unsigned L1Sets     = 32,
  parameter int unsigned L1Ways     = 2,
  parameter int unsigned LineWords  = 8,
  localparam int unsigned LineBits  = LineWords * 64,
  localparam int unsigned WordSelW  = (LineWords > 1) ? $clog2(LineWords) : 1,
  localparam int unsigned EntryW    = vm_mmu_pkg::TlbEntryW
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic [1:0]  cfg_tlb_repl_i,
  input  logic [1:0]  cfg_l1_repl_i,
  input  logic [63:0] cfg_mem_bytes_i,

  // request port
  input  logic        req_valid_i,
  output logic        req_ready_o,
  input  logic [1:0]  req_op_i,
  input  logic [1:0]  req_size_i,
  input  logic        req_bare_i,
  input  logic [63:0] req_addr_i,
  input  logic [63:0] req_wdata_i,
  input  logic        req_cont_i,
  output logic        resp_valid_o,
  output logic        resp_fault_o,
  output logic [3:0]  resp_cause_o,
  output logic [63:0] resp_rdata_o,
  output logic [63:0] resp_tval_o,

  // CSRs (reads combinational on csr_addr_i)
  input  logic        csr_we_i,
  input  logic [4:0]  csr_addr_i,
  input  logic [63:0] csr_wdata_i,
  output logic [63:0] csr_rdata_o,

  // the L1's bus master port (request held until done)
  output logic                bus_req_o,
  output logic [2:0]          bus_type_o,
  output logic [63:0]         bus_addr_o,
  output logic [LineBits-1:0] bus_line_o,
  output logic [WordSelW-1:0] bus_word_o,
  output logic [63:0]         bus_cmp_o,
  output logic [63:0]         bus_wdata_o,
  output logic [7:0]          bus_strb_o,
  input  logic                bus_grant_i,
  input  logic                bus_done_i,
  input  logic                bus_shared_i,
  input  logic [LineBits-1:0] bus_line_i,
  input  logic [63:0]         bus_word_i,

  // the L1's snoop port
  input  logic                snoop_valid_i,
  input  logic                snoop_self_i,    // the transaction is this core's own
  input  logic [2:0]          snoop_type_i,
  input  logic [63:0]         snoop_addr_i,
  output logic                snoop_hit_o,
  output logic                snoop_dirty_o,
  output logic [LineBits-1:0] snoop_line_o,

  // observation
  output logic                  obs_mem_req_valid_o,
  output logic                  obs_mem_req_ready_o,
  output logic                  obs_mem_req_cont_o,
  output logic [1:0]            obs_mem_req_op_o,
  output logic [63:0]           obs_mem_req_addr_o,
  output logic [63:0]           obs_mem_req_wdata_o,
  output logic [63:0]           obs_mem_req_cmp_o,
  output logic [7:0]            obs_mem_req_strb_o,
  output logic                  obs_mem_resp_valid_o,
  output logic [63:0]           obs_mem_resp_rdata_o,
  output logic                  obs_fill_valid_o,
  output logic [5:0]            obs_fill_index_o,
  output logic [EntryW-1:0]     obs_fill_entry_o,    // vm_mmu_pkg::tlb_entry_t
  output logic [TlbEntries-1:0] obs_inval_mask_o,
  output logic                  obs_l1_chg_valid_o,
  output logic [15:0]           obs_l1_chg_index_o,
  output logic [1:0]            obs_l1_chg_old_o,
  output logic [1:0]            obs_l1_chg_new_o,
  output logic [63:0]           obs_l1_chg_addr_o
);
  // MMU <-> L1
  logic        mem_req_valid, mem_req_walk, mem_req_cont, mem_req_ready, mem_resp_valid;
  logic [1:0]  mem_req_op;
  logic [63:0] mem_req_addr, mem_req_wdata, mem_req_cmp, mem_resp_rdata, mmu_csr_rdata;
  logic [7:0]  mem_req_strb;
  logic        fill_valid;
  logic [5:0]  fill_index;
  vm_mmu_pkg::tlb_entry_t fill_entry;
  logic [63:0] l1_accesses, l1_misses, l1_writebacks, l1_hits_s, l1_hits_e, l1_hits_m, l1_snoop_hits;

  if ($bits(fill_entry) != EntryW) begin : gen_bad_entry_w
    $error("vm_core: vm_mmu_pkg::TlbEntryW is not the width of tlb_entry_t");
  end

  vm_mmu #(
    .TlbEntries (TlbEntries),
    .TlbWays    (TlbWays)
  ) u_mmu (
    .clk_i,
    .rst_ni,
    .cfg_tlb_repl_i,
    .cfg_mem_bytes_i,
    .req_valid_i,
    .req_ready_o,
    .req_op_i,
    .req_size_i,
    .req_bare_i,
    .req_addr_i,
    .req_wdata_i,
    .req_cont_i,
    .resp_valid_o,
    .resp_fault_o,
    .resp_cause_o,
    .resp_rdata_o,
    .resp_tval_o,
    .csr_we_i,
    .csr_addr_i,
    .csr_wdata_i,
    .csr_rdata_o      (mmu_csr_rdata),
    .mem_req_valid_o  (mem_req_valid),
    .mem_req_walk_o   (mem_req_walk),
    .mem_req_cont_o   (mem_req_cont),
    .mem_req_ready_i  (mem_req_ready),
    .mem_req_op_o     (mem_req_op),
    .mem_req_addr_o   (mem_req_addr),
    .mem_req_wdata_o  (mem_req_wdata),
    .mem_req_cmp_o    (mem_req_cmp),
    .mem_req_strb_o   (mem_req_strb),
    .mem_resp_valid_i (mem_resp_valid),
    .mem_resp_rdata_i (mem_resp_rdata),
    .obs_fill_valid_o (fill_valid),
    .obs_fill_index_o (fill_index),
    .obs_fill_entry_o (fill_entry),
    .obs_inval_mask_o
  );

  vm_l1 #(
    .Sets      (L1Sets),
    .Ways      (L1Ways),
    .LineWords (LineWords)
  ) u_l1 (
    .clk_i,
    .rst_ni,
    .cfg_repl_i        (cfg_l1_repl_i),
    .req_valid_i       (mem_req_valid),
    .req_ready_o       (mem_req_ready),
    .req_op_i          (mem_req_op),
    .req_walk_i        (mem_req_walk),
    .req_cont_i        (mem_req_cont),
    .req_addr_i        (mem_req_addr),
    .req_wdata_i       (mem_req_wdata),
    .req_cmp_i         (mem_req_cmp),
    .req_strb_i        (mem_req_strb),
    .resp_valid_o      (mem_resp_valid),
    .resp_rdata_o      (mem_resp_rdata),
    .bus_req_o,
    .bus_type_o,
    .bus_addr_o,
    .bus_line_o,
    .bus_word_o,
    .bus_cmp_o,
    .bus_wdata_o,
    .bus_strb_o,
    .bus_grant_i,
    .bus_done_i,
    .bus_shared_i,
    .bus_line_i,
    .bus_word_i,
    .snoop_valid_i,
    .snoop_self_i,
    .snoop_type_i,
    .snoop_addr_i,
    .snoop_hit_o,
    .snoop_dirty_o,
    .snoop_line_o,
    .chg_valid_o       (obs_l1_chg_valid_o),
    .chg_index_o       (obs_l1_chg_index_o),
    .chg_old_o         (obs_l1_chg_old_o),
    .chg_new_o         (obs_l1_chg_new_o),
    .chg_addr_o        (obs_l1_chg_addr_o),
    .perf_accesses_o   (l1_accesses),
    .perf_misses_o     (l1_misses),
    .perf_writebacks_o (l1_writebacks),
    .perf_hits_s_o     (l1_hits_s),
    .perf_hits_e_o     (l1_hits_e),
    .perf_hits_m_o     (l1_hits_m),
    .perf_snoop_hits_o (l1_snoop_hits),
    // this core's LFSR_SEED write seeds its L1's random replacement too (the MMU takes it for the TLB)
    .seed_we_i         (csr_we_i && csr_addr_i == 5'(vm_contract_pkg::CSR_LFSR_SEED)),
    .seed_i            (csr_wdata_i[31:0])
  );

  // The L1's counters share the core's CSR read port.
  always_comb begin
    unique case (csr_addr_i)
      5'(vm_contract_pkg::CSR_PERF_L1_ACCESSES):   csr_rdata_o = l1_accesses;
      5'(vm_contract_pkg::CSR_PERF_L1_MISSES):     csr_rdata_o = l1_misses;
      5'(vm_contract_pkg::CSR_PERF_L1_WRITEBACKS): csr_rdata_o = l1_writebacks;
      5'(vm_contract_pkg::CSR_PERF_L1_HITS_S):     csr_rdata_o = l1_hits_s;
      5'(vm_contract_pkg::CSR_PERF_L1_HITS_E):     csr_rdata_o = l1_hits_e;
      5'(vm_contract_pkg::CSR_PERF_L1_HITS_M):     csr_rdata_o = l1_hits_m;
      5'(vm_contract_pkg::CSR_PERF_L1_SNOOP_HITS): csr_rdata_o = l1_snoop_hits;
      default:                                     csr_rdata_o = mmu_csr_rdata;
    endcase
  end

  assign obs_mem_req_valid_o  = mem_req_valid;
  assign obs_mem_req_ready_o  = mem_req_ready;
  assign obs_mem_req_cont_o   = mem_req_valid && mem_req_cont;
  assign obs_mem_req_op_o     = mem_req_valid ? mem_req_op : '0;
  assign obs_mem_req_addr_o   = mem_req_valid ? mem_req_addr : '0;
  assign obs_mem_req_wdata_o  = mem_req_valid ? mem_req_wdata : '0;
  assign obs_mem_req_cmp_o    = mem_req_valid ? mem_req_cmp : '0;
  assign obs_mem_req_strb_o   = mem_req_valid ? mem_req_strb : '0;
  assign obs_mem_resp_valid_o = mem_resp_valid;
  assign obs_mem_resp_rdata_o = mem_resp_valid ? mem_resp_rdata : '0;
  assign obs_fill_valid_o     = fill_valid;
  assign obs_fill_index_o     = fill_valid ? fill_index : '0;
  assign obs_fill_entry_o     = fill_valid ? fill_entry : '0;

endmodule
