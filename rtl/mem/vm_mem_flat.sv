// SPDX-License-Identifier: MIT
// Flat physical memory behind one request port with a fixed latency (1..255 cycles, static input).
// One request at a time: accepted when idle, answered latency_i cycles later with the word as it was when
// the request was accepted. WRITE stores the strobed bytes at acceptance; CAS compares the strobed bytes
// with cmp and, if equal, writes them one cycle after acceptance (a read-modify-write that nothing can
// interleave, since the port is busy until the response). Twin: model/mem/vm_mem_flat.c.
// The array is the simulation's physical memory; the harness loads an initial image at cycle 0 through
// the public array (never afterwards in lockstep runs).
module vm_mem_flat #(
  parameter int unsigned MemWords = 1024   // capacity in 8-byte words (power of two)
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic [7:0]  latency_i,

  input  logic        req_valid_i,
  output logic        req_ready_o,
  input  logic [1:0]  req_op_i,
  input  logic [63:0] req_addr_i,
  input  logic [63:0] req_wdata_i,
  input  logic [63:0] req_cmp_i,
  input  logic [7:0]  req_strb_i,
  output logic        resp_valid_o,
  output logic [63:0] resp_rdata_o
);
  localparam int unsigned AddrW = (MemWords > 1) ? $clog2(MemWords) : 1;

  if (MemWords < 2 || (MemWords & (MemWords - 1)) != 0) begin : gen_bad_mem_words
    $error("vm_mem_flat: MemWords must be a power of two, at least 2");
  end
  localparam logic [1:0]  OpWrite = vm_contract_pkg::MEMOP_WRITE[1:0];
  localparam logic [1:0]  OpCas   = vm_contract_pkg::MEMOP_CAS[1:0];

  logic [63:0] mem_q [MemWords] /* verilator public_flat_rw */;

  logic [7:0]       count_q, count_d;     // cycles left until the response; 0 = idle
  logic [63:0]      rdata_q;
  logic             cas_q, cas_d;
  logic [AddrW-1:0] index_q, index_d;
  logic [63:0]      wdata_q, wdata_d, cmp_q, cmp_d;
  logic [7:0]       strb_q, strb_d;

  logic             accept;
  logic [AddrW-1:0] index;
  logic [63:0]      strb_bits_q;
  logic             we;
  logic [AddrW-1:0] windex;
  logic [63:0]      wdata;
  logic [7:0]       wstrb;

  /* verilator lint_off UNUSEDSIGNAL */
  logic [63:0] addr_word;  // bits above the capacity wrap; the MMU keeps accesses in range
  /* verilator lint_on UNUSEDSIGNAL */

  assign req_ready_o  = (count_q == 8'd0);
  assign resp_valid_o = (count_q == 8'd1);
  assign resp_rdata_o = rdata_q;

  always_comb begin
    accept       = req_valid_i && req_ready_o;
    addr_word    = req_addr_i >> 3;
    index        = addr_word[AddrW-1:0];
    count_d      = accept ? latency_i : ((count_q != 8'd0) ? count_q - 8'd1 : 8'd0);
    cas_d        = accept && (req_op_i == OpCas);
    index_d      = accept ? index : index_q;
    wdata_d      = accept ? req_wdata_i : wdata_q;
    cmp_d        = accept ? req_cmp_i : cmp_q;
    strb_d       = accept ? req_strb_i : strb_q;
    for (int b = 0; b < 8; b++) strb_bits_q[b*8 +: 8] = {8{strb_q[b]}};
    // One write port: a WRITE at acceptance, or the second half of a CAS.
    we     = 1'b0;
    windex = index;
    wdata  = req_wdata_i;
    wstrb  = req_strb_i;
    if (accept && req_op_i == OpWrite) begin
      we = 1'b1;
    end else if (cas_q && ((rdata_q ^ cmp_q) & strb_bits_q) == '0) begin
      we     = 1'b1;
      windex = index_q;
      wdata  = wdata_q;
      wstrb  = strb_q;
    end
  end

  // Named invariant: the write port serves one of WRITE-at-acceptance or the CAS second half per cycle.
`ifndef SYNTHESIS
  always_comb begin
    if (rst_ni) begin
      CasNotDuringAccept: assert (!(cas_q && accept));
    end
  end
`endif

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      count_q <= '0;
      cas_q   <= 1'b0;
      index_q <= '0;
      wdata_q <= '0;
      cmp_q   <= '0;
      strb_q  <= '0;
    end else begin
      count_q <= count_d;
      cas_q   <= cas_d;
      index_q <= index_d;
      wdata_q <= wdata_d;
      cmp_q   <= cmp_d;
      strb_q  <= strb_d;
    end
  end

  // Storage: synchronous read at acceptance, byte-strobed write port.
  always_ff @(posedge clk_i) begin
    if (accept) rdata_q <= mem_q[index];
    for (int b = 0; b < 8; b++) begin
      if (we && wstrb[b]) mem_q[windex][b*8 +: 8] <= wdata[b*8 +: 8];
    end
  end

endmodule
