// SPDX-License-Identifier: MIT
// Snooping bus with atomic transactions: round-robin arbitration among Masters requesters; a granted
// transaction owns the bus until its completion (done_o pulse to its master), then the bus is free the next
// cycle. In the grant cycle every L1 snoops it (snoop_* outputs): their responses say whether another copy
// exists (shared, for BusRd) and which cache supplies a dirty line; that line is written to memory as part
// of the transaction, so the requester's data always comes back through the memory controller.
// UPGR needs no data and completes one cycle after its grant. Twin: model/bus/vm_bus.c.
module vm_bus #(
  parameter int unsigned Masters   = 1,
  parameter int unsigned LineWords = 8,
  localparam int unsigned LineBits = LineWords * 64,
  localparam int unsigned WordSelW = (LineWords > 1) ? $clog2(LineWords) : 1,
  localparam int unsigned MasterW  = (Masters > 1) ? $clog2(Masters) : 1
) (
  input  logic                        clk_i,
  input  logic                        rst_ni,

  // requests, one slice per master (held until done)
  input  logic [Masters-1:0]          req_i,
  input  logic [Masters*3-1:0]        req_type_i,
  input  logic [Masters*64-1:0]       req_addr_i,      // line address (byte address, line-aligned)
  input  logic [Masters*LineBits-1:0] req_line_i,      // WB: the victim line
  input  logic [Masters*WordSelW-1:0] req_word_i,      // RMW: word within the line
  input  logic [Masters*64-1:0]       req_cmp_i,
  input  logic [Masters*64-1:0]       req_wdata_i,
  input  logic [Masters*8-1:0]        req_strb_i,
  output logic [Masters-1:0]          grant_o,         // pulse: this master's transaction starts
  output logic [Masters-1:0]          done_o,          // pulse: this master's transaction completes
  output logic                        shared_o,        // with done: another cache held the line (BusRd)
  output logic [LineBits-1:0]         line_o,          // with done: the line
  output logic [63:0]                 word_o,          // with done: the RMW's old word

  // snoop broadcast (valid in the grant cycle) and the caches' answers
  output logic                        snoop_valid_o,
  output logic [MasterW-1:0]          snoop_master_o,
  output logic [2:0]                  snoop_type_o,
  output logic [63:0]                 snoop_addr_o,
  input  logic [Masters-1:0]          snoop_hit_i,     // a valid copy (before the snoop's change)
  input  logic [Masters-1:0]          snoop_dirty_i,   // supplies its dirty line
  input  logic [Masters*LineBits-1:0] snoop_line_i,

  // memory controller
  output logic                        mem_req_valid_o,
  input  logic                        mem_req_ready_i,
  output logic [63:0]                 mem_req_addr_o,
  output logic                        mem_req_write_o,
  output logic [LineBits-1:0]         mem_req_line_o,
  output logic                        mem_req_rmw_o,
  output logic [WordSelW-1:0]         mem_req_word_o,
  output logic [63:0]                 mem_req_cmp_o,
  output logic [63:0]                 mem_req_wdata_o,
  output logic [7:0]                  mem_req_strb_o,
  input  logic                        mem_resp_valid_i,
  input  logic [LineBits-1:0]         mem_resp_line_i,
  input  logic [63:0]                 mem_resp_word_i
);
  localparam logic [2:0] BusUpgr = vm_contract_pkg::BUS_UPGR[2:0];
  localparam logic [2:0] BusWb   = vm_contract_pkg::BUS_WB[2:0];
  localparam logic [2:0] BusRmw  = vm_contract_pkg::BUS_RMW[2:0];
  localparam logic [2:0] BusWli  = vm_contract_pkg::BUS_WLI[2:0];

  logic               busy_q, busy_d;
  logic               upgr_q, upgr_d;      // the transaction in flight is an UPGR (no memory access)
  logic               shared_q, shared_d;
  logic [MasterW-1:0] owner_q, owner_d;    // master of the transaction in flight
  logic [MasterW-1:0] last_q, last_d;      // last granted master (round-robin)

  // Round-robin: the first requester after the last granted one.
  // (last + k) mod Masters for k in 1..Masters, by one conditional subtraction: a `%` by a Masters that is
  // not a power of two would synthesize a divider.
  function automatic logic [MasterW-1:0] rr_index(input logic [MasterW-1:0] last, input logic [MasterW:0] k);
    logic [MasterW:0] s;
    s = {1'b0, last} + k;
    if (s >= (MasterW + 1)'(Masters)) s = s - (MasterW + 1)'(Masters);
    rr_index = s[MasterW-1:0];
  endfunction

  logic               grant;
  logic [MasterW-1:0] winner;
  always_comb begin
    grant  = 1'b0;
    winner = '0;
    if (!busy_q) begin
      for (int k = Masters; k >= 1; k--) begin
        if (req_i[rr_index(last_q, (MasterW + 1)'(k))]) begin
          grant  = 1'b1;
          winner = rr_index(last_q, (MasterW + 1)'(k));
        end
      end
    end
  end

  logic [2:0]          win_type;
  logic                any_dirty;
  logic [LineBits-1:0] dirty_line;
  assign win_type       = req_type_i[winner*3 +: 3];
  assign snoop_valid_o  = grant;
  assign snoop_master_o = winner;
  assign snoop_type_o   = win_type;
  assign snoop_addr_o   = req_addr_i[winner*64 +: 64];

  always_comb begin
    any_dirty      = 1'b0;
    dirty_line     = '0;
    for (int m = 0; m < Masters; m++) begin
      if (snoop_dirty_i[m]) begin
        any_dirty  = 1'b1;
        dirty_line = snoop_line_i[m*LineBits +: LineBits];
      end
    end
    // The memory access starts in the grant cycle (the controller is idle whenever the bus is).
    mem_req_valid_o = grant && win_type != BusUpgr;
    mem_req_addr_o  = snoop_addr_o;
    mem_req_write_o = (win_type == BusWb) || (win_type == BusWli) || any_dirty;
    mem_req_line_o  = (win_type == BusWb || win_type == BusWli) ? req_line_i[winner*LineBits +: LineBits]
                                                                 : dirty_line;
    mem_req_rmw_o   = (win_type == BusRmw);
    mem_req_word_o  = req_word_i[winner*WordSelW +: WordSelW];
    mem_req_cmp_o   = req_cmp_i[winner*64 +: 64];
    mem_req_wdata_o = req_wdata_i[winner*64 +: 64];
    mem_req_strb_o  = req_strb_i[winner*8 +: 8];
  end

  always_comb begin
    busy_d   = busy_q;
    upgr_d   = upgr_q;
    shared_d = shared_q;
    owner_d  = owner_q;
    last_d   = last_q;
    done_o   = '0;
    if (grant) begin
      busy_d   = 1'b1;
      upgr_d   = (win_type == BusUpgr);
      shared_d = |(snoop_hit_i & ~(Masters'(1) << winner));
      owner_d  = winner;
      last_d   = winner;
    end else if (busy_q && (upgr_q || mem_resp_valid_i)) begin
      done_o[owner_q] = 1'b1;
      busy_d          = 1'b0;
    end
    grant_o = '0;
    if (grant) grant_o[winner] = 1'b1;
    shared_o = shared_q;
    line_o   = mem_resp_line_i;
    word_o   = mem_resp_word_i;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q   <= 1'b0;
      upgr_q   <= 1'b0;
      shared_q <= 1'b0;
      owner_q  <= '0;
      last_q   <= MasterW'(Masters - 1);   // master 0 wins the first round
    end else begin
      busy_q   <= busy_d;
      upgr_q   <= upgr_d;
      shared_q <= shared_d;
      owner_q  <= owner_d;
      last_q   <= last_d;
    end
  end

  logic unused_mem_ready;
  assign unused_mem_ready = mem_req_ready_i;

`ifndef SYNTHESIS
  // Single writer: at most one cache supplies a dirty line.
  always_comb begin
    if (rst_ni && grant) begin
      OneDirtyOwner: assert ($onehot0(snoop_dirty_i));
    end
  end
`endif

endmodule
