// SPDX-License-Identifier: MIT
// L1 data cache: physically indexed and tagged, write-back, write-allocate, MESI, one request at a time.
// Twin: model/cache/vm_l1.c. The protocol (states, snoop answers, races) is rtl/cache/PROTOCOL.md.
//
// Requests come from the core's MMU memory port: data loads/stores (cached) and the walker's PTE reads
// (served from the cache on a hit, else a non-allocating RDNA on the bus) and A/D compare-and-swaps (always
// an atomic RMW on the bus, which takes every copy, this cache's included).
// Timing: a hit answers the cycle after acceptance; a miss asks the bus the cycle after acceptance
// (a dirty victim is written back first) and answers in the cycle the fill arrives.
// No request is accepted in a cycle that snoops this cache (no same-cycle hit/snoop race).
module vm_l1 #(
  parameter int unsigned Sets      = 32,
  parameter int unsigned Ways      = 2,
  parameter int unsigned LineWords = 8,
  localparam int unsigned LineBits = LineWords * 64,
  localparam int unsigned WordSelW = (LineWords > 1) ? $clog2(LineWords) : 1,
  localparam int unsigned WayW     = (Ways > 1) ? $clog2(Ways) : 1,
  localparam int unsigned SetW     = (Sets > 1) ? $clog2(Sets) : 1
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic [1:0]          cfg_repl_i,

  // from the MMU's memory port
  input  logic                req_valid_i,
  output logic                req_ready_o,
  input  logic [1:0]          req_op_i,       // VM_MEMOP_*
  input  logic                req_walk_i,     // the walker's request (non-allocating)
  input  logic                req_cont_i,     // continues the previous demand access (its next piece)
  input  logic [63:0]         req_addr_i,     // 8-byte aligned
  input  logic [63:0]         req_wdata_i,
  input  logic [63:0]         req_cmp_i,
  input  logic [7:0]          req_strb_i,
  output logic                resp_valid_o,
  output logic [63:0]         resp_rdata_o,

  // bus master port (request held until done)
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

  // snoop
  input  logic                snoop_valid_i,
  input  logic                snoop_self_i,
  input  logic [2:0]          snoop_type_i,
  input  logic [63:0]         snoop_addr_i,
  output logic                snoop_hit_o,
  output logic                snoop_dirty_o,
  output logic [LineBits-1:0] snoop_line_o,

  // observation: one line-state change per cycle at most
  output logic                chg_valid_o,
  output logic [15:0]         chg_index_o,    // set * Ways + way
  output logic [1:0]          chg_old_o,
  output logic [1:0]          chg_new_o,
  output logic [63:0]         chg_addr_o,     // line-aligned address of the line in chg_new_o after the edge

  output logic [63:0]         perf_accesses_o,
  output logic [63:0]         perf_misses_o,
  output logic [63:0]         perf_writebacks_o,
  output logic [63:0]         perf_hits_s_o,      // demand accesses whose first piece hit, by line state
  output logic [63:0]         perf_hits_e_o,
  output logic [63:0]         perf_hits_m_o,
  output logic [63:0]         perf_snoop_hits_o,  // other masters' transactions that found a copy here

  input  logic                seed_we_i,
  input  logic [31:0]         seed_i
);
  localparam int unsigned OffW  = $clog2(LineWords * 8);
  localparam int unsigned LogSets = $clog2(Sets);
  localparam int unsigned TagW  = 56 - OffW - LogSets;
  localparam int unsigned Lines = Sets * Ways;
  localparam int unsigned LineSelW = (Lines > 1) ? $clog2(Lines) : 1;

  localparam logic [1:0] MesiI = vm_contract_pkg::MESI_I[1:0];
  localparam logic [1:0] MesiS = vm_contract_pkg::MESI_S[1:0];
  localparam logic [1:0] MesiE = vm_contract_pkg::MESI_E[1:0];
  localparam logic [1:0] MesiM = vm_contract_pkg::MESI_M[1:0];
  localparam logic [1:0] OpRead  = vm_contract_pkg::MEMOP_READ[1:0];
  localparam logic [1:0] OpWrite = vm_contract_pkg::MEMOP_WRITE[1:0];
  localparam logic [2:0] BusRd   = vm_contract_pkg::BUS_RD[2:0];
  localparam logic [2:0] BusRdx  = vm_contract_pkg::BUS_RDX[2:0];
  localparam logic [2:0] BusUpgr = vm_contract_pkg::BUS_UPGR[2:0];
  localparam logic [2:0] BusWb   = vm_contract_pkg::BUS_WB[2:0];
  localparam logic [2:0] BusRdna = vm_contract_pkg::BUS_RDNA[2:0];
  localparam logic [2:0] BusRmw  = vm_contract_pkg::BUS_RMW[2:0];
  localparam logic [2:0] BusWli  = vm_contract_pkg::BUS_WLI[2:0];

  if (Sets < 1 || (Sets & (Sets - 1)) != 0) begin : gen_bad_sets
    $error("vm_l1: Sets must be a power of two");
  end
  if (Ways < 1 || Ways > 64 || (Ways & (Ways - 1)) != 0) begin : gen_bad_ways
    $error("vm_l1: Ways must be a power of two in 1..64");
  end
  if (LineWords < 1 || LineWords > 8 || (LineWords & (LineWords - 1)) != 0) begin : gen_bad_line
    $error("vm_l1: LineWords must be 1, 2, 4 or 8 (lines of 8 to 64 bytes)");
  end

  typedef enum logic [2:0] {StIdle, StResp, StWbReq, StWbWait, StFillReq, StUpgReq, StNaReq, StRmwReq} l1_state_e;

  logic [TagW-1:0] tag_q   [Lines];
  logic [1:0]      mesi_q  [Lines];
  logic [63:0]     data_q  [Lines * LineWords];

  l1_state_e       state_q, state_d;
  logic [1:0]      op_q, op_d;
  logic [63:0]     addr_q, addr_d, wdata_q, wdata_d, cmp_q, cmp_d, rdata_q, rdata_d;
  logic [7:0]      strb_q, strb_d;
  logic [WayW-1:0] way_q, way_d;           // the line this request works on (hit or victim)
  logic            policy_q, policy_d;     // the victim came from the policy (fifo advance)
  logic [63:0]     accesses_q, accesses_d, misses_q, misses_d, wbs_q, wbs_d;
  logic            missed_q, missed_d;     // the current demand access has missed (counted once)
  logic [63:0]     hits_q [3];             // by state S, E, M
  logic [63:0]     snoop_hits_q;

  /* verilator lint_off UNUSEDSIGNAL */
  function automatic logic [SetW-1:0] set_of(input logic [63:0] a);
    logic [63:0] s;
    s = a >> OffW;
    set_of = (Sets > 1) ? s[SetW-1:0] : '0;
  endfunction
  function automatic logic [TagW-1:0] tag_of(input logic [63:0] a);
    logic [63:0] t;
    t = a >> (OffW + LogSets);
    tag_of = t[TagW-1:0];
  endfunction
  function automatic int unsigned line_of(input logic [SetW-1:0] s, input logic [WayW-1:0] w);
    line_of = 32'(s) * Ways + 32'(w);
  endfunction
  function automatic logic [WordSelW-1:0] word_of(input logic [63:0] a);
    logic [63:0] w;
    w = a >> 3;
    word_of = (LineWords > 1) ? w[WordSelW-1:0] : '0;
  endfunction
  /* verilator lint_on UNUSEDSIGNAL */
  function automatic logic [63:0] merge(input logic [63:0] old, input logic [63:0] wdata,
                                        input logic [7:0] strb);
    for (int b = 0; b < 8; b++) merge[b*8 +: 8] = strb[b] ? wdata[b*8 +: 8] : old[b*8 +: 8];
  endfunction

  // ---------------- lookups: the request (in StIdle) and the snoop ----------------
  logic            hit;
  logic [WayW-1:0] hit_way;
  logic [SetW-1:0] req_set;
  logic            snp_hit;
  logic [WayW-1:0] snp_way;
  logic [SetW-1:0] snp_set;
  always_comb begin
    req_set = set_of(req_addr_i);
    hit     = 1'b0;
    hit_way = '0;
    if (state_q == StIdle && req_valid_i) begin
      for (int w = 0; w < Ways; w++) begin
        if (!hit && mesi_q[line_of(req_set, WayW'(w))] != MesiI &&
            tag_q[line_of(req_set, WayW'(w))] == tag_of(req_addr_i)) begin
          hit     = 1'b1;
          hit_way = WayW'(w);
        end
      end
    end
    snp_set = set_of(snoop_addr_i);
    snp_hit = 1'b0;
    snp_way = '0;
    if (snoop_valid_i) begin
      for (int w = 0; w < Ways; w++) begin
        if (!snp_hit && mesi_q[line_of(snp_set, WayW'(w))] != MesiI &&
            tag_q[line_of(snp_set, WayW'(w))] == tag_of(snoop_addr_i)) begin
          snp_hit = 1'b1;
          snp_way = WayW'(w);
        end
      end
    end
  end

  // ---------------- snoop answer and its state change ----------------
  logic [1:0] snp_old, snp_new;
  logic       snp_change;
  always_comb begin
    snp_old       = snp_hit ? mesi_q[line_of(snp_set, snp_way)] : MesiI;
    snp_new       = snp_old;
    snoop_dirty_o = 1'b0;
    snoop_line_o  = '0;
    if (snp_hit && (!snoop_self_i || snoop_type_i == BusRmw)) begin
      unique case (snoop_type_i)
        BusRd:   snp_new = MesiS;
        BusRdx:  snp_new = MesiI;
        BusUpgr: snp_new = MesiI;
        BusRdna: snp_new = (snp_old == MesiM) ? MesiE : snp_old;
        BusRmw:  snp_new = MesiI;
        BusWli:  snp_new = MesiI;     // the whole line is overwritten: a dirty copy is dropped
        default: snp_new = snp_old;   // WB: only the owner holds the line
      endcase
      snoop_dirty_o = (snp_old == MesiM) && snoop_type_i != BusWb && snoop_type_i != BusUpgr &&
                      snoop_type_i != BusWli;
      for (int k = 0; k < LineWords; k++)
        snoop_line_o[k*64 +: 64] = data_q[line_of(snp_set, snp_way) * LineWords + k];
    end
    snoop_hit_o = snp_hit && !snoop_self_i;
    snp_change  = snp_new != snp_old;
  end

  // ---------------- replacement ----------------
  logic [Ways-1:0] set_valid;
  logic [WayW-1:0] victim_way;
  logic            victim_policy;
  logic            repl_touch, repl_fill;
  logic [SetW-1:0] repl_set;
  logic [WayW-1:0] repl_way;
  always_comb begin
    for (int w = 0; w < Ways; w++) set_valid[w] = mesi_q[line_of(req_set, WayW'(w))] != MesiI;
  end

  vm_repl #(
    .Sets (Sets),
    .Ways (Ways)
  ) u_repl (
    .clk_i,
    .rst_ni,
    .policy_i       (cfg_repl_i),
    .victim_req_i   (state_q == StIdle && req_valid_i && !req_walk_i && !hit),
    .victim_set_i   (req_set),
    .valid_ways_i   (set_valid),
    .victim_way_o   (victim_way),
    .from_policy_o  (victim_policy),
    .touch_i        (repl_touch),
    .fill_i         (repl_fill),
    .fill_policy_i  (policy_q),
    .touch_set_i    (repl_set),
    .touch_way_i    (repl_way),
    .seed_we_i,
    .seed_i
  );

  // ---------------- outputs that depend on the state only (and the bus's answer) ----------------
  logic [SetW-1:0] cur_set;
  logic [1:0]      cur_mesi;
  logic [63:0]     cur_line_addr;     // address of the line in cur_set/way_q (the victim, in StWbReq)
  assign cur_set       = set_of(addr_q);
  assign cur_mesi      = mesi_q[line_of(cur_set, way_q)];
  assign cur_line_addr = (64'(tag_q[line_of(cur_set, way_q)]) << (OffW + LogSets)) | (64'(cur_set) << OffW);
  assign req_ready_o   = (state_q == StIdle) && !snoop_valid_i;

  always_comb begin
    resp_valid_o = 1'b0;
    resp_rdata_o = '0;
    bus_req_o    = 1'b0;
    bus_type_o   = BusRd;
    bus_addr_o   = {addr_q[63:OffW], OffW'(0)};
    bus_line_o   = '0;
    bus_word_o   = word_of(addr_q);
    bus_cmp_o    = cmp_q;
    bus_wdata_o  = wdata_q;
    bus_strb_o   = strb_q;
    unique case (state_q)
      StResp: begin
        resp_valid_o = 1'b1;
        resp_rdata_o = (op_q == OpRead) ? rdata_q : '0;
      end
      StWbReq: begin
        bus_req_o  = (cur_mesi == MesiM);
        bus_type_o = BusWb;
        bus_addr_o = cur_line_addr;
        for (int k = 0; k < LineWords; k++)
          bus_line_o[k*64 +: 64] = data_q[line_of(cur_set, way_q) * LineWords + k];
      end
      StFillReq: begin
        bus_req_o    = 1'b1;
        bus_type_o   = (op_q == OpWrite) ? BusRdx : BusRd;
        resp_valid_o = bus_done_i;
        resp_rdata_o = (bus_done_i && op_q == OpRead) ? bus_line_i[word_of(addr_q)*64 +: 64] : '0;
      end
      StUpgReq: begin
        bus_req_o    = (cur_mesi == MesiS);
        bus_type_o   = BusUpgr;
        resp_valid_o = bus_done_i;
      end
      StNaReq: begin
        bus_req_o    = 1'b1;
        bus_type_o   = BusRdna;
        resp_valid_o = bus_done_i;
        resp_rdata_o = bus_done_i ? bus_line_i[word_of(addr_q)*64 +: 64] : '0;
      end
      StRmwReq: begin
        bus_req_o    = 1'b1;
        bus_type_o   = BusRmw;
        resp_valid_o = bus_done_i;
        resp_rdata_o = bus_done_i ? bus_word_i : '0;
      end
      default: ;
    endcase
  end

  // ---------------- request FSM ----------------
  logic            write_hit;           // a store hitting M/E writes its word at acceptance
  logic            fill;                // the bus delivers this request's line
  logic [1:0]      fill_mesi;
  logic            own_change;
  logic [1:0]      own_old, own_new;
  logic [SetW-1:0] own_set;
  logic [WayW-1:0] own_way;
  logic [63:0]     own_addr;            // the line that is in own_new after the edge
  always_comb begin
    state_d    = state_q;
    op_d       = op_q;
    addr_d     = addr_q;
    wdata_d    = wdata_q;
    cmp_d      = cmp_q;
    strb_d     = strb_q;
    way_d      = way_q;
    policy_d   = policy_q;
    rdata_d    = rdata_q;
    accesses_d = accesses_q;
    misses_d   = misses_q;
    wbs_d      = wbs_q;
    missed_d   = missed_q;
    write_hit  = 1'b0;
    fill       = 1'b0;
    fill_mesi  = MesiI;
    own_change = 1'b0;
    own_old    = MesiI;
    own_new    = MesiI;
    own_set    = cur_set;
    own_way    = way_q;
    own_addr   = {addr_q[63:OffW], OffW'(0)};
    repl_touch = 1'b0;
    repl_fill  = 1'b0;
    repl_set   = cur_set;
    repl_way   = way_q;

    unique case (state_q)
      StIdle: begin
        if (req_valid_i && !snoop_valid_i) begin
          op_d     = req_op_i;
          addr_d   = req_addr_i;
          wdata_d  = req_wdata_i;
          cmp_d    = req_cmp_i;
          strb_d   = req_strb_i;
          way_d    = hit ? hit_way : victim_way;
          policy_d = !hit && victim_policy;   // a hit way is not the policy's victim (fifo must not advance)
          rdata_d  = data_q[line_of(req_set, hit_way) * LineWords + 32'(word_of(req_addr_i))];
          if (req_walk_i) begin
            if (req_op_i == OpRead) state_d = hit ? StResp : StNaReq;
            else state_d = StRmwReq;
          end else begin
            // Demand statistics count accesses, not pieces: an access split into aligned pieces
            // (req_cont_i on all but the first) is one access, and one miss if any piece misses.
            if (!req_cont_i) accesses_d = accesses_q + 64'd1;
            missed_d = (req_cont_i && missed_q) || !hit;
            if (!hit && !(req_cont_i && missed_q)) misses_d = misses_q + 64'd1;
            if (hit) begin
              repl_touch = 1'b1;
              repl_set   = req_set;
              repl_way   = hit_way;
              if (req_op_i == OpWrite && mesi_q[line_of(req_set, hit_way)] == MesiS) begin
                state_d = StUpgReq;
              end else begin
                if (req_op_i == OpWrite) begin
                  write_hit = 1'b1;
                  if (mesi_q[line_of(req_set, hit_way)] == MesiE) begin
                    own_change = 1'b1;
                    own_old    = MesiE;
                    own_new    = MesiM;
                    own_set    = req_set;
                    own_way    = hit_way;
                    own_addr   = {req_addr_i[63:OffW], OffW'(0)};
                  end
                end
                state_d = StResp;
              end
            end else begin
              state_d  = (mesi_q[line_of(req_set, victim_way)] == MesiM) ? StWbReq : StFillReq;
            end
          end
        end
      end
      StResp: state_d = StIdle;
      StWbReq: begin
        if (cur_mesi != MesiM) begin
          // A snoop took the dirty data before our grant: nothing left to write back.
          state_d = StFillReq;
        end else if (bus_grant_i) begin
          wbs_d      = wbs_q + 64'd1;
          own_change = 1'b1;
          own_old    = MesiM;
          own_new    = MesiI;
          own_addr   = cur_line_addr;   // the victim's line, not the request's
          state_d    = StWbWait;
        end
      end
      StWbWait: begin
        if (bus_done_i) state_d = StFillReq;
      end
      StFillReq: begin
        if (bus_done_i) begin
          fill       = 1'b1;
          fill_mesi  = (op_q == OpWrite) ? MesiM : (bus_shared_i ? MesiS : MesiE);
          own_change = 1'b1;
          own_old    = cur_mesi;
          own_new    = fill_mesi;
          repl_touch = 1'b1;
          repl_fill  = 1'b1;
          state_d    = StIdle;
        end
      end
      StUpgReq: begin
        if (cur_mesi != MesiS) begin
          // A snoop invalidated the shared copy while we waited: fetch the line exclusively instead.
          state_d = StFillReq;
        end else if (bus_done_i) begin
          write_hit  = 1'b1;
          own_change = 1'b1;
          own_old    = MesiS;
          own_new    = MesiM;
          state_d    = StIdle;
        end
      end
      StNaReq, StRmwReq: begin
        if (bus_done_i) state_d = StIdle;
      end
      default: state_d = StIdle;
    endcase
  end

  // One state change per cycle: the snoop's and the FSM's never coincide (no acceptance while snooped;
  // the FSM's bus-side changes happen while its own transaction holds the bus).
  always_comb begin
    chg_valid_o = snp_change || own_change;
    chg_index_o = snp_change ? 16'(line_of(snp_set, snp_way)) : 16'(line_of(own_set, own_way));
    chg_old_o   = snp_change ? snp_old : own_old;
    chg_new_o   = snp_change ? snp_new : own_new;
    chg_addr_o  = snp_change ? {snoop_addr_i[63:OffW], OffW'(0)} : own_addr;
    if (!chg_valid_o) begin
      chg_index_o = '0;
      chg_old_o   = '0;
      chg_new_o   = '0;
      chg_addr_o  = '0;
    end
  end

  assign perf_accesses_o   = accesses_q;
  assign perf_misses_o     = misses_q;
  assign perf_writebacks_o = wbs_q;
  assign perf_hits_s_o     = hits_q[0];
  assign perf_hits_e_o     = hits_q[1];
  assign perf_hits_m_o     = hits_q[2];
  assign perf_snoop_hits_o = snoop_hits_q;

  // Hits by state (an access's first piece, demand only) and snoop hits.
  logic       count_hit;
  logic [1:0] hit_state;
  assign count_hit = state_q == StIdle && req_valid_i && !snoop_valid_i && !req_walk_i && !req_cont_i && hit;
  assign hit_state = mesi_q[line_of(req_set, hit_way)];
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      hits_q[0]    <= '0;
      hits_q[1]    <= '0;
      hits_q[2]    <= '0;
      snoop_hits_q <= '0;
    end else begin
      if (count_hit && hit_state == MesiS) hits_q[0] <= hits_q[0] + 64'd1;
      if (count_hit && hit_state == MesiE) hits_q[1] <= hits_q[1] + 64'd1;
      if (count_hit && hit_state == MesiM) hits_q[2] <= hits_q[2] + 64'd1;
      if (snoop_hit_o) snoop_hits_q <= snoop_hits_q + 64'd1;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q    <= StIdle;
      op_q       <= '0;
      addr_q     <= '0;
      wdata_q    <= '0;
      cmp_q      <= '0;
      strb_q     <= '0;
      way_q      <= '0;
      policy_q   <= 1'b0;
      rdata_q    <= '0;
      accesses_q <= '0;
      misses_q   <= '0;
      wbs_q      <= '0;
      missed_q   <= 1'b0;
    end else begin
      state_q    <= state_d;
      op_q       <= op_d;
      addr_q     <= addr_d;
      wdata_q    <= wdata_d;
      cmp_q      <= cmp_d;
      strb_q     <= strb_d;
      way_q      <= way_d;
      policy_q   <= policy_d;
      rdata_q    <= rdata_d;
      accesses_q <= accesses_d;
      misses_q   <= misses_d;
      wbs_q      <= wbs_d;
      missed_q   <= missed_d;
    end
  end

  // Line states: reset to I; one change per cycle (snoop or own).
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int i = 0; i < Lines; i++) mesi_q[i] <= MesiI;
    end else if (chg_valid_o) begin
      mesi_q[LineSelW'(chg_index_o)] <= chg_new_o;
    end
  end

  // Tags and data: a fill writes the whole line (with the store merged for RDX); a store hit one word.
  always_ff @(posedge clk_i) begin
    if (fill) begin
      tag_q[line_of(cur_set, way_q)] <= tag_of(addr_q);
      for (int k = 0; k < LineWords; k++) begin
        data_q[line_of(cur_set, way_q) * LineWords + k] <=
            (op_q == OpWrite && k == 32'(word_of(addr_q))) ? merge(bus_line_i[k*64 +: 64], wdata_q, strb_q)
                                                          : bus_line_i[k*64 +: 64];
      end
    end else if (write_hit) begin
      if (state_q == StIdle)
        data_q[line_of(req_set, hit_way) * LineWords + 32'(word_of(req_addr_i))] <=
            merge(data_q[line_of(req_set, hit_way) * LineWords + 32'(word_of(req_addr_i))], req_wdata_i,
                  req_strb_i);
      else
        data_q[line_of(cur_set, way_q) * LineWords + 32'(word_of(addr_q))] <=
            merge(data_q[line_of(cur_set, way_q) * LineWords + 32'(word_of(addr_q))], wdata_q, strb_q);
    end
  end

`ifndef SYNTHESIS
  always_comb begin
    if (rst_ni) begin
      OneChangePerCycle: assert (!(snp_change && own_change));
    end
  end
`endif

endmodule
