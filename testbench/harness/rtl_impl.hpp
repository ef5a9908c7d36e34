// SPDX-License-Identifier: MIT
// Thin C++ glue around one verilated top. Each variant (vm_top per TLB geometry, vm_soc per L1 geometry and
// core count) instantiates rtl_model<V, Soc, Cores> in its own translation unit (rtl_variant.cpp.in);
// rtl.cpp exposes them through the C API in vmcosim/rtl.h.
#ifndef VMCOSIM_RTL_IMPL_HPP
#define VMCOSIM_RTL_IMPL_HPP

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <type_traits>

#include <verilated.h>
#include <verilated_fst_c.h>

extern "C" {
#include <vmcosim/contract.h>
#include <vmcosim/port.h>
#include <vmcosim/rtl.h>
}

// Bit slices of verilated ports. Verilator gives a port of up to 8/16/32/64 bits a CData/SData/IData/QData
// and a wider one a VlWide<N> (32-bit words, least significant first): vm_soc's per-core vectors change type
// with the core count (req_addr_i is QData with one core, VlWide<4> with two), so the harness reaches them
// only through these helpers. Slices are at most 64 bits.
namespace vm_rtl_port {
template <class P> struct is_wide : std::false_type {};
template <std::size_t N> struct is_wide<VlWide<N>> : std::true_type {};

constexpr uint64_t mask(unsigned w) { return w >= 64 ? ~0ull : (1ull << w) - 1; }

// Bits [lsb, lsb + w) of a port.
template <class P> inline uint64_t get(const P &port, unsigned lsb, unsigned w)
{
    if constexpr (is_wide<P>::value) {
        // at most three 32-bit words; no loop, so that constant slices fold
        const uint32_t *d = port.data() + lsb / 32;
        const unsigned off = lsb % 32;
        uint64_t v = (uint64_t)d[0] >> off;
        if (w > 32 - off)
            v |= (uint64_t)d[1] << (32 - off);
        if (w > 64 - off)
            v |= (uint64_t)d[2] << (64 - off);
        return v & mask(w);
    } else {
        static_assert(std::is_integral<P>::value, "a verilated port");
        return ((uint64_t)port >> lsb) & mask(w);
    }
}

// A 64-bit lane (core c of a Cores*64-bit port): one QData, or two words of a VlWide.
template <class P> inline void put64(P &port, unsigned c, uint64_t v)
{
    if constexpr (is_wide<P>::value) {
        port.data()[2 * c] = (uint32_t)v;
        port.data()[2 * c + 1] = (uint32_t)(v >> 32);
    } else {
        static_assert(sizeof(P) == sizeof(uint64_t), "a 64-bit port holds one lane");
        port = v;
    }
}

// A port of W-bit fields, core c in bits [c*W, c*W + W), each field masked to W bits (Verilator assumes
// an input carries no bits above its width). Cores * W <= 64.
template <unsigned W, unsigned Cores, class F> inline uint64_t pack(const vm_in *in, F field)
{
    static_assert(Cores * W <= 64, "a narrow port");
    uint64_t v = 0;
    for (unsigned c = 0; c < Cores; c++)
        v |= ((uint64_t)field(in->core[c]) & mask(W)) << (c * W);
    return v;
}
}  // namespace vm_rtl_port

struct vm_rtl_impl {
    virtual ~vm_rtl_impl() = default;
    virtual void step(const vm_in *in, vm_obs *obs) = 0;
    virtual int poke(uint64_t word_index, uint64_t value) = 0;
    virtual uint64_t peek(uint64_t word_index) const = 0;
    virtual const uint64_t *mem() const = 0;
    virtual uint64_t cycles() const = 0;
};

