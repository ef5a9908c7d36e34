// SPDX-License-Identifier: MIT
// Simulation and FPGA top of the foundation system: one core's MMU in front of a flat physical memory.
// Every port the lockstep checker observes is brought out here (obs_* and the memory port).
module vm_top #(
  parameter int unsigned TlbEntries = 16,
  parameter int unsigned TlbWays    = 16,
  parameter int unsigned MemWords   = 1024
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic [1:0]  cfg_tlb_repl_i,
  input  logic [7:0]  cfg_mem_latency_i,
  input  logic [63:0] cfg_mem_bytes_i,

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

  input  logic        csr_we_i,
  input  logic [4:0]  csr_addr_i,
  input  logic [63:0] csr_wdata_i,
  output logic [63:0] csr_rdata_o,

  output logic        obs_mem_req_valid_o,
  output logic        obs_mem_req_ready_o,
  output logic [1:0]  obs_mem_req_op_o,
  output logic [63:0] obs_mem_req_addr_o,
  output logic [63:0] obs_mem_req_wdata_o,
  output logic [63:0] obs_mem_req_cmp_o,
  output logic [7:0]  obs_mem_req_strb_o,
  output logic        obs_mem_resp_valid_o,
  output logic [63:0] obs_mem_resp_rdata_o,
  output logic                   obs_fill_valid_o,
  output logic [5:0]             obs_fill_index_o,
  output vm_mmu_pkg::tlb_entry_t obs_fill_entry_o,
  output logic [TlbEntries-1:0]  obs_inval_mask_o
);
  logic        mem_req_valid, mem_req_ready, mem_resp_valid;
  logic [1:0]  mem_req_op;
  logic [63:0] mem_req_addr, mem_req_wdata, mem_req_cmp, mem_resp_rdata;
  logic [7:0]  mem_req_strb;
  logic        fill_valid;
  logic        mem_req_walk;
  logic        mem_req_cont;
  logic        unused_mem_req_walk;
  assign unused_mem_req_walk = mem_req_walk ^ mem_req_cont;
  logic [5:0]  fill_index;
  vm_mmu_pkg::tlb_entry_t fill_entry;

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
    .csr_rdata_o,
    .mem_req_valid_o  (mem_req_valid),
    .mem_req_walk_o   (mem_req_walk),  // the flat memory serves walker and data alike
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

  vm_mem_flat #(
    .MemWords (MemWords)
  ) u_mem (
    .clk_i,
    .rst_ni,
    .latency_i    (cfg_mem_latency_i),
    .req_valid_i  (mem_req_valid),
    .req_ready_o  (mem_req_ready),
    .req_op_i     (mem_req_op),
    .req_addr_i   (mem_req_addr),
    .req_wdata_i  (mem_req_wdata),
    .req_cmp_i    (mem_req_cmp),
    .req_strb_i   (mem_req_strb),
    .resp_valid_o (mem_resp_valid),
    .resp_rdata_o (mem_resp_rdata)
  );

  // Observation: payloads read as zero unless their valid is set, so the checker compares no don't-cares.
  assign obs_mem_req_valid_o  = mem_req_valid;
  assign obs_mem_req_ready_o  = mem_req_ready;
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
