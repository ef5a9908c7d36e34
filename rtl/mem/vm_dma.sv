// SPDX-License-Identifier: MIT
// Page DMA engine, a bus master: zero a 4 KiB page, copy a page, move a page into or out of its 4 KiB swap
// buffer. Page addresses wrap at the memory size. One command at a time, line by line: reads are RDNA (coherent, non-allocating: a dirty copy is
// supplied), writes are WLI (the whole line written, every cached copy invalidated). The swap buffer has
// its own host port (the firmware's view of the swap device). Twin: model/mem/vm_dma.c.
module vm_dma #(
  parameter int unsigned LineWords = 8,
  parameter int unsigned PageBytes = 4096,   // smaller only to keep synthesis checks short
  localparam int unsigned BufWords = PageBytes / 8,
  localparam int unsigned BufAddrW = $clog2(BufWords),
  localparam int unsigned LineBits = LineWords * 64,
  localparam int unsigned WordSelW = (LineWords > 1) ? $clog2(LineWords) : 1
) (
  input  logic                clk_i,
  input  logic                rst_ni,

  input  logic [63:0]         mem_bytes_i,     // page addresses wrap at the memory size

  // command port
  input  logic                cmd_valid_i,
  output logic                cmd_ready_o,
  input  logic [1:0]          cmd_op_i,        // VM_DMA_*
  input  logic [63:0]         cmd_src_i,       // page addresses (4 KiB aligned; low bits ignored)
  input  logic [63:0]         cmd_dst_i,
  output logic                done_o,          // pulse: the command's last line completed

  // swap buffer host port (word-addressed, read combinational)
  input  logic                buf_we_i,
  input  logic [BufAddrW-1:0] buf_addr_i,
  input  logic [63:0]         buf_wdata_i,
  output logic [63:0]         buf_rdata_o,

  // bus master port
  output logic                bus_req_o,
  output logic [2:0]          bus_type_o,
  output logic [63:0]         bus_addr_o,
  output logic [LineBits-1:0] bus_line_o,
  output logic [WordSelW-1:0] bus_word_o,
  input  logic                bus_done_i,
  input  logic [LineBits-1:0] bus_line_i
);
  localparam int unsigned PageLines = PageBytes / (LineWords * 8);
  localparam int unsigned PageW     = $clog2(PageBytes);
  localparam int unsigned LineIdxW  = $clog2(PageLines);
  localparam int unsigned OffW      = $clog2(LineWords * 8);
  localparam logic [1:0]  DmaZero    = vm_contract_pkg::DMA_ZERO[1:0];
  localparam logic [1:0]  DmaCopy    = vm_contract_pkg::DMA_COPY[1:0];
  localparam logic [1:0]  DmaToBuf   = vm_contract_pkg::DMA_TO_BUF[1:0];
  localparam logic [2:0]  BusRdna    = vm_contract_pkg::BUS_RDNA[2:0];
  localparam logic [2:0]  BusWli     = vm_contract_pkg::BUS_WLI[2:0];

  typedef enum logic [1:0] {StIdle, StRead, StWrite} dma_state_e;

  dma_state_e          state_q, state_d;
  logic [1:0]          op_q, op_d;
  logic [63-PageW:0]   src_q, src_d, dst_q, dst_d;   // page numbers
  logic [LineIdxW-1:0] line_q, line_d;                // line within the page
  logic [LineBits-1:0] data_q, data_d;                // a copied line between its read and its write
  logic [63:0]         buf_q [BufWords];

  logic unused_page_offsets;
  assign unused_page_offsets = ^{cmd_src_i[PageW-1:0], cmd_dst_i[PageW-1:0]};

  logic [LineBits-1:0] buf_line;
  logic                last;
  logic [63-PageW:0]   page_mask;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [63:0]         mem_pages;
  /* verilator lint_on UNUSEDSIGNAL */
  assign mem_pages = (mem_bytes_i >> PageW) - 64'd1;
  assign page_mask = mem_pages[63-PageW:0];
  always_comb begin
    for (int k = 0; k < LineWords; k++)
      buf_line[k*64 +: 64] = buf_q[32'(line_q) * LineWords + k];
    last        = (line_q == LineIdxW'(PageLines - 1));
    cmd_ready_o = (state_q == StIdle);
    buf_rdata_o = buf_q[buf_addr_i];
    bus_req_o   = (state_q != StIdle);
    bus_type_o  = (state_q == StRead) ? BusRdna : BusWli;
    bus_addr_o  = {(state_q == StRead) ? src_q : dst_q, PageW'(0)} | (64'(line_q) << OffW);
    bus_line_o  = (op_q == DmaZero) ? '0 : ((op_q == DmaCopy) ? data_q : buf_line);
    bus_word_o  = '0;
  end

  always_comb begin
    state_d = state_q;
    op_d    = op_q;
    src_d   = src_q;
    dst_d   = dst_q;
    line_d  = line_q;
    data_d  = data_q;
    done_o  = 1'b0;
    unique case (state_q)
      StIdle: begin
        if (cmd_valid_i) begin
          op_d    = cmd_op_i;
          // Wrap here, so that the bus (and every snooping cache) only ever sees addresses in memory.
          src_d   = cmd_src_i[63:PageW] & page_mask;
          dst_d   = cmd_dst_i[63:PageW] & page_mask;
          line_d  = '0;
          state_d = (cmd_op_i == DmaCopy || cmd_op_i == DmaToBuf) ? StRead : StWrite;
        end
      end
      StRead: begin
        if (bus_done_i) begin
          data_d = bus_line_i;
          if (op_q == DmaCopy) begin
            state_d = StWrite;
          end else begin
            line_d = line_q + 1'b1;
            if (last) begin
              done_o  = 1'b1;
              state_d = StIdle;
            end
          end
        end
      end
      StWrite: begin
        if (bus_done_i) begin
          line_d = line_q + 1'b1;
          if (last) begin
            done_o  = 1'b1;
            state_d = StIdle;
          end else begin
            state_d = (op_q == DmaCopy) ? StRead : StWrite;
          end
        end
      end
      default: state_d = StIdle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= StIdle;
      op_q    <= '0;
      src_q   <= '0;
      dst_q   <= '0;
      line_q  <= '0;
      data_q  <= '0;
    end else begin
      state_q <= state_d;
      op_q    <= op_d;
      src_q   <= src_d;
      dst_q   <= dst_d;
      line_q  <= line_d;
      data_q  <= data_d;
    end
  end

  // Swap buffer: the host port writes one word; a TO_BUF read completion writes one line. They never
  // coincide in a lockstep run's contract: the host writes the buffer only while the engine is idle.
  always_ff @(posedge clk_i) begin
    if (state_q == StRead && bus_done_i && op_q == DmaToBuf) begin
      for (int k = 0; k < LineWords; k++) buf_q[32'(line_q) * LineWords + k] <= bus_line_i[k*64 +: 64];
    end else if (buf_we_i) begin
      buf_q[buf_addr_i] <= buf_wdata_i;
    end
  end

endmodule
