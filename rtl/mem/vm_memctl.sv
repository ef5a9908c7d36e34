// SPDX-License-Identifier: MIT
// Memory controller with line-wide storage: one bus transaction at a time, answered a latency after
// acceptance (1..255 cycles). A line write (WriteBack, or the dirty line an RMW carries) lands at acceptance;
// a read returns the line as it is after that write; an RMW then compares the strobed bytes of one word with
// cmp and, if equal, writes them one cycle after acceptance. Twin: model/mem/vm_memctl.c.
//
// Timing (static inputs): with row_open_i = 0 every access takes latency_i cycles. With row_open_i = 1 the
// controller is an open-page DRAM model: 2^bank_bits_i banks (at most MaxBanks), rows of 2^row_shift_i bytes,
// row-interleaved on the byte address a as memory uses it (wrapped at mem_bytes_i):
//   bank = (a >> row_shift_i) mod 2^bank_bits_i,   row = a >> (row_shift_i + bank_bits_i)
// Each bank keeps one open row (valid bit + row number). An accepted access (any line transaction: read,
// line write, RMW; each is one access) takes row_hit_i cycles if its bank's open row is its row, else
// row_miss_i (precharge + activate + CAS; an empty bank after reset too); the bank's open row becomes its row.
// The latency is loaded into the same countdown at acceptance, so the response still comes when it reaches 1.
module vm_memctl #(
  parameter int unsigned LineWords = 8,     // 8-byte words per line
  parameter int unsigned MemLines  = 1024,  // capacity in lines (power of two)
  parameter int unsigned MaxBanks  = vm_contract_pkg::MEMROW_MAX_BANKS,  // banks the open-row model holds
  localparam int unsigned LineBits = LineWords * 64,
  localparam int unsigned WordSelW = (LineWords > 1) ? $clog2(LineWords) : 1
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic [7:0]          latency_i,      // row_open_i = 0: cycles of every access
  input  logic [63:0]         mem_bytes_i,    // the memory in use (power of two, up to the capacity)
  input  logic                row_open_i,     // open-row timing (below) instead of latency_i
  input  logic [3:0]          row_shift_i,    // log2(bytes per row): 8..13 (vm_contract_pkg::MEMROW_*_BYTES)
  input  logic [1:0]          bank_bits_i,    // log2(banks in use), at most log2(MaxBanks)
  input  logic [7:0]          row_hit_i,      // cycles of an access to its bank's open row
  input  logic [7:0]          row_miss_i,     // cycles of any other access (>= row_hit_i)

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
  output logic [63:0]         resp_word_o,    // the RMW's word before the RMW

  // row_open_i = 1 only: the access accepted this cycle found its bank's row open (hit) or not (miss)
  output logic                row_hit_o,
  output logic                row_miss_o
);
  localparam int unsigned LineSelW = (MemLines > 1) ? $clog2(MemLines) : 1;
  localparam int unsigned OffW     = $clog2(LineWords * 8);

  // Open-row model: line-index bits inside the smallest row, and the row number's width (the rows of the
  // whole capacity with the smallest rows and one bank; every other geometry has fewer).
  localparam int unsigned BankW       = (MaxBanks > 1) ? $clog2(MaxBanks) : 1;
  localparam int unsigned RowMinShift = $clog2(vm_contract_pkg::MEMROW_MIN_BYTES) - OffW;
  localparam int unsigned RowW        = (LineSelW > RowMinShift) ? LineSelW - RowMinShift : 1;

  if (MemLines < 2 || (MemLines & (MemLines - 1)) != 0) begin : gen_bad_mem_lines
    $error("vm_memctl: MemLines must be a power of two, at least 2");
  end
  if (MaxBanks < 1 || MaxBanks > 8 || (MaxBanks & (MaxBanks - 1)) != 0) begin : gen_bad_max_banks
    $error("vm_memctl: MaxBanks must be a power of two, 1..8 (bank_bits_i is 2 bits)");
  end
  if (LineSelW > 32) begin : gen_bad_mem_lines_w
    $error("vm_memctl: MemLines must be at most 2^32 (bank and row are taken from a 32-bit line index)");
  end

  logic [LineBits-1:0] mem_q [MemLines] /* verilator public_flat_rw */;

  logic [7:0]          count_q, count_d;
  logic [LineBits-1:0] line_q, line_d;
  logic                rmw_q, rmw_d;
  logic [LineSelW-1:0] index_q, index_d;
  logic [WordSelW-1:0] word_q, word_d;
  logic [63:0]         cmp_q, cmp_d, wdata_q, wdata_d;
  logic [7:0]          strb_q, strb_d;
  // open-row model: bank b's open row is bank_row_q[b*RowW +: RowW] when bank_open_q[b]
  logic [MaxBanks-1:0]      bank_open_q, bank_open_d;
  logic [MaxBanks*RowW-1:0] bank_row_q, bank_row_d;

  logic                accept;
  logic [LineSelW-1:0] index;
  logic [63:0]         strb_bits, old_word;
  logic                rmw_write;
  logic [LineBits-1:0] rmw_line;
  logic [4:0]          bank_shift, row_shift;   // in line-index bits
  logic [BankW-1:0]    bank, bank_mask;
  logic [RowW-1:0]     row;
  logic                row_hit;
  logic [7:0]          acc_latency;

  /* verilator lint_off UNUSEDSIGNAL */
  logic [63:0] line_addr;  // addresses wrap at mem_bytes_i (the MMU keeps the cores' accesses in range)
  logic [63:0] line_mask;
  logic [31:0] index32, bank_full, row_full;
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

    // Open-row model: bank and row of the line by shifts (sizes are powers of two: no divider).
    index32     = 32'(index);
    bank_shift  = 5'(row_shift_i) - 5'(OffW);
    row_shift   = bank_shift + 5'(bank_bits_i);
    bank_full   = index32 >> bank_shift;
    row_full    = index32 >> row_shift;
    bank_mask   = BankW'((4'd1 << bank_bits_i) - 4'd1);
    bank        = bank_full[BankW-1:0] & bank_mask;
    row         = row_full[RowW-1:0];
    row_hit     = 1'b0;
    bank_open_d = bank_open_q;
    bank_row_d  = bank_row_q;
    for (int b = 0; b < MaxBanks; b++) begin
      if (bank == BankW'(b)) begin
        row_hit = bank_open_q[b] && (bank_row_q[b*RowW +: RowW] == row);
        if (accept && row_open_i) begin
          bank_open_d[b]              = 1'b1;
          bank_row_d[b*RowW +: RowW]  = row;
        end
      end
    end
    acc_latency = !row_open_i ? latency_i : (row_hit ? row_hit_i : row_miss_i);
    row_hit_o   = accept && row_open_i && row_hit;
    row_miss_o  = accept && row_open_i && !row_hit;

    count_d   = accept ? acc_latency : ((count_q != 8'd0) ? count_q - 8'd1 : 8'd0);
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
      bank_open_q <= '0;
      bank_row_q  <= '0;
    end else begin
      count_q <= count_d;
      line_q  <= line_d;
      rmw_q   <= rmw_d;
      index_q <= index_d;
      word_q  <= word_d;
      cmp_q   <= cmp_d;
      wdata_q <= wdata_d;
      strb_q  <= strb_d;
      bank_open_q <= bank_open_d;
      bank_row_q  <= bank_row_d;
    end
  end

  // Storage: one write port (a line write at acceptance, or the RMW's line one cycle later).
  always_ff @(posedge clk_i) begin
    if (accept && req_write_i) mem_q[index] <= req_line_i;
    else if (rmw_write) mem_q[index_q] <= rmw_line;
  end

`ifndef SYNTHESIS
  if (MaxBanks < 8) begin : gen_banks_check
    // with MaxBanks = 8 every value of the 2-bit bank_bits_i is in range
    always_comb begin
      if (rst_ni) begin
        BanksInRange: assert (!row_open_i || 32'(bank_bits_i) <= $clog2(MaxBanks));
      end
    end
  end
  always_comb begin
    if (rst_ni) begin
      RmwNotDuringAccept: assert (!(rmw_q && accept));
    end
  end
`endif

endmodule
