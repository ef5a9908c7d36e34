// The system: a core's MMU in front of its L1 data cache, the page DMA engine, the snooping bus (masters:
// 0 = the L1, 1 = the DMA engine) and the memory controller. (One core for now; the bus, its round-robin
// arbiter and the L1 snoop port are built for several.)
// Every port the lockstep checker observes is brought out (obs_*); payloads read as zero unless valid.
module vm_soc #(
  parameter int unsigned TlbEntries = 16,
  parameter int unsigned TlbWays    = 16,
  parameter int unsigned L1Sets     = 32,
  parameter int unsigned L1Ways     = 2,
  parameter int unsigned LineWords  = 8,
  parameter int unsigned MemLines   = 1024,
  parameter int unsigned PageBytes  = 4096,
  localparam int unsigned LineBits  = LineWords * 64,
  localparam int unsigned WordSelW  = (LineWords > 1) ? $clog2(LineWords) : 1
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic [1:0]  cfg_tlb_repl_i,
  input  logic [1:0]  cfg_l1_repl_i,
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

  input  logic        dma_valid_i,
  input  logic [1:0]  dma_op_i,
  input  logic [63:0] dma_src_i,
  input  logic [63:0] dma_dst_i,
  input  logic        buf_we_i,
  input  logic [$clog2(PageBytes/8)-1:0] buf_addr_i,
  input  logic [63:0] buf_wdata_i,

  output logic                   obs_mem_req_valid_o,
  output logic                   obs_mem_req_ready_o,
  output logic                   obs_mem_req_cont_o,
  output logic [1:0]             obs_mem_req_op_o,
  output logic [63:0]            obs_mem_req_addr_o,
  output logic [63:0]            obs_mem_req_wdata_o,
  output logic [63:0]            obs_mem_req_cmp_o,
  output logic [7:0]             obs_mem_req_strb_o,
  output logic                   obs_mem_resp_valid_o,
  output logic [63:0]            obs_mem_resp_rdata_o,
  output logic                   obs_fill_valid_o,
  output logic [5:0]             obs_fill_index_o,
  output vm_mmu_pkg::tlb_entry_t obs_fill_entry_o,
  output logic [TlbEntries-1:0]  obs_inval_mask_o,

  output logic                   obs_l1_chg_valid_o,
  output logic [15:0]            obs_l1_chg_index_o,
  output logic [1:0]             obs_l1_chg_old_o,
  output logic [1:0]             obs_l1_chg_new_o,
  output logic                   obs_dma_ready_o,
  output logic                   obs_dma_done_o,
  output logic [63:0]            obs_buf_rdata_o,
  output logic                   obs_bus_grant_valid_o,
  output logic                   obs_bus_grant_master_o,
  output logic [LineBits-1:0]    obs_bus_grant_line_o,   // the line the grant writes to memory
  output logic [2:0]             obs_bus_grant_type_o,
  output logic [63:0]            obs_bus_grant_addr_o,
  output logic                   obs_bus_mem_write_o,   // the grant writes a line to memory
  output logic                   obs_bus_done_valid_o,
  output logic                   obs_bus_done_shared_o,
  output logic [LineBits-1:0]    obs_bus_done_line_o,
  output logic [63:0]            obs_bus_done_word_o
);
  // MMU <-> L1
  logic        mem_req_valid, mem_req_walk, mem_req_cont, mem_req_ready, mem_resp_valid;
  logic [1:0]  mem_req_op;
  logic [63:0] mem_req_addr, mem_req_wdata, mem_req_cmp, mem_resp_rdata, mmu_csr_rdata;
  logic [7:0]  mem_req_strb;
  logic        fill_valid;
  logic [5:0]  fill_index;
  vm_mmu_pkg::tlb_entry_t fill_entry;

  // L1 and DMA <-> bus (master 0: the L1, master 1: the DMA engine)
  logic                bus_req, bus_grant, bus_done, bus_shared;
  logic [2:0]          bus_type;
  logic [63:0]         bus_addr, bus_cmp, bus_wdata, bus_word;
  logic [LineBits-1:0] bus_wline, bus_line;
  logic [WordSelW-1:0] bus_wordsel;
  logic [7:0]          bus_strb;
  logic                dma_req;
  logic [2:0]          dma_type;
  logic [63:0]         dma_addr;
  logic [LineBits-1:0] dma_line;
  logic [WordSelW-1:0] dma_word;
  logic [1:0]          grants, dones;
  logic                snoop_valid, snoop_hit, snoop_dirty;
  logic [2:0]          snoop_type;
  logic [63:0]         snoop_addr;
  logic [LineBits-1:0] snoop_line;
  logic                snoop_master;
  logic [63:0]         l1_accesses, l1_misses, l1_writebacks, l1_hits_s, l1_hits_e, l1_hits_m, l1_snoop_hits;

  // bus <-> memory controller
  logic                mc_req_valid, mc_req_ready, mc_req_write, mc_req_rmw, mc_resp_valid;
  logic [63:0]         mc_req_addr, mc_req_cmp, mc_req_wdata, mc_resp_word;
  logic [LineBits-1:0] mc_req_line, mc_resp_line;
  logic [WordSelW-1:0] mc_req_word;
  logic [7:0]          mc_req_strb;

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
    .bus_req_o         (bus_req),
    .bus_type_o        (bus_type),
    .bus_addr_o        (bus_addr),
    .bus_line_o        (bus_wline),
    .bus_word_o        (bus_wordsel),
    .bus_cmp_o         (bus_cmp),
    .bus_wdata_o       (bus_wdata),
    .bus_strb_o        (bus_strb),
    .bus_grant_i       (bus_grant),
    .bus_done_i        (bus_done),
    .bus_shared_i      (bus_shared),
    .bus_line_i        (bus_line),
    .bus_word_i        (bus_word),
    .snoop_valid_i     (snoop_valid),
    .snoop_self_i      (snoop_master == 1'b0),
    .snoop_type_i      (snoop_type),
    .snoop_addr_i      (snoop_addr),
    .snoop_hit_o       (snoop_hit),
    .snoop_dirty_o     (snoop_dirty),
    .snoop_line_o      (snoop_line),
    .chg_valid_o       (obs_l1_chg_valid_o),
    .chg_index_o       (obs_l1_chg_index_o),
    .chg_old_o         (obs_l1_chg_old_o),
    .chg_new_o         (obs_l1_chg_new_o),
    .perf_accesses_o   (l1_accesses),
    .perf_misses_o     (l1_misses),
    .perf_writebacks_o (l1_writebacks),
    .perf_hits_s_o     (l1_hits_s),
    .perf_hits_e_o     (l1_hits_e),
    .perf_hits_m_o     (l1_hits_m),
    .perf_snoop_hits_o (l1_snoop_hits),
    .seed_we_i         (csr_we_i && csr_addr_i == 5'(vm_contract_pkg::CSR_LFSR_SEED)),
    .seed_i            (csr_wdata_i[31:0])
  );

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
    .bus_done_i  (dones[1]),
    .bus_line_i  (bus_line)
  );

  assign bus_grant = grants[0];
  assign bus_done  = dones[0];

  vm_bus #(
    .Masters   (2),
    .LineWords (LineWords)
  ) u_bus (
    .clk_i,
    .rst_ni,
    .req_i            ({dma_req, bus_req}),
    .req_type_i       ({dma_type, bus_type}),
    .req_addr_i       ({dma_addr, bus_addr}),
    .req_line_i       ({dma_line, bus_wline}),
    .req_word_i       ({dma_word, bus_wordsel}),
    .req_cmp_i        ({64'b0, bus_cmp}),
    .req_wdata_i      ({64'b0, bus_wdata}),
    .req_strb_i       ({8'b0, bus_strb}),
    .grant_o          (grants),
    .done_o           (dones),
    .shared_o         (bus_shared),
    .line_o           (bus_line),
    .word_o           (bus_word),
    .snoop_valid_o    (snoop_valid),
    .snoop_master_o   (snoop_master),
    .snoop_type_o     (snoop_type),
    .snoop_addr_o     (snoop_addr),
    .snoop_hit_i      ({1'b0, snoop_hit}),
    .snoop_dirty_i    ({1'b0, snoop_dirty}),
    .snoop_line_i     ({{LineBits{1'b0}}, snoop_line}),
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
    .resp_word_o  (mc_resp_word)
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

  assign obs_mem_req_valid_o   = mem_req_valid;
  assign obs_mem_req_ready_o   = mem_req_ready;
  assign obs_mem_req_cont_o    = mem_req_valid && mem_req_cont;
  assign obs_mem_req_op_o      = mem_req_valid ? mem_req_op : '0;
  assign obs_mem_req_addr_o    = mem_req_valid ? mem_req_addr : '0;
  assign obs_mem_req_wdata_o   = mem_req_valid ? mem_req_wdata : '0;
  assign obs_mem_req_cmp_o     = mem_req_valid ? mem_req_cmp : '0;
  assign obs_mem_req_strb_o    = mem_req_valid ? mem_req_strb : '0;
  assign obs_mem_resp_valid_o  = mem_resp_valid;
  assign obs_mem_resp_rdata_o  = mem_resp_valid ? mem_resp_rdata : '0;
  assign obs_fill_valid_o      = fill_valid;
  assign obs_fill_index_o      = fill_valid ? fill_index : '0;
  assign obs_fill_entry_o      = fill_valid ? fill_entry : '0;
  assign obs_bus_grant_valid_o = snoop_valid;
  assign obs_bus_grant_master_o = snoop_valid && snoop_master;
  assign obs_bus_grant_line_o  = (mc_req_valid && mc_req_write) ? mc_req_line : '0;
  assign obs_bus_grant_type_o  = snoop_valid ? snoop_type : '0;
  assign obs_bus_grant_addr_o  = snoop_valid ? snoop_addr : '0;
  assign obs_bus_mem_write_o   = mc_req_valid && mc_req_write;
  assign obs_bus_done_valid_o  = |dones;
  assign obs_bus_done_shared_o = (|dones) && bus_shared;
  assign obs_bus_done_line_o   = (|dones) ? bus_line : '0;
  assign obs_bus_done_word_o   = (|dones) ? bus_word : '0;

  logic unused_soc;
  assign unused_soc = ^{snoop_hit, grants[1]};  // the DMA engine needs no grant, only its completion

endmodule
