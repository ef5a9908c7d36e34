// SPDX-License-Identifier: MIT
// L1 TLB: Entries = Sets x Ways, ASID-tagged, global entries, 4 KiB and superpage entries side by side.
//
// A superpage entry lives in the set indexed by the VPN bits just above its own offset; a lookup compares
// every entry against the set its own level selects, so all page sizes are probed in parallel and a hit
// costs no cycle. Priority on a multi-hit (only possible when software breaks the spec's rules): the lowest
// entry index. Tags (VPN, level, ASID, G) and data (PPN, permissions) are stored apart: lookups and fences
// read only tags, and only the hit entry's data.
// Replacement (rtl/common/vm_repl.sv): the lowest invalid way, else the policy's victim (lru, plru, fifo,
// random); hits and fills touch the way. The twin is model/mmu/vm_tlb.c.
module vm_tlb #(
  parameter int unsigned Entries = 16,
  parameter int unsigned Ways    = 16
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  input  logic [1:0]           cfg_repl_i,
  input  logic                 sv32_i,

  // lookup (combinational, only while lk_req_i); touch_i marks the hit as used (replacement update)
  input  logic                            lk_req_i,
  input  logic [vm_mmu_pkg::VpnBits-1:0]  lk_vpn_i,
  input  logic [vm_mmu_pkg::AsidBits-1:0] lk_asid_i,
  input  logic                            lk_touch_i,
  output logic                            lk_hit_o,
  output logic [5:0]                      lk_index_o,
  output vm_mmu_pkg::tlb_entry_t          lk_entry_o,

  // fill
  input  logic                   fill_i,
  input  vm_mmu_pkg::tlb_entry_t fill_entry_i,
  output logic [5:0]             fill_index_o,

  // invalidation: one entry (D-bit upgrade) and sfence.vma
  input  logic                            inval_one_i,
  input  logic [5:0]                      inval_one_index_i,
  input  logic                            fence_i,
  input  logic                            fence_use_vaddr_i,
  input  logic                            fence_use_asid_i,
  input  logic [vm_mmu_pkg::VpnBits-1:0]  fence_vpn_i,
  input  logic [vm_mmu_pkg::AsidBits-1:0] fence_asid_i,
  output logic [Entries-1:0]              inval_mask_o,

  input  logic        seed_we_i,
  input  logic [31:0] seed_i
);

  localparam int unsigned Sets    = Entries / Ways;
  localparam int unsigned LogWays = $clog2(Ways);
  localparam int unsigned LogSets = $clog2(Sets);
  localparam int unsigned WayW    = (Ways > 1) ? LogWays : 1;
  localparam int unsigned SetW    = (Sets > 1) ? LogSets : 1;
  localparam int unsigned IdxW    = (Entries > 1) ? $clog2(Entries) : 1;

  // Elaboration-time checks of the geometry.
  if (Entries < 1 || Entries > 64 || (Entries & (Entries - 1)) != 0) begin : gen_bad_entries
    $error("vm_tlb: Entries must be a power of two in 1..64");
  end
  if (Ways < 1 || Ways > Entries || (Ways & (Ways - 1)) != 0) begin : gen_bad_ways
    $error("vm_tlb: Ways must be a power of two that divides Entries");
  end

  // Tag: {vpn, level, asid, g}; data: {ppn, perm}.
  localparam int unsigned TagBits  = vm_mmu_pkg::VpnBits + 2 + vm_mmu_pkg::AsidBits + 1;
  localparam int unsigned DataBits = vm_mmu_pkg::PpnBits + 8;

  logic [Entries-1:0]        valid_q, valid_d;
  logic [TagBits-1:0]        tag_q  [Entries];
  logic [DataBits-1:0]       data_q [Entries];

  /* verilator lint_off UNUSEDSIGNAL */
  function automatic logic [SetW-1:0] set_of(input logic [vm_mmu_pkg::VpnBits-1:0] vpn,
                                             input logic [1:0] level, input logic sv32);
    logic [vm_mmu_pkg::VpnBits-1:0] shifted;
    shifted = vpn >> (sv32 ? 10 * level : 9 * level);
    set_of = (Sets > 1) ? shifted[SetW-1:0] : '0;
  endfunction
  /* verilator lint_on UNUSEDSIGNAL */

  function automatic logic [IdxW-1:0] index_of(input logic [SetW-1:0] set, input logic [WayW-1:0] way);
    index_of = IdxW'((32'(set) * Ways) + 32'(way));
  endfunction

  /* verilator lint_off UNUSEDSIGNAL */
  function automatic logic [vm_mmu_pkg::VpnBits-1:0] tag_vpn(input logic [TagBits-1:0] t);
    tag_vpn = t[TagBits-1 -: vm_mmu_pkg::VpnBits];
  endfunction
  function automatic logic [1:0] tag_level(input logic [TagBits-1:0] t);
    tag_level = t[vm_mmu_pkg::AsidBits + 2 -: 2];
  endfunction
  function automatic logic [vm_mmu_pkg::AsidBits-1:0] tag_asid(input logic [TagBits-1:0] t);
    tag_asid = t[vm_mmu_pkg::AsidBits:1];
  endfunction
  /* verilator lint_on UNUSEDSIGNAL */

  // ---------------- lookup ----------------
  logic [TagBits-1:0]  lk_tag;
  logic [DataBits-1:0] lk_data;
  logic [IdxW-1:0] lk_idx, fill_idx, inval_one_idx;
  assign lk_index_o    = 6'(lk_idx);
  assign fill_index_o  = 6'(fill_idx);
  assign inval_one_idx = IdxW'(inval_one_index_i);
  logic unused_inval_one_index;
  assign unused_inval_one_index = ^inval_one_index_i;

  always_comb begin
    lk_hit_o = 1'b0;
    lk_idx   = '0;
    lk_tag   = '0;
    if (lk_req_i) begin
      for (int i = 0; i < Entries; i++) begin
        lk_tag = tag_q[i];
        if (!lk_hit_o && valid_q[i] &&
            (Sets == 1 || set_of(lk_vpn_i, tag_level(lk_tag), sv32_i) == SetW'(i / Ways)) &&
            ((tag_vpn(lk_tag) ^ lk_vpn_i) & vm_mmu_pkg::vpn_match_mask(tag_level(lk_tag), sv32_i)) == '0 &&
            (lk_tag[0] || tag_asid(lk_tag) == lk_asid_i)) begin
          lk_hit_o = 1'b1;
          lk_idx   = IdxW'(i);
        end
      end
    end
    lk_tag           = tag_q[lk_idx];
    lk_data          = data_q[lk_idx];
    lk_entry_o.vpn   = tag_vpn(lk_tag);
    lk_entry_o.level = tag_level(lk_tag);
    lk_entry_o.asid  = tag_asid(lk_tag);
    lk_entry_o.ppn   = lk_data[DataBits-1:8];
    lk_entry_o.perm  = lk_data[7:0];
  end

  // ---------------- replacement ----------------
  logic [SetW-1:0] fill_set, touch_set;
  logic [WayW-1:0] fill_way, touch_way;
  logic [Ways-1:0] fill_set_valid;
  logic            fill_from_policy;
  assign fill_set       = set_of(fill_entry_i.vpn, fill_entry_i.level, sv32_i);
  assign fill_set_valid = Ways'(valid_q >> (32'(fill_set) * Ways));
  assign fill_idx       = index_of(fill_set, fill_way);
  assign touch_set      = (Sets == 1) ? '0 : (fill_i ? fill_set : SetW'(lk_idx >> LogWays));
  assign touch_way      = (Ways == 1) ? '0 : (fill_i ? fill_way : WayW'(lk_idx));

  vm_repl #(
    .Sets (Sets),
    .Ways (Ways)
  ) u_repl (
    .clk_i,
    .rst_ni,
    .policy_i      (cfg_repl_i),
    .victim_req_i  (fill_i),
    .victim_set_i  (fill_set),
    .valid_ways_i  (fill_set_valid),
    .victim_way_o  (fill_way),
    .from_policy_o (fill_from_policy),
    .touch_i       (fill_i || (lk_touch_i && lk_hit_o)),
    .fill_i        (fill_i),
    .fill_policy_i (fill_from_policy),
    .touch_set_i   (touch_set),
    .touch_way_i   (touch_way),
    .seed_we_i,
    .seed_i
  );

  // ---------------- invalidation ----------------
  logic [TagBits-1:0] fl_tag;
  logic [Entries-1:0] fence_hit;
  always_comb begin
    fence_hit = '0;
    fl_tag    = '0;
    if (fence_i) begin
      for (int i = 0; i < Entries; i++) begin
        fl_tag = tag_q[i];
        fence_hit[i] = valid_q[i] &&
            (!fence_use_vaddr_i ||
             ((tag_vpn(fl_tag) ^ fence_vpn_i) & vm_mmu_pkg::vpn_match_mask(tag_level(fl_tag), sv32_i)) == '0) &&
            (!fence_use_asid_i || (!fl_tag[0] && tag_asid(fl_tag) == fence_asid_i));
      end
    end
    inval_mask_o = fence_hit;
    if (inval_one_i) inval_mask_o[inval_one_idx] = valid_q[inval_one_idx];
    valid_d = valid_q & ~inval_mask_o;
    if (fill_i) valid_d[fill_idx] = 1'b1;
  end

  // ---------------- state ----------------
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) valid_q <= '0;
    else         valid_q <= valid_d;
  end

  // Named invariants. The MMU never fills in a cycle that invalidates (race-free sfence) and never
  // touches a hit while filling.
`ifndef SYNTHESIS
  always_comb begin
    if (rst_ni) begin
      NoFillWhileFlushing: assert (!(fill_i && (fence_i || inval_one_i)));
      NoTouchWhileFilling: assert (!(fill_i && lk_touch_i));
    end
  end
`endif

  // Entry storage: one write port, no reset (valid_q guards every read).
  always_ff @(posedge clk_i) begin
    if (fill_i) begin
      tag_q[fill_idx]  <= {fill_entry_i.vpn, fill_entry_i.level, fill_entry_i.asid,
                           fill_entry_i.perm[vm_contract_pkg::PTE_G]};
      data_q[fill_idx] <= {fill_entry_i.ppn, fill_entry_i.perm};
    end
  end

endmodule