// V: the verilated class; Soc: vm_soc (cores of MMU and L1, DMA engine, bus, memory controller) rather than
// vm_top (one MMU, flat memory); Cores: vm_soc's core count (1 for vm_top); TlbEntries: the TLB size V was
// verilated with (each core's slice of obs_inval_mask_o). The tops share their port names; vm_soc has a
// few more and flattens the per-core ones, core c in slice c (with one core, every slice is the whole port
// and the types are vm_top's).
template <class V, bool Soc, unsigned Cores, unsigned TlbEntries> class rtl_model final : public vm_rtl_impl {
    static_assert(Cores >= 1 && Cores <= VM_MAX_CORES && (Soc || Cores == 1), "vm_top has one core");
    static_assert(TlbEntries >= 1 && TlbEntries <= 64 && Cores * TlbEntries <= 64, "inval_mask is 64 bits");

public:
    // Returns false (with a reason in err) when the wave file cannot be opened.
    bool init(const vm_hwcfg *cfg, const vm_rtl_waves *waves, char *err, size_t errlen)
    {
        ctx_ = std::make_unique<VerilatedContext>();
        ctx_->debug(0);
        ctx_->randReset(0);
        if (waves && waves->path) {
            ctx_->traceEverOn(true);
            waves_from_ = waves->from;
            waves_to_ = waves->to;
        }
        top_ = std::make_unique<V>(ctx_.get(), "vm");
        mem_words_ = cfg->mem_bytes / 8;
        top_->cfg_tlb_repl_i = cfg->tlb_repl;
        top_->cfg_mem_latency_i = cfg->mem_latency;
        top_->cfg_mem_bytes_i = cfg->mem_bytes;
        if constexpr (Soc) {
            top_->cfg_l1_repl_i = cfg->l1_repl;
            // the memory controller's timing: sizes go in as log2 (powers of two, vm_hwcfg_check)
            top_->cfg_mem_row_open_i = cfg->mem_row == VM_MEMROW_OPEN;
            top_->cfg_mem_row_shift_i = log2(cfg->mem_row_size);
            top_->cfg_mem_bank_bits_i = log2(cfg->mem_banks);
            top_->cfg_mem_row_hit_i = cfg->mem_row_hit;
            top_->cfg_mem_row_miss_i = cfg->mem_row_miss;
        }
        if (waves && waves->path) {
            fst_ = std::make_unique<VerilatedFstC>();
            top_->trace(fst_.get(), 99);
            fst_->open(waves->path);
            if (!fst_->isOpen()) {
                std::snprintf(err, errlen, "cannot open wave file %s", waves->path);
                return false;
            }
        }
        // Asynchronous reset: a real falling edge of rst_ni (an input that starts low has none), one clock
        // edge inside reset, then release with the clock low.
        top_->clk_i = 0;
        top_->rst_ni = 1;
        top_->eval();
        top_->rst_ni = 0;
        top_->eval();
        top_->clk_i = 1;
        top_->eval();
        top_->clk_i = 0;
        top_->eval();
        top_->rst_ni = 1;
        top_->eval();
        return true;
    }

    ~rtl_model() override
    {
        if (top_)
            top_->final();
        if (fst_)
            fst_->close();
    }

    void step(const vm_in *in, vm_obs *obs) override
    {
        using namespace vm_rtl_port;
        V *t = top_.get();
        // Verilator assumes input ports carry no bits above their width: drive only the port's bits.
        t->clk_i = 0;
        t->req_valid_i = pack<1, Cores>(in, [](const vm_core_in &c) { return c.req_valid; });
        t->req_op_i = pack<2, Cores>(in, [](const vm_core_in &c) { return c.req_op; });
        t->req_size_i = pack<2, Cores>(in, [](const vm_core_in &c) { return c.req_size; });
        t->req_bare_i = pack<1, Cores>(in, [](const vm_core_in &c) { return c.req_bare; });
        t->req_cont_i = pack<1, Cores>(in, [](const vm_core_in &c) { return c.req_cont; });
        t->csr_we_i = pack<1, Cores>(in, [](const vm_core_in &c) { return c.csr_we; });
        t->csr_addr_i = pack<5, Cores>(in, [](const vm_core_in &c) { return c.csr_addr; });
        for (unsigned c = 0; c < Cores; c++) {
            put64(t->req_addr_i, c, in->core[c].req_addr);
            put64(t->req_wdata_i, c, in->core[c].req_wdata);
            put64(t->csr_wdata_i, c, in->core[c].csr_wdata);
        }
        if constexpr (Soc) {
            t->dma_valid_i = in->dma_valid & 1;
            t->dma_op_i = in->dma_op & 3;
            t->dma_src_i = in->dma_src;
            t->dma_dst_i = in->dma_dst;
            t->buf_we_i = in->buf_we & 1;
            t->buf_addr_i = in->buf_addr & 511;
            t->buf_wdata_i = in->buf_wdata;
        }
        t->eval();
        bool dump = fst_ && cycle_ >= waves_from_ && cycle_ <= waves_to_;
        if (dump)
            fst_->dump(2 * cycle_);
        if (obs)
            observe(obs);
        t->clk_i = 1;
        t->eval();
        if (dump)
            fst_->dump(2 * cycle_ + 1);
        cycle_++;
    }

    // The memory array as consecutive 64-bit words: vm_top keeps QData words; vm_soc keeps lines as
    // VlWide (32-bit words, least significant first), which on a little-endian host is the same layout.
    const uint64_t *mem() const override
    {
        if constexpr (Soc) {
            const auto &arr = top_->rootp->vm_soc__DOT__u_mem__DOT__mem_q;
            static_assert(sizeof(arr[0]) % sizeof(uint64_t) == 0, "whole 64-bit words per line");
            return reinterpret_cast<const uint64_t *>(&arr[0]);
        } else {
            const auto &arr = top_->rootp->vm_top__DOT__u_mem__DOT__mem_q;
            static_assert(sizeof(arr[0]) == sizeof(uint64_t), "QData words");
            return reinterpret_cast<const uint64_t *>(&arr[0]);
        }
    }

    int poke(uint64_t word_index, uint64_t value) override
    {
        if (word_index >= mem_words_)
            return -1;
        const_cast<uint64_t *>(mem())[word_index] = value;
        return 0;
    }

    uint64_t peek(uint64_t word_index) const override { return word_index < mem_words_ ? mem()[word_index] : 0; }

    uint64_t cycles() const override { return cycle_; }

private:
    static constexpr unsigned kEntryBits = 97;  // vm_mmu_pkg::TlbEntryW

    static unsigned log2(uint32_t v)
    {
        unsigned n = 0;
        while (v > 1)
            v >>= 1, n++;
        return n;
    }

    // A verilated line (VlWide: 32-bit words, least significant first) as 64-bit words.
    template <class W> static void copy_line(const W &line, uint64_t out[8])
    {
        for (size_t w = 0; w < sizeof(line) / 8 && w < 8; w++)
            out[w] = (uint64_t)line[2 * w] | ((uint64_t)line[2 * w + 1] << 32);
    }

    void observe(vm_obs *o) const
    {
        using namespace vm_rtl_port;
        const V *t = top_.get();
        std::memset(o, 0, sizeof *o);  // padding and cores >= Cores too: the checker compares records bytewise first
        for (unsigned c = 0; c < Cores; c++) {
            vm_core_obs *k = &o->core[c];
            k->req_ready = (uint8_t)get(t->req_ready_o, c, 1);
            k->resp_valid = (uint8_t)get(t->resp_valid_o, c, 1);
            k->resp_fault = (uint8_t)get(t->resp_fault_o, c, 1);
            k->resp_cause = (uint8_t)get(t->resp_cause_o, 4 * c, 4);
            k->resp_rdata = get(t->resp_rdata_o, 64 * c, 64);
            k->resp_tval = get(t->resp_tval_o, 64 * c, 64);
            k->csr_rdata = get(t->csr_rdata_o, 64 * c, 64);
            k->mem_req_valid = (uint8_t)get(t->obs_mem_req_valid_o, c, 1);
            k->mem_req_ready = (uint8_t)get(t->obs_mem_req_ready_o, c, 1);
            if constexpr (Soc)
                k->mem_req_cont = (uint8_t)get(t->obs_mem_req_cont_o, c, 1);
            k->mem_req_op = (uint8_t)get(t->obs_mem_req_op_o, 2 * c, 2);
            k->mem_req_strb = (uint8_t)get(t->obs_mem_req_strb_o, 8 * c, 8);
            k->mem_resp_valid = (uint8_t)get(t->obs_mem_resp_valid_o, c, 1);
            k->mem_req_addr = get(t->obs_mem_req_addr_o, 64 * c, 64);
            k->mem_req_wdata = get(t->obs_mem_req_wdata_o, 64 * c, 64);
            k->mem_req_cmp = get(t->obs_mem_req_cmp_o, 64 * c, 64);
            k->mem_resp_rdata = get(t->obs_mem_resp_rdata_o, 64 * c, 64);
            k->fill_valid = (uint8_t)get(t->obs_fill_valid_o, c, 1);
            k->fill_index = (uint16_t)get(t->obs_fill_index_o, 6 * c, 6);
            // tlb_entry_t packs {vpn[26:0], level[1:0], asid[15:0], ppn[43:0], perm[7:0]} = 97 bits.
            const unsigned e = kEntryBits * c;
            k->fill_perm = (uint8_t)get(t->obs_fill_entry_o, e, 8);
            k->fill_ppn = get(t->obs_fill_entry_o, e + 8, 44);
            k->fill_asid = (uint16_t)get(t->obs_fill_entry_o, e + 52, 16);
            k->fill_level = (uint8_t)get(t->obs_fill_entry_o, e + 68, 2);
            k->fill_vpn = (uint32_t)get(t->obs_fill_entry_o, e + 70, 27);
            k->inval_mask = get(t->obs_inval_mask_o, TlbEntries * c, TlbEntries);
            if constexpr (Soc) {
                k->l1_chg_valid = (uint8_t)get(t->obs_l1_chg_valid_o, c, 1);
                k->l1_chg_index = (uint16_t)get(t->obs_l1_chg_index_o, 16 * c, 16);
                k->l1_chg_old = (uint8_t)get(t->obs_l1_chg_old_o, 2 * c, 2);
                k->l1_chg_new = (uint8_t)get(t->obs_l1_chg_new_o, 2 * c, 2);
                k->l1_chg_addr = get(t->obs_l1_chg_addr_o, 64 * c, 64);
            }
        }
        if constexpr (Soc) {
            o->bus_grant_valid = t->obs_bus_grant_valid_o;
            o->bus_grant_master = t->obs_bus_grant_master_o;
            o->dma_ready = t->obs_dma_ready_o;
            o->dma_done = t->obs_dma_done_o;
            o->buf_rdata = t->obs_buf_rdata_o;
            o->bus_grant_type = t->obs_bus_grant_type_o;
            o->bus_grant_addr = t->obs_bus_grant_addr_o;
            o->bus_mem_write = t->obs_bus_mem_write_o;
            o->bus_mem_row_hit = t->obs_bus_mem_row_hit_o;
            o->bus_mem_row_miss = t->obs_bus_mem_row_miss_o;
            o->bus_done_valid = t->obs_bus_done_valid_o;
            o->bus_done_shared = t->obs_bus_done_shared_o;
            o->bus_done_word = t->obs_bus_done_word_o;
            // Lines read as zero unless their valid is set: copy them only then.
            if (o->bus_mem_write)
                copy_line(t->obs_bus_grant_line_o, o->bus_grant_line);
            if (o->bus_done_valid)
                copy_line(t->obs_bus_done_line_o, o->bus_done_line);
        }
    }

    std::unique_ptr<VerilatedContext> ctx_;
    std::unique_ptr<V> top_;
    std::unique_ptr<VerilatedFstC> fst_;
    uint64_t waves_from_ = 0, waves_to_ = UINT64_MAX;
    uint64_t cycle_ = 0;
    uint64_t mem_words_ = 0;
};

#endif
