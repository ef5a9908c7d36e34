// SPDX-License-Identifier: MIT
// The system: Cores cores (each an MMU in front of its L1 data cache, rtl/top/vm_core.sv), the page DMA
// engine, the snooping bus and the memory controller. Bus masters: 0 .. Cores-1 = the cores' L1s, Cores =
// the DMA engine (last, so that with one core the masters are numbered as before the multi-core top).
// Per-core ports are flattened, core c in slice c (e.g. req_addr_i[c*64 +: 64]), because yosys 0.23 reads
// no unpacked-array ports. Every port the lockstep checker observes is brought out (obs_*); payloads read
// as zero unless valid.
module vm_soc #(
  parameter int unsigned Cores      = 1,
  parameter int unsigned TlbEntries = 16,
  parameter int unsigned TlbWays    = 16,
  parameter int unsigned L1Sets     = 32,
  parameter int unsigned L1Ways     = 2,
  parameter int unsigned LineWords  = 8,
  parameter int unsigned MemLines   = 1024,
  parameter int unsigned PageBytes  = 4096,
  localparam int unsigned LineBits  = LineWords * 64,
  localparam int unsigned WordSelW  = (LineWords > 1) ? $clog2(LineWords) : 1,
  localparam int unsigned EntryW    = vm_mmu_pkg::TlbEntryW
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic [1:0]  cfg_tlb_repl_i,
  input  logic [1:0]  cfg_l1_repl_i,
  input  logic [7:0]  cfg_mem_latency_i,   // fixed latency (cfg_mem_row_open_i = 0)
  input  logic [63:0] cfg_mem_bytes_i,
  // open-row DRAM timing of the memory controller (rtl/mem/vm_memctl.sv): policy, log2 of the row bytes and
  // of the banks, row-hit and row-miss latencies
  input  logic        cfg_mem_row_open_i,
  input  logic [3:0]  cfg_mem_row_shift_i,
  input  logic [1:0]  cfg_mem_bank_bits_i,
  input  logic [7:0]  cfg_mem_row_hit_i,
  input  logic [7:0]  cfg_mem_row_miss_i,

  // per core: request port and CSRs
  input  logic [Cores-1:0]    req_valid_i,
  output logic [Cores-1:0]    req_ready_o,
  input  logic [Cores*2-1:0]  req_op_i,
  input  logic [Cores*2-1:0]  req_size_i,
  input  logic [Cores-1:0]    req_bare_i,
  input  logic [Cores*64-1:0] req_addr_i,
  input  logic [Cores*64-1:0] req_wdata_i,
  input  logic [Cores-1:0]    req_cont_i,
  output logic [Cores-1:0]    resp_valid_o,
  output logic [Cores-1:0]    resp_fault_o,
  output logic [Cores*4-1:0]  resp_cause_o,
  output logic [Cores*64-1:0] resp_rdata_o,
  output logic [Cores*64-1:0] resp_tval_o,

  input  logic [Cores-1:0]    csr_we_i,
  input  logic [Cores*5-1:0]  csr_addr_i,
  input  logic [Cores*64-1:0] csr_wdata_i,
  output logic [Cores*64-1:0] csr_rdata_o,

  // the page DMA engine
  input  logic        dma_valid_i,
  input  logic [1:0]  dma_op_i,
  input  logic [63:0] dma_src_i,
  input  logic [63:0] dma_dst_i,
  input  logic        buf_we_i,
  input  logic [$clog2(PageBytes/8)-1:0] buf_addr_i,
  input  logic [63:0] buf_wdata_i,

  // per core: observation of the MMU's memory port, the TLB and the L1
  output logic [Cores-1:0]            obs_mem_req_valid_o,
  output logic [Cores-1:0]            obs_mem_req_ready_o,
  output logic [Cores-1:0]            obs_mem_req_cont_o,
  output logic [Cores*2-1:0]          obs_mem_req_op_o,
  output logic [Cores*64-1:0]         obs_mem_req_addr_o,
  output logic [Cores*64-1:0]         obs_mem_req_wdata_o,
  output logic [Cores*64-1:0]         obs_mem_req_cmp_o,
  output logic [Cores*8-1:0]          obs_mem_req_strb_o,
  output logic [Cores-1:0]            obs_mem_resp_valid_o,
  output logic [Cores*64-1:0]         obs_mem_resp_rdata_o,
  output logic [Cores-1:0]            obs_fill_valid_o,
  output logic [Cores*6-1:0]          obs_fill_index_o,
  output logic [Cores*EntryW-1:0]     obs_fill_entry_o,   // vm_mmu_pkg::tlb_entry_t per core
  output logic [Cores*TlbEntries-1:0] obs_inval_mask_o,
  output logic [Cores-1:0]            obs_l1_chg_valid_o,
  output logic [Cores*16-1:0]         obs_l1_chg_index_o,
  output logic [Cores*2-1:0]          obs_l1_chg_old_o,
  output logic [Cores*2-1:0]          obs_l1_chg_new_o,
  output logic [Cores*64-1:0]         obs_l1_chg_addr_o,

  // the DMA engine and the bus
  output logic                   obs_dma_ready_o,
  output logic                   obs_dma_done_o,
  output logic [63:0]            obs_buf_rdata_o,
  output logic                   obs_bus_grant_valid_o,
  output logic [2:0]             obs_bus_grant_master_o,  // c < Cores: core c's L1; Cores: the DMA engine
  output logic [LineBits-1:0]    obs_bus_grant_line_o,    // the line the grant writes to memory
  output logic [2:0]             obs_bus_grant_type_o,
  output logic [63:0]            obs_bus_grant_addr_o,
  output logic                   obs_bus_mem_write_o,     // the grant writes a line to memory
  output logic                   obs_bus_mem_row_hit_o,   // open-row timing: the grant's access hit its row
  output logic                   obs_bus_mem_row_miss_o,  // open-row timing: ... missed it
  output logic                   obs_bus_done_valid_o,
  output logic                   obs_bus_done_shared_o,
  output logic [LineBits-1:0]    obs_bus_done_line_o,
  output logic [63:0]            obs_bus_done_word_o
);
  localparam int unsigned Masters = Cores + 1;
  localparam int unsigned MasterW = $clog2(Masters);   // Masters >= 2

  if (Cores < 1 || Cores > 4) begin : gen_bad_cores
    $error("vm_soc: Cores must be 1..4 (obs_bus_grant_master_o is 3 bits, the C port holds 4 cores)");
  end

  // the cores' L1s <-> bus, core c in slice c
  logic [Cores-1:0]          core_bus_req, core_snoop_hit, core_snoop_dirty;
  logic [Cores*3-1:0]        core_bus_type;
  logic [Cores*64-1:0]       core_bus_addr, core_bus_cmp, core_bus_wdata;
  logic [Cores*LineBits-1:0] core_bus_line, core_snoop_line;
  logic [Cores*WordSelW-1:0] core_bus_word;
  logic [Cores*8-1:0]        core_bus_strb;

  // the DMA engine <-> bus
  logic                dma_req;
  logic [2:0]          dma_type;
  logic [63:0]         dma_addr;
  logic [LineBits-1:0] dma_line;
  logic [WordSelW-1:0] dma_word;

  // bus, shared by all masters
  logic [Masters-1:0]  grants, dones;
  logic                bus_shared;
  logic [LineBits-1:0] bus_line;
  logic [63:0]         bus_word;
  logic                snoop_valid;
  logic [MasterW-1:0]  snoop_master;
  logic [2:0]          snoop_type;
  logic [63:0]         snoop_addr;

  // bus <-> memory controller
  logic                mc_req_valid, mc_req_ready, mc_req_write, mc_req_rmw, mc_resp_valid;
  logic [63:0]         mc_req_addr, mc_req_cmp, mc_req_wdata, mc_resp_word;
  logic [LineBits-1:0] mc_req_line, mc_resp_line;
  logic [WordSelW-1:0] mc_req_word;
  logic [7:0]          mc_req_strb;
  logic                mc_row_hit, mc_row_miss;

  for (genvar c = 0; c < Cores; c++) begin : gen_core
    vm_core #(
      .TlbEntries (TlbEntries),
      .TlbWays    (TlbWays),
      .L1Sets     (L1Sets),
      .L1Ways     (L1Ways),
      .LineWords  (LineWords)
    ) u_core (
      .clk_i,
      .rst_ni,
      .cfg_tlb_repl_i,
      .cfg_l1_repl_i,
      .cfg_mem_bytes_i,
      .req_valid_i          (req_valid_i[c]),
      .req_ready_o          (req_ready_o[c]),
      .req_op_i             (req_op_i[c*2 +: 2]),
      .req_size_i           (req_size_i[c*2 +: 2]),
      .req_bare_i           (req_bare_i[c]),
      .req_addr_i           (req_addr_i[c*64 +: 64]),
      .req_wdata_i          (req_wdata_i[c*64 +: 64]),
      .req_cont_i           (req_cont_i[c]),
      .resp_valid_o         (resp_valid_o[c]),
      .resp_fault_o         (resp_fault_o[c]),
      .resp_cause_o         (resp_cause_o[c*4 +: 4]),
      .resp_rdata_o         (resp_rdata_o[c*64 +: 64]),
      .resp_tval_o          (resp_tval_o[c*64 +: 64]),
      .csr_we_i             (csr_we_i[c]),
      .csr_addr_i           (csr_addr_i[c*5 +: 5]),
      .csr_wdata_i          (csr_wdata_i[c*64 +: 64]),
      .csr_rdata_o          (csr_rdata_o[c*64 +: 64]),
      .bus_req_o            (core_bus_req[c]),
      .bus_type_o           (core_bus_type[c*3 +: 3]),
      .bus_addr_o           (core_bus_addr[c*64 +: 64]),
      .bus_line_o           (core_bus_line[c*LineBits +: LineBits]),
      .bus_word_o           (core_bus_word[c*WordSelW +: WordSelW]),
      .bus_cmp_o            (core_bus_cmp[c*64 +: 64]),
      .bus_wdata_o          (core_bus_wdata[c*64 +: 64]),
      .bus_strb_o           (core_bus_strb[c*8 +: 8]),
      .bus_grant_i          (grants[c]),
      .bus_done_i           (dones[c]),
      .bus_shared_i         (bus_shared),
      .bus_line_i           (bus_line),
      .bus_word_i           (bus_word),
      .snoop_valid_i        (snoop_valid),
      .snoop_self_i         (snoop_master == MasterW'(c)),
      .snoop_type_i         (snoop_type),
      .snoop_addr_i         (snoop_addr),
      .snoop_hit_o          (core_snoop_hit[c]),
      .snoop_dirty_o        (core_snoop_dirty[c]),
      .snoop_line_o         (core_snoop_line[c*LineBits +: LineBits]),
      .obs_mem_req_valid_o  (obs_mem_req_valid_o[c]),
      .obs_mem_req_ready_o  (obs_mem_req_ready_o[c]),
      .obs_mem_req_cont_o   (obs_mem_req_cont_o[c]),
      .obs_mem_req_op_o     (obs_mem_req_op_o[c*2 +: 2]),
      .obs_mem_req_addr_o   (obs_mem_req_addr_o[c*64 +: 64]),
      .obs_mem_req_wdata_o  (obs_mem_req_wdata_o[c*64 +: 64]),
      .obs_mem_req_cmp_o    (obs_mem_req_cmp_o[c*64 +: 64]),
      .obs_mem_req_strb_o   (obs_mem_req_strb_o[c*8 +: 8]),
      .obs_mem_resp_valid_o (obs_mem_resp_valid_o[c]),
      .obs_mem_resp_rdata_o (obs_mem_resp_rdata_o[c*64 +: 64]),
      .obs_fill_valid_o     (obs_fill_valid_o[c]),
      .obs_fill_index_o     (obs_fill_index_o[c*6 +: 6]),
      .obs_fill_entry_o     (obs_fill_entry_o[c*EntryW +: EntryW]),
      .obs_inval_mask_o     (obs_inval_mask_o[c*TlbEntries +: TlbEntries]),
      .obs_l1_chg_valid_o   (obs_l1_chg_valid_o[c]),
      .obs_l1_chg_index_o   (obs_l1_chg_index_o[c*16 +: 16]),
      .obs_l1_chg_old_o     (obs_l1_chg_old_o[c*2 +: 2]),
      .obs_l1_chg_new_o     (obs_l1_chg_new_o[c*2 +: 2]),
      .obs_l1_chg_addr_o    (obs_l1_chg_addr_o[c*64 +: 64])
    );
  end

  vm_dma #(
    .LineWords (LineWords),
    .PageBytes (PageBytes)
  ) u_dma (
    .clk_i,
    .rst_ni,
    .mem_bytes_i (cfg_mem_bytes_i),
    .cmd_valid_i (dma_valid_i),
    .cmd_ready_o (obs_dma_ready_o),
    .cmd_op_i    (dma_op_i),
    .cmd_src_i   (dma_src_i),
    .cmd_dst_i   (dma_dst_i),
    .done_o      (obs_dma_done_o),
    .buf_we_i,
    .buf_addr_i,
    .buf_wdata_i,
    .buf_rdata_o (obs_buf_rdata_o),
    .bus_req_o   (dma_req),
    .bus_type_o  (dma_type),
    .bus_addr_o  (dma_addr),
    .bus_line_o  (dma_line),
    .bus_word_o  (dma_word),
    .bus_done_i  (dones[Cores]),
    .bus_line_i  (bus_line)
  );

  // The DMA engine (the last master) caches nothing: its snoop answers are zero. It uses no compare,
  // write data or strobes (its writes are whole lines).
  vm_bus #(
    .Masters   (Masters),
    .LineWords (LineWords)
  ) u_bus (
    .clk_i,
    .rst_ni,
    .req_i            ({dma_req, core_bus_req}),
    .req_type_i       ({dma_type, core_bus_type}),
    .req_addr_i       ({dma_addr, core_bus_addr}),
    .req_line_i       ({dma_line, core_bus_line}),
    .req_word_i       ({dma_word, core_bus_word}),
    .req_cmp_i        ({64'b0, core_bus_cmp}),
    .req_wdata_i      ({64'b0, core_bus_wdata}),
    .req_strb_i       ({8'b0, core_bus_strb}),
    .grant_o          (grants),
    .done_o           (dones),
    .shared_o         (bus_shared),
    .line_o           (bus_line),
    .word_o           (bus_word),
    .snoop_valid_o    (snoop_valid),
    .snoop_master_o   (snoop_master),
    .snoop_type_o     (snoop_type),
    .snoop_addr_o     (snoop_addr),
    .snoop_hit_i      ({1'b0, core_snoop_hit}),
    .snoop_dirty_i    ({1'b0, core_snoop_dirty}),
    .snoop_line_i     ({{LineBits{1'b0}}, core_snoop_line}),
    .mem_req_valid_o  (mc_req_valid),
    .mem_req_ready_i  (mc_req_ready),
    .mem_req_addr_o   (mc_req_addr),
    .mem_req_write_o  (mc_req_write),
    .mem_req_line_o   (mc_req_line),
    .mem_req_rmw_o    (mc_req_rmw),
    .mem_req_word_o   (mc_req_word),
    .mem_req_cmp_o    (mc_req_cmp),
    .mem_req_wdata_o  (mc_req_wdata),
    .mem_req_strb_o   (mc_req_strb),
    .mem_resp_valid_i (mc_resp_valid),
    .mem_resp_line_i  (mc_resp_line),
    .mem_resp_word_i  (mc_resp_word)
  );

  vm_memctl #(
    .LineWords (LineWords),
    .MemLines  (MemLines)
  ) u_mem (
    .clk_i,
    .rst_ni,
    .latency_i    (cfg_mem_latency_i),
    .mem_bytes_i  (cfg_mem_bytes_i),
    .row_open_i   (cfg_mem_row_open_i),
    .row_shift_i  (cfg_mem_row_shift_i),
    .bank_bits_i  (cfg_mem_bank_bits_i),
    .row_hit_i    (cfg_mem_row_hit_i),
    .row_miss_i   (cfg_mem_row_miss_i),
    .req_valid_i  (mc_req_valid),
    .req_ready_o  (mc_req_ready),
    .req_addr_i   (mc_req_addr),
    .req_write_i  (mc_req_write),
    .req_line_i   (mc_req_line),
    .req_rmw_i    (mc_req_rmw),
    .req_word_i   (mc_req_word),
    .req_cmp_i    (mc_req_cmp),
    .req_wdata_i  (mc_req_wdata),
    .req_strb_i   (mc_req_strb),
    .resp_valid_o (mc_resp_valid),
    .resp_line_o  (mc_resp_line),
    .resp_word_o  (mc_resp_word),
    .row_hit_o    (mc_row_hit),
    .row_miss_o   (mc_row_miss)
  );

  assign obs_bus_grant_valid_o  = snoop_valid;
  assign obs_bus_grant_master_o = snoop_valid ? 3'(snoop_master) : '0;
  assign obs_bus_grant_line_o   = (mc_req_valid && mc_req_write) ? mc_req_line : '0;
  assign obs_bus_grant_type_o   = snoop_valid ? snoop_type : '0;
  assign obs_bus_grant_addr_o   = snoop_valid ? snoop_addr : '0;
  assign obs_bus_mem_write_o    = mc_req_valid && mc_req_write;
  assign obs_bus_mem_row_hit_o  = mc_row_hit;
  assign obs_bus_mem_row_miss_o = mc_row_miss;
  assign obs_bus_done_valid_o   = |dones;
  assign obs_bus_done_shared_o  = (|dones) && bus_shared;
  assign obs_bus_done_line_o    = (|dones) ? bus_line : '0;
  assign obs_bus_done_word_o    = (|dones) ? bus_word : '0;

  logic unused_soc;
  assign unused_soc = grants[Cores];  // the DMA engine needs no grant, only its completion

endmodule
