// SPDX-License-Identifier: MIT
// Replacement state of a set-associative array (the TLB now, the L1 next). Twin: model/common/vm_repl.c.
// A fill takes the lowest invalid way of its set, else the policy's victim:
//   lru    per-way age counters (0 = most recent; a touch ages the ways younger than the touched one)
//   plru   a binary tree per set, node n at bit n; a node's bit points at the half holding the victim
//   fifo   a per-set pointer, advanced when a fill took the policy's victim
//   random the shared Galois LFSR (contract.def), stepped on every fill; seed_we_i reloads it afterwards
// Hits and fills touch their way. The victim is computed only while victim_req_i (simulation speed).
module vm_repl #(
  parameter int unsigned Sets = 1,
  parameter int unsigned Ways = 16,
  localparam int unsigned WayW = (Ways > 1) ? $clog2(Ways) : 1,
  localparam int unsigned SetW = (Sets > 1) ? $clog2(Sets) : 1
) (
  input  logic            clk_i,
  input  logic            rst_ni,
  input  logic [1:0]      policy_i,

  input  logic            victim_req_i,
  input  logic [SetW-1:0] victim_set_i,
  input  logic [Ways-1:0] valid_ways_i,
  output logic [WayW-1:0] victim_way_o,
  output logic            from_policy_o,   // no way of the set was invalid

  input  logic            touch_i,         // a hit, or a fill when fill_i
  input  logic            fill_i,
  input  logic            fill_policy_i,   // the fill's way came from the policy (advances fifo)
  input  logic [SetW-1:0] touch_set_i,
  input  logic [WayW-1:0] touch_way_i,

  input  logic            seed_we_i,
  input  logic [31:0]     seed_i
);
  localparam int          LogWaysI = $clog2(Ways);
  localparam logic [1:0]  ReplLru  = vm_contract_pkg::REPL_LRU[1:0];
  localparam logic [1:0]  ReplPlru = vm_contract_pkg::REPL_PLRU[1:0];
  localparam logic [1:0]  ReplFifo = vm_contract_pkg::REPL_FIFO[1:0];

  // One step of the shared Galois LFSR (contract.def).
  function automatic logic [31:0] lfsr_step(input logic [31:0] s);
    lfsr_step = (s >> 1) ^ (s[0] ? vm_contract_pkg::LFSR_TAPS : 32'h0);
  endfunction

  logic [Ways*WayW-1:0] age_q  [Sets];
  logic [Ways-1:0]      tree_q [Sets];
  logic [WayW-1:0]      fifo_q [Sets];
  logic [31:0]          lfsr_q, lfsr_d;

  // ---------------- victim ----------------
  logic [WayW-1:0] policy_way;
  logic [Ways-1:0] vtree;
  int unsigned     vnode;
  always_comb begin
    from_policy_o = 1'b1;
    victim_way_o  = '0;
    policy_way    = '0;
    vtree         = '0;
    vnode         = 1;
    if (victim_req_i) begin
      for (int w = Ways - 1; w >= 0; w--) begin
        if (!valid_ways_i[w]) begin
          from_policy_o = 1'b0;
          victim_way_o  = WayW'(w);
        end
      end
      vtree = tree_q[victim_set_i];
      unique case (policy_i)
        ReplLru: begin
          for (int w = 0; w < Ways; w++) begin
            if (age_q[victim_set_i][w*WayW +: WayW] == WayW'(Ways - 1)) policy_way = WayW'(w);
          end
        end
        ReplPlru: begin
          for (int b = 0; b < LogWaysI; b++) vnode = 2 * vnode + 32'(vtree[vnode]);
          policy_way = WayW'(vnode - Ways);
        end
        ReplFifo: policy_way = fifo_q[victim_set_i];
        default:  policy_way = WayW'(lfsr_q & (Ways - 1));
      endcase
      if (from_policy_o) victim_way_o = policy_way;
    end
  end

  // ---------------- touch ----------------
  logic [Ways*WayW-1:0] age_set_q, age_set_d;
  logic [Ways-1:0]      tree_set_d;
  logic [WayW-1:0]      fifo_set_d;
  logic [WayW-1:0]      touched_age;
  int unsigned          tnode;
  always_comb begin
    age_set_q   = age_q[touch_set_i];
    age_set_d   = age_set_q;
    touched_age = age_set_q[touch_way_i*WayW +: WayW];
    tree_set_d  = tree_q[touch_set_i];
    fifo_set_d  = fifo_q[touch_set_i];
    tnode       = 1;
    if (touch_i) begin
      for (int w = 0; w < Ways; w++) begin
        if (WayW'(w) == touch_way_i) age_set_d[w*WayW +: WayW] = '0;
        else if (age_set_q[w*WayW +: WayW] < touched_age)
          age_set_d[w*WayW +: WayW] = age_set_q[w*WayW +: WayW] + 1'b1;
      end
      for (int b = LogWaysI - 1; b >= 0; b--) begin
        tree_set_d[tnode] = ~touch_way_i[b];
        tnode = 2 * tnode + 32'(touch_way_i[b]);
      end
      if (fill_i && fill_policy_i)
        fifo_set_d = WayW'((fifo_q[touch_set_i] + 1'b1) & WayW'(Ways - 1));
    end
    lfsr_d = lfsr_q;
    if (fill_i) lfsr_d = lfsr_step(lfsr_q);
    if (seed_we_i) lfsr_d = (seed_i == '0) ? 32'(vm_contract_pkg::LFSR_RESET) : seed_i;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) lfsr_q <= 32'(vm_contract_pkg::LFSR_RESET);
    else         lfsr_q <= lfsr_d;
  end

  // Per-set state: reset to a defined order, then one set written per touch.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int s = 0; s < Sets; s++) begin
        for (int w = 0; w < Ways; w++) age_q[s][w*WayW +: WayW] <= WayW'(w);
        tree_q[s] <= '0;
        fifo_q[s] <= '0;
      end
    end else if (touch_i) begin
      age_q[touch_set_i]  <= age_set_d;
      tree_q[touch_set_i] <= tree_set_d;
      fifo_q[touch_set_i] <= fifo_set_d;
    end
  end

endmodule
