// Memory controller with line-wide storage: one bus transaction at a time, answered latency_i cycles after
// acceptance (1..255). A line write (WriteBack, or the dirty line an RMW carries) lands at acceptance; a
// read returns the line as it is after that write; an RMW then compares the strobed bytes of one word with
// cmp and, if equal, writes them one cycle after acceptance. Twin: model/mem/vm_memctl.c.
module vm_memctl #(
  parameter int unsigned LineWords = 8,     // 8-byte words per line
  parameter int unsigned MemLines  = 1024,  // capacity in lines (power of two)
  localparam int unsigned LineBits = LineWords * 64,
  localparam int unsigned WordSelW = (LineWords > 1) ? $clog2(LineWords) : 1
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic [7:0]          latency_i,
  input  logic [63:0]         mem_bytes_i,    // the memory in use (power of two, up to the capacity)

  input  logic                req_valid_i,
  output logic                req_ready_o,
  input  logic [63:0]         req_addr_i,     // byte address of the line
  input  logic                req_write_i,    // write req_line_i first
  input  logic [LineBits-1:0] req_line_i,
  input  logic                req_rmw_i,
  input  logic [WordSelW-1:0] req_word_i,
  input  logic [63:0]         req_cmp_i,
  input  logic [63:0]         req_wdata_i,
  input  logic [7:0]          req_strb_i,

  output logic                resp_valid_o,
  output logic [LineBits-1:0] resp_line_o,    // the line after the write, before the RMW
  output logic [63:0]         resp_word_o     // the RMW's word before the RMW
);
  localparam int unsigned LineSelW = (MemLines > 1) ? $clog2(MemLines) : 1;
  localparam int unsigned OffW     = $clog2(LineWords * 8);

  if (MemLines < 2 || (MemLines & (MemLines - 1)) != 0) begin : gen_bad_mem_lines
    $error("vm_memctl: MemLines must be a power of two, at least 2");
  end

  logic [LineBits-1:0] mem_q [MemLines] /* verilator public_flat_rw */;

  logic [7:0]          count_q, count_d;
  logic [LineBits-1:0] line_q, line_d;
  logic                rmw_q, rmw_d;
  logic [LineSelW-1:0] index_q, index_d;
  logic [WordSelW-1:0] word_q, word_d;
  logic [63:0]         cmp_q, cmp_d, wdata_q, wdata_d;
  logic [7:0]          strb_q, strb_d;

  logic                accept;
  logic [LineSelW-1:0] index;
  logic [63:0]         strb_bits, old_word;
  logic                rmw_write;
  logic [LineBits-1:0] rmw_line;

  /* verilator lint_off UNUSEDSIGNAL */
  logic [63:0] line_addr;  // addresses wrap at mem_bytes_i (the MMU keeps the cores' accesses in range)
  logic [63:0] line_mask;
  /* verilator lint_on UNUSEDSIGNAL */

  assign req_ready_o  = (count_q == 8'd0);
  assign resp_valid_o = (count_q == 8'd1);
  assign resp_line_o  = line_q;
  assign resp_word_o  = line_q[word_q*64 +: 64];

  always_comb begin
    accept    = req_valid_i && req_ready_o;
    line_mask = (mem_bytes_i >> OffW) - 64'd1;
    line_addr = (req_addr_i >> OffW) & line_mask;
    index     = line_addr[LineSelW-1:0];
    count_d   = accept ? latency_i : ((count_q != 8'd0) ? count_q - 8'd1 : 8'd0);
    line_d    = line_q;
    if (accept) line_d = req_write_i ? req_line_i : mem_q[index];
    rmw_d     = accept && req_rmw_i;
    index_d   = accept ? index : index_q;
    word_d    = accept ? req_word_i : word_q;
    cmp_d     = accept ? req_cmp_i : cmp_q;
    wdata_d   = accept ? req_wdata_i : wdata_q;
    strb_d    = accept ? req_strb_i : strb_q;
    for (int b = 0; b < 8; b++) strb_bits[b*8 +: 8] = {8{strb_q[b]}};
    old_word  = line_q[word_q*64 +: 64];
    rmw_write = rmw_q && ((old_word ^ cmp_q) & strb_bits) == '0;
    rmw_line  = line_q;
    rmw_line[word_q*64 +: 64] = (old_word & ~strb_bits) | (wdata_q & strb_bits);
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      count_q <= '0;
      line_q  <= '0;
      rmw_q   <= 1'b0;
      index_q <= '0;
      word_q  <= '0;
      cmp_q   <= '0;
      wdata_q <= '0;
      strb_q  <= '0;
    end else begin
      count_q <= count_d;
      line_q  <= line_d;
      rmw_q   <= rmw_d;
      index_q <= index_d;
      word_q  <= word_d;
      cmp_q   <= cmp_d;
      wdata_q <= wdata_d;
      strb_q  <= strb_d;
    end
  end

  // Storage: one write port (a line write at acceptance, or the RMW's line one cycle later).
  always_ff @(posedge clk_i) begin
    if (accept && req_write_i) mem_q[index] <= req_line_i;
    else if (rmw_write) mem_q[index_q] <= rmw_line;
  end

`ifndef SYNTHESIS
  always_comb begin
    if (rst_ni) begin
      RmwNotDuringAccept: assert (!(rmw_q && accept));
    end
  end
`endif

endmodule
