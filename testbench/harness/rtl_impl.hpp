// Thin C++ glue around one verilated vm_top variant. Each variant (TLB geometry) instantiates rtl_model<V>
// in its own translation unit (rtl_variant.cpp.in); rtl.cpp exposes them through the C API in vmcosim/rtl.h.
#ifndef VMCOSIM_RTL_IMPL_HPP
#define VMCOSIM_RTL_IMPL_HPP

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>

#include <verilated.h>
#include <verilated_fst_c.h>

extern "C" {
#include <vmcosim/port.h>
#include <vmcosim/rtl.h>
}

struct vm_rtl_impl {
    virtual ~vm_rtl_impl() = default;
    virtual void step(const vm_in *in, vm_obs *obs) = 0;
    virtual int poke(uint64_t word_index, uint64_t value) = 0;
    virtual uint64_t peek(uint64_t word_index) const = 0;
    virtual const uint64_t *mem() const = 0;
    virtual uint64_t cycles() const = 0;
};

// V: the verilated class; Soc: vm_soc (MMU, L1, bus, memory controller) rather than vm_top (MMU, flat
// memory). Both tops share their port names; vm_soc has a few more.
template <class V, bool Soc> class rtl_model final : public vm_rtl_impl {
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
        if constexpr (Soc)
            top_->cfg_l1_repl_i = cfg->l1_repl;
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
        V *t = top_.get();
        // Verilator assumes input ports carry no bits above their width: drive only the port's bits.
        t->clk_i = 0;
        t->req_valid_i = in->req_valid & 1;
        t->req_op_i = in->req_op & 3;
        t->req_size_i = in->req_size & 3;
        t->req_bare_i = in->req_bare & 1;
        t->req_addr_i = in->req_addr;
        t->req_wdata_i = in->req_wdata;
        t->req_cont_i = in->req_cont & 1;
        t->csr_we_i = in->csr_we & 1;
        t->csr_addr_i = in->csr_addr & 31;
        t->csr_wdata_i = in->csr_wdata;
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
    // A verilated line (VlWide: 32-bit words, least significant first) as 64-bit words.
    template <class W> static void copy_line(const W &line, uint64_t out[8])
    {
        for (size_t w = 0; w < sizeof(line) / 8 && w < 8; w++)
            out[w] = (uint64_t)line[2 * w] | ((uint64_t)line[2 * w + 1] << 32);
    }

    void observe(vm_obs *o) const
    {
        const V *t = top_.get();
        std::memset(o, 0, sizeof *o);  // padding too: the checker compares records bytewise first
        o->req_ready = t->req_ready_o;
        o->resp_valid = t->resp_valid_o;
        o->resp_fault = t->resp_fault_o;
        o->resp_cause = t->resp_cause_o;
        o->resp_rdata = t->resp_rdata_o;
        o->resp_tval = t->resp_tval_o;
        o->csr_rdata = t->csr_rdata_o;
        o->mem_req_valid = t->obs_mem_req_valid_o;
        o->mem_req_ready = t->obs_mem_req_ready_o;
        if constexpr (Soc)
            o->mem_req_cont = t->obs_mem_req_cont_o;
        o->mem_req_op = t->obs_mem_req_op_o;
        o->mem_req_strb = t->obs_mem_req_strb_o;
        o->mem_resp_valid = t->obs_mem_resp_valid_o;
        o->mem_req_addr = t->obs_mem_req_addr_o;
        o->mem_req_wdata = t->obs_mem_req_wdata_o;
        o->mem_req_cmp = t->obs_mem_req_cmp_o;
        o->mem_resp_rdata = t->obs_mem_resp_rdata_o;
        o->fill_valid = t->obs_fill_valid_o;
        o->fill_index = t->obs_fill_index_o;
        // tlb_entry_t packs {vpn[26:0], level[1:0], asid[15:0], ppn[43:0], perm[7:0]} = 97 bits.
        const auto &e = t->obs_fill_entry_o;
        uint64_t lo = (uint64_t)e[0] | ((uint64_t)e[1] << 32);
        uint64_t hi = (uint64_t)e[2] | ((uint64_t)e[3] << 32);  // bits 64..96
        o->fill_perm = (uint8_t)(lo & 0xFF);
        o->fill_ppn = (lo >> 8) & 0xFFFFFFFFFFFull;
        o->fill_asid = (uint16_t)(((lo >> 52) | (hi << 12)) & 0xFFFF);
        o->fill_level = (uint8_t)((hi >> 4) & 3);
        o->fill_vpn = (uint32_t)((hi >> 6) & 0x7FFFFFF);
        o->inval_mask = (uint64_t)t->obs_inval_mask_o;
        if constexpr (Soc) {
            o->l1_chg_valid = t->obs_l1_chg_valid_o;
            o->l1_chg_index = t->obs_l1_chg_index_o;
            o->l1_chg_old = t->obs_l1_chg_old_o;
            o->l1_chg_new = t->obs_l1_chg_new_o;
            o->bus_grant_valid = t->obs_bus_grant_valid_o;
            o->bus_grant_master = t->obs_bus_grant_master_o;
            o->dma_ready = t->obs_dma_ready_o;
            o->dma_done = t->obs_dma_done_o;
            o->buf_rdata = t->obs_buf_rdata_o;
            o->bus_grant_type = t->obs_bus_grant_type_o;
            o->bus_grant_addr = t->obs_bus_grant_addr_o;
            o->bus_mem_write = t->obs_bus_mem_write_o;
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
