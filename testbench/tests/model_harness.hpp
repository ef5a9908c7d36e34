// SPDX-License-Identifier: MIT
// Shared driver for the model unit suites (test_model_*.cpp): one vm_model, an initial image built with
// vm_image_* and poked in at cycle 0, CSR writes/reads through the CSR port, one request at a time on the
// request port, and a log of every observable event so that tests can assert them.
//
// Expectations in the suites come from the RISC-V privileged spec and the documented rules (RTL header
// comments, contract.def), never from model output.
#ifndef VMCOSIM_MODEL_HARNESS_HPP
#define VMCOSIM_MODEL_HARNESS_HPP

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

extern "C" {
#include <vmcosim/contract.h>
#include <vmcosim/image.h>
#include <vmcosim/model.h>
#include <vmcosim/port.h>
#include <vmcosim/shadow.h>
#include <vmcosim/sim.h>
}

// Built twice: as the model unit suites, and with VMT_LOCKSTEP as the same directed tests run on the RTL
// and the model in lockstep (every cycle compared, memory images compared at the end).
#ifdef VMT_LOCKSTEP
#define VMT_MODEL_ONLY(why) GTEST_SKIP() << "model-only: " << why
#else
#define VMT_MODEL_ONLY(why) (void)0
#endif

namespace vmt {

// PTE flag bits (V is added by vm_image_map).
constexpr unsigned kV = 1u << VM_PTE_V;
constexpr unsigned kR = 1u << VM_PTE_R;
constexpr unsigned kW = 1u << VM_PTE_W;
constexpr unsigned kX = 1u << VM_PTE_X;
constexpr unsigned kU = 1u << VM_PTE_U;
constexpr unsigned kG = 1u << VM_PTE_G;
constexpr unsigned kA = 1u << VM_PTE_A;
constexpr unsigned kD = 1u << VM_PTE_D;
constexpr unsigned kRWX = kR | kW | kX;
constexpr unsigned kAD = kA | kD;

// STATUS bits.
constexpr uint64_t kPrivS = 1ull << VM_STATUS_PRIV_S;
constexpr uint64_t kSum = 1ull << VM_STATUS_SUM;
constexpr uint64_t kMxr = 1ull << VM_STATUS_MXR;
constexpr uint64_t kAdhw = 1ull << VM_STATUS_ADHW;

// SFENCE command word.
inline uint64_t sfence_cmd(bool use_vaddr, bool use_asid, unsigned asid = 0)
{
    return (use_vaddr ? 1ull << VM_SFENCE_USE_VADDR : 0) | (use_asid ? 1ull << VM_SFENCE_USE_ASID : 0) |
           ((uint64_t)asid << VM_SFENCE_ASID_LSB);
}

// The LFSR of contract.def: Galois, right shift, taps VM_LFSR_TAPS.
inline uint32_t lfsr_next(uint32_t s)
{
    return (s >> 1) ^ ((s & 1u) ? (uint32_t)VM_LFSR_TAPS : 0u);
}

enum class Mode { Sv39, Sv32, Bare };

struct HarnessCfg {
    Mode mode = Mode::Sv39;
    uint32_t tlb_entries = 16;
    uint32_t tlb_ways = 16;
    uint32_t tlb_repl = VM_REPL_LRU;
    uint32_t mem_latency = 1;
    uint64_t mem_bytes = 4ull << 20;
    unsigned asid = 0;
    uint64_t status = kPrivS;   // S mode, A/D by fault (Svade)
    // L1 data cache (vm_soc); l1_size 0 = none (the MMU on a flat memory, vm_top): the other l1_* fields
    // are then not passed on.
    uint32_t l1_size = 0;
    uint32_t l1_ways = 2;
    uint32_t l1_line = 64;
    uint32_t l1_repl = VM_REPL_LRU;
    // Memory controller timing (vm_soc): VM_MEMROW_OFF = mem_latency for every access, VM_MEMROW_OPEN = the
    // open-row model with these banks, row bytes and hit / miss latencies (the config keys' defaults).
    uint32_t mem_row = VM_MEMROW_OFF;
    uint32_t mem_banks = 4;
    uint32_t mem_row_size = 2048;
    uint32_t mem_row_hit = 8;
    uint32_t mem_row_miss = 24;
    // Model builds: run the data-value monitor (include/vmcosim/shadow.h) on every step, as vm_sim does for
    // every engine (lockstep builds always have it); a violation fails the test. Off for model-only tests
    // that poke memory underneath the engines.
    bool shadow = false;
};

struct Resp {
    bool fault = false;
    unsigned cause = 0;
    uint64_t rdata = 0;
    uint64_t tval = 0;
    uint64_t accept_cycle = 0;  // cycle whose observation showed req_ready with our request
    uint64_t resp_cycle = 0;    // cycle with resp_valid
    bool timed_out = false;
    uint64_t latency() const { return resp_cycle - accept_cycle; }
};

struct FillEv {
    uint64_t cycle;
    unsigned index, level, perm, asid;
    uint32_t vpn;
    uint64_t ppn;
};
struct InvalEv {
    uint64_t cycle;
    uint64_t mask;
};
struct MemReqEv {
    uint64_t cycle;
    unsigned op, strb;
    uint64_t addr, wdata, cmp;
    bool ready = false;  // accepted in this cycle (mem_req_valid && mem_req_ready)
    bool cont = false;   // a data request continuing the previous access
};
struct MemRespEv {
    uint64_t cycle;
    uint64_t rdata;
};
// L1 line-state change (index = set * ways + way; VM_MESI_* states).
struct L1ChgEv {
    uint64_t cycle;
    unsigned index, old_state, new_state;
};
// Bus transaction granted (every cache snoops it) / completing.
struct BusGrantEv {
    uint64_t cycle;
    unsigned type;  // VM_BUS_*
    uint64_t addr;
    bool mem_write;
    unsigned master = 0;  // 0: the L1, 1: the page DMA engine
    uint64_t line[8] = {};  // the line the grant writes to memory (write-back, WLI, supplied dirty line)
    bool row_hit = false, row_miss = false;  // mem.row=open: its memory access hit / missed the open row
};
// A page DMA command: the cycle whose observation showed dma_ready with our command (accepted), and the cycle
// whose observation showed dma_done.
struct DmaResult {
    uint64_t accept_cycle = 0;
    uint64_t done_cycle = 0;
    bool timed_out = false;
    uint64_t cycles() const { return done_cycle - accept_cycle; }
};
struct BusDoneEv {
    uint64_t cycle;
    bool shared;
    uint64_t word;
    uint64_t line[8];
};

struct Req {
    unsigned op = VM_OP_LOAD;
    uint64_t addr = 0;
    unsigned size = 3;
    uint64_t wdata = 0;
    bool bare = false;
    bool cont = false;  // req_cont: the next aligned piece of the previous access
};

inline Req load(uint64_t a, unsigned size = 3) { return Req{VM_OP_LOAD, a, size, 0, false}; }
inline Req store(uint64_t a, uint64_t v, unsigned size = 3) { return Req{VM_OP_STORE, a, size, v, false}; }
inline Req fetch(uint64_t a, unsigned size = 2) { return Req{VM_OP_FETCH, a, size, 0, false}; }
inline Req bare(Req r)
{
    r.bare = true;
    return r;
}
inline Req cont(Req r)
{
    r.cont = true;
    return r;
}

class ModelHarness;
// Called before every cycle of an access (from its first cycle): `cyc` is the cycle about to run, `prev` the
// previous cycle's observation; the hook may add CSR writes to `in` or (model-only tests) poke memory.
using Hook = std::function<void(ModelHarness &h, uint64_t cyc, const vm_obs &prev, vm_in &in)>;

class ModelHarness {
public:
    explicit ModelHarness(const HarnessCfg &c = HarnessCfg()) : cfg_(c)
    {
        vm_hwcfg hw{};
        hw.cores = 1;
        hw.tlb_entries = c.tlb_entries;
        hw.tlb_ways = c.tlb_ways;
        hw.tlb_repl = c.tlb_repl;
        hw.mem_latency = c.mem_latency;
        hw.mem_bytes = c.mem_bytes;
        hw.mem_row = c.mem_row;
        hw.mem_banks = c.mem_banks;
        hw.mem_row_size = c.mem_row_size;
        hw.mem_row_hit = c.mem_row_hit;
        hw.mem_row_miss = c.mem_row_miss;
        if (c.l1_size) {
            hw.l1_size = c.l1_size;
            hw.l1_ways = c.l1_ways;
            hw.l1_line = c.l1_line;
            hw.l1_repl = c.l1_repl;
        }
        char err[400] = "";
#ifdef VMT_LOCKSTEP
        vm_sim_opts so{};
        so.engine = VM_ENGINE_LOCKSTEP;
        so.hw = hw;
        sim_ = vm_sim_new(&so, err, sizeof err);
        if (!sim_)
            throw std::runtime_error(std::string("vm_sim_new: ") + err);
        m_ = vm_sim_model(sim_);
#else
        m_ = vm_model_new(&hw, err, sizeof err);
        if (!m_)
            throw std::runtime_error(std::string("vm_model_new: ") + err);
#endif
        if (vm_image_init(&img_, c.mem_bytes, c.mode == Mode::Sv32, 1))
            throw std::runtime_error("vm_image_init failed");
        root_ = vm_image_alloc_page(&img_);
    }
    ~ModelHarness()
    {
        vm_image_free(&img_);
#ifndef VMT_LOCKSTEP
        vm_shadow_free(shadow_);
#endif
#ifdef VMT_LOCKSTEP
        if (vm_sim_finish(sim_) && !mismatch_reported_)
            ADD_FAILURE() << vm_sim_report(sim_);
        vm_sim_free(sim_);
#else
        vm_model_free(m_);
#endif
    }
    ModelHarness(const ModelHarness &) = delete;
    ModelHarness &operator=(const ModelHarness &) = delete;

    // ---------------- image (before boot) ----------------
    uint64_t root() const { return root_; }
    uint64_t new_root() { return vm_image_alloc_page(&img_); }
    bool sv32() const { return cfg_.mode == Mode::Sv32; }
    unsigned levels() const { return sv32() ? 2 : 3; }
    vm_image &img() { return img_; }

    void map(uint64_t va, unsigned level, uint64_t ppn, unsigned flags) { map_in(root_, va, level, ppn, flags); }
    void map_in(uint64_t root, uint64_t va, unsigned level, uint64_t ppn, unsigned flags)
    {
        if (vm_image_map(&img_, root, va, level, ppn, flags))
            throw std::runtime_error("vm_image_map failed");
    }
    uint64_t pte_addr(uint64_t va, unsigned level) const { return pte_addr_in(root_, va, level); }
    uint64_t pte_addr_in(uint64_t root, uint64_t va, unsigned level) const
    {
        return vm_image_pte_addr(&img_, root, va, level);
    }
    unsigned pte_size() const { return sv32() ? 4 : 8; }
    // Overwrites one PTE in the image (any bits, e.g. reserved ones or flags on a non-leaf).
    void set_pte(uint64_t va, unsigned level, uint64_t pte)
    {
        vm_image_write(&img_, pte_addr(va, level), pte_size(), pte);
    }
    uint64_t get_pte(uint64_t va, unsigned level) const
    {
        return vm_image_read(&img_, pte_addr(va, level), pte_size());
    }
    void img_write(uint64_t pa, unsigned size, uint64_t v) { vm_image_write(&img_, pa, size, v); }

    // Loads the image into the model (cycle 0), then writes satp (cfg mode/asid, root()) and STATUS.
    void boot()
    {
        ASSERT_EQ(vm_model_cycles(m_), 0u) << "the image is loaded at cycle 0 only";
#ifdef VMT_LOCKSTEP
        ASSERT_EQ(vm_sim_load_image(sim_, &img_), 0);
#else
        for (uint64_t i = 0; i < img_.nwords; i++)
            if (img_.words[i])
                ASSERT_EQ(vm_model_poke(m_, i, img_.words[i]), 0);
        if (cfg_.shadow) {
            shadow_ = vm_shadow_new(img_.words, img_.nwords, 1, cfg_.l1_size ? cfg_.l1_line / 8 : 1);
            ASSERT_NE(shadow_, nullptr);
        }
#endif
        if (cfg_.mode != Mode::Bare)
            write_satp(cfg_.asid, root_);
        csr_write(VM_CSR_STATUS, cfg_.status);
    }
    uint64_t satp_value(unsigned asid, uint64_t root) const
    {
        unsigned mode = cfg_.mode == Mode::Sv39   ? VM_SATP_MODE_SV39
                        : cfg_.mode == Mode::Sv32 ? VM_SATP_MODE_SV32
                                                  : VM_SATP_MODE_BARE;
        return vm_satp(mode, asid, root);
    }
    void write_satp(unsigned asid, uint64_t root) { csr_write(VM_CSR_SATP, satp_value(asid, root)); }

    // ---------------- cycles ----------------
    uint64_t cycle() const { return vm_model_cycles(m_); }
    vm_model *model() { return m_; }
#ifdef VMT_LOCKSTEP
    uint64_t peek(uint64_t pa) const { return vm_sim_peek(sim_, pa >> 3); }  // the RTL's memory
#else
    uint64_t peek(uint64_t pa) const { return vm_model_peek(m_, pa >> 3); }
#endif
    uint64_t peek_pte(uint64_t pte_pa) const
    {
        uint64_t w = peek(pte_pa);
        return sv32() ? (w >> (8 * (pte_pa & 4))) & 0xFFFFFFFFull : w;
    }

    // Runs one cycle with `in`, records its events, returns its observation.
    vm_obs step(const vm_in &in)
    {
        vm_obs o{};
        uint64_t c = cycle();
#ifdef VMT_LOCKSTEP
        if (vm_sim_step(sim_, &in, &o) && !mismatch_reported_) {
            mismatch_reported_ = true;
            ADD_FAILURE() << vm_sim_report(sim_);
        }
#else
        vm_model_step(m_, &in, &o);
        if (shadow_ && vm_shadow_step(shadow_, c, &o) && !shadow_reported_) {
            shadow_reported_ = true;
            ADD_FAILURE() << vm_shadow_report(shadow_);
        }
#endif
        record(c, o);
        return o;
    }
    vm_obs idle(unsigned n = 1)
    {
        vm_in in{};
        vm_obs o{};
        for (unsigned i = 0; i < n; i++)
            o = step(in);
        return o;
    }

    // One CSR write (one cycle); returns that cycle's observation (inval_mask of an sfence, ...).
    vm_obs csr_write(unsigned addr, uint64_t v)
    {
        vm_in in{};
        in.core[0].csr_we = 1;
        in.core[0].csr_addr = (uint8_t)addr;
        in.core[0].csr_wdata = v;
        return step(in);
    }
    // Reads a CSR through the port (one idle cycle with csr_addr set).
    uint64_t csr_read(unsigned addr)
    {
        vm_in in{};
        in.core[0].csr_addr = (uint8_t)addr;
        return step(in).core[0].csr_rdata;
    }
    // sfence.vma: the address goes to SFENCE_VADDR first (one cycle), then the command (one cycle).
    vm_obs sfence(bool use_vaddr, uint64_t vaddr, bool use_asid, unsigned asid)
    {
        if (use_vaddr)
            csr_write(VM_CSR_SFENCE_VADDR, vaddr);
        return csr_write(VM_CSR_SFENCE, sfence_cmd(use_vaddr, use_asid, asid));
    }
    vm_obs sfence_all() { return sfence(false, 0, false, 0); }

    // Issues one request and steps until its response.
    Resp access(const Req &r, const Hook &hook = Hook(), uint64_t max_cycles = 20000)
    {
        Resp out;
        bool accepted = false;
        vm_obs prev{};  // the hook sees only this access's cycles
        for (uint64_t n = 0; n < max_cycles; n++) {
            vm_in in{};
            if (!accepted) {
                in.core[0].req_valid = 1;
                in.core[0].req_op = (uint8_t)r.op;
                in.core[0].req_size = (uint8_t)r.size;
                in.core[0].req_bare = r.bare;
                in.core[0].req_addr = r.addr;
                in.core[0].req_wdata = r.wdata;
                in.core[0].req_cont = r.cont;
            }
            if (accepted && skip_quiet && !hook && !dma_busy_) {
                // event skipping (model-only runs): idle inputs, no CSR write, nothing observable happens
                uint64_t q = vm_model_quiet_cycles(m_, &in);
                if (q) {
                    vm_model_skip(m_, q);
                    skipped += q;
                    continue;
                }
            }
            uint64_t c = cycle();
            if (hook)
                hook(*this, c, prev, in);
            vm_obs o = step(in);
            if (!accepted && o.core[0].req_ready) {
                accepted = true;
                out.accept_cycle = c;
            } else if (accepted && o.core[0].resp_valid) {
                out.fault = o.core[0].resp_fault;
                out.cause = o.core[0].resp_cause;
                out.rdata = o.core[0].resp_rdata;
                out.tval = o.core[0].resp_tval;
                out.resp_cycle = c;
                return out;
            }
            prev = o;
        }
        out.timed_out = true;
        ADD_FAILURE() << "no response within " << max_cycles << " cycles";
        return out;
    }

    // ---------------- page DMA engine (vm_soc) ----------------
    // Offers the command (dma_valid held) until a cycle whose observation shows dma_ready accepts it; returns
    // that cycle. The engine then runs by itself: the caller may run core accesses meanwhile, then dma_wait.
    uint64_t dma_start(unsigned op, uint64_t src, uint64_t dst, uint64_t max_cycles = 100000)
    {
        for (uint64_t n = 0; n < max_cycles; n++) {
            vm_in in{};
            in.dma_valid = 1;
            in.dma_op = (uint8_t)op;
            in.dma_src = src;
            in.dma_dst = dst;
            const uint64_t c = cycle();
            if (step(in).dma_ready) {
                dma_busy_ = true;
                dma_accept_ = c;
                return c;
            }
        }
        ADD_FAILURE() << "DMA command not accepted within " << max_cycles << " cycles";
        return 0;
    }
    bool dma_busy() const { return dma_busy_; }
    // Steps idle cycles until the running command's dma_done (which may already have been observed during
    // core accesses).
    DmaResult dma_wait(uint64_t max_cycles = 200000)
    {
        DmaResult r;
        r.accept_cycle = dma_accept_;
        for (uint64_t n = 0; dma_busy_ && n < max_cycles; n++)
            idle();
        if (dma_busy_) {
            r.timed_out = true;
            ADD_FAILURE() << "no dma_done within " << max_cycles << " cycles";
            return r;
        }
        r.done_cycle = dma_done_cycle_;
        return r;
    }
    // One whole command: offered until accepted, then stepped until dma_done.
    DmaResult dma(unsigned op, uint64_t src, uint64_t dst, uint64_t max_cycles = 200000)
    {
        dma_start(op, src, dst, max_cycles);
        return dma_wait(max_cycles);
    }
    // The swap buffer's host port (word index 0 .. VM_DMA_BUF_WORDS-1): a write is one cycle with buf_we, only
    // while the engine is idle (the port's contract); a read is one idle cycle with buf_addr (combinational).
    void buf_write(unsigned word, uint64_t v)
    {
        if (dma_busy_) {
            ADD_FAILURE() << "buf_write while a DMA command runs (the host writes the buffer only when idle)";
            return;
        }
        vm_in in{};
        in.buf_we = 1;
        in.buf_addr = (uint16_t)word;
        in.buf_wdata = v;
        step(in);
    }
    uint64_t buf_read(unsigned word)
    {
        vm_in in{};
        in.buf_addr = (uint16_t)word;
        return step(in).buf_rdata;
    }
    std::vector<BusGrantEv> grants_by(unsigned master) const
    {
        std::vector<BusGrantEv> v;
        for (const auto &e : bus_grants)
            if (e.master == master)
                v.push_back(e);
        return v;
    }

    // ---------------- events ----------------
    void clear_events()
    {
        fills.clear();
        invals.clear();
        mem_reqs.clear();
        mem_resps.clear();
        l1_chgs.clear();
        bus_grants.clear();
        bus_dones.clear();
        dma_dones.clear();
    }
    size_t count_mem(unsigned op) const
    {
        size_t n = 0;
        for (const auto &e : mem_reqs)
            n += e.op == op;
        return n;
    }
    std::vector<unsigned> fill_indices() const
    {
        std::vector<unsigned> v;
        for (const auto &f : fills)
            v.push_back(f.index);
        return v;
    }
    uint64_t inval_union() const
    {
        uint64_t m = 0;
        for (const auto &e : invals)
            m |= e.mask;
        return m;
    }

    // Perf counters (CSR port).
    uint64_t pte_reads() { return csr_read(VM_CSR_PERF_PTW_PTE_READS); }
    uint64_t walks() { return csr_read(VM_CSR_PERF_PTW_WALKS); }
    uint64_t misses() { return csr_read(VM_CSR_PERF_TLB_MISSES); }
    uint64_t lookups() { return csr_read(VM_CSR_PERF_TLB_LOOKUPS); }
    uint64_t l1_accesses() { return csr_read(VM_CSR_PERF_L1_ACCESSES); }
    uint64_t l1_misses() { return csr_read(VM_CSR_PERF_L1_MISSES); }
    uint64_t l1_writebacks() { return csr_read(VM_CSR_PERF_L1_WRITEBACKS); }

    // L1 / bus event views.
    std::vector<unsigned> l1_chg_indices() const
    {
        std::vector<unsigned> v;
        for (const auto &e : l1_chgs)
            v.push_back(e.index);
        return v;
    }
    std::vector<unsigned> bus_grant_types() const
    {
        std::vector<unsigned> v;
        for (const auto &e : bus_grants)
            v.push_back(e.type);
        return v;
    }
    size_t count_grants(unsigned type) const
    {
        size_t n = 0;
        for (const auto &e : bus_grants)
            n += e.type == type;
        return n;
    }

    bool skip_quiet = false;  // access() skips quiet cycles with vm_model_skip
    uint64_t skipped = 0;     // cycles skipped so far

    std::vector<FillEv> fills;
    std::vector<InvalEv> invals;
    std::vector<MemReqEv> mem_reqs;
    std::vector<MemRespEv> mem_resps;
    std::vector<L1ChgEv> l1_chgs;
    std::vector<BusGrantEv> bus_grants;
    std::vector<BusDoneEv> bus_dones;
    std::vector<uint64_t> dma_dones;  // cycles with dma_done

private:
    void record(uint64_t c, const vm_obs &o)
    {
        if (o.core[0].fill_valid)
            fills.push_back(FillEv{c, o.core[0].fill_index, o.core[0].fill_level, o.core[0].fill_perm, o.core[0].fill_asid, o.core[0].fill_vpn, o.core[0].fill_ppn});
        if (o.core[0].inval_mask)
            invals.push_back(InvalEv{c, o.core[0].inval_mask});
        if (o.core[0].mem_req_valid)
            mem_reqs.push_back(MemReqEv{c, o.core[0].mem_req_op, o.core[0].mem_req_strb, o.core[0].mem_req_addr, o.core[0].mem_req_wdata, o.core[0].mem_req_cmp,
                                        o.core[0].mem_req_ready != 0, o.core[0].mem_req_cont != 0});
        if (o.core[0].mem_resp_valid)
            mem_resps.push_back(MemRespEv{c, o.core[0].mem_resp_rdata});
        if (o.core[0].l1_chg_valid)
            l1_chgs.push_back(L1ChgEv{c, o.core[0].l1_chg_index, o.core[0].l1_chg_old, o.core[0].l1_chg_new});
        if (o.bus_grant_valid) {
            BusGrantEv g{c, o.bus_grant_type, o.bus_grant_addr, o.bus_mem_write != 0};
            g.master = o.bus_grant_master;
            g.row_hit = o.bus_mem_row_hit != 0;
            g.row_miss = o.bus_mem_row_miss != 0;
            for (int i = 0; i < 8; i++)
                g.line[i] = o.bus_grant_line[i];
            bus_grants.push_back(g);
        }
        if (o.dma_done) {
            dma_dones.push_back(c);
            if (dma_busy_) {
                dma_busy_ = false;
                dma_done_cycle_ = c;
            }
        }
        if (o.bus_done_valid) {
            BusDoneEv d{c, o.bus_done_shared != 0, o.bus_done_word, {}};
            for (int i = 0; i < 8; i++)
                d.line[i] = o.bus_done_line[i];
            bus_dones.push_back(d);
        }
    }

    HarnessCfg cfg_;
#ifdef VMT_LOCKSTEP
    vm_sim *sim_ = nullptr;
    bool mismatch_reported_ = false;
#endif
#ifndef VMT_LOCKSTEP
    vm_shadow *shadow_ = nullptr;
    bool shadow_reported_ = false;
#endif
    bool dma_busy_ = false;
    uint64_t dma_accept_ = 0, dma_done_cycle_ = 0;
    vm_model *m_ = nullptr;
    vm_image img_{};
    uint64_t root_ = 0;
};

// gtest helpers
inline ::testing::AssertionResult IsFault(const Resp &r, unsigned cause, uint64_t tval)
{
    if (r.timed_out)
        return ::testing::AssertionFailure() << "timed out";
    if (!r.fault)
        return ::testing::AssertionFailure() << "no fault (rdata 0x" << std::hex << r.rdata << ")";
    if (r.cause != cause || r.tval != tval)
        return ::testing::AssertionFailure() << "cause " << r.cause << " tval 0x" << std::hex << r.tval
                                             << ", expected cause " << std::dec << cause << " tval 0x"
                                             << std::hex << tval;
    return ::testing::AssertionSuccess();
}
inline ::testing::AssertionResult IsOk(const Resp &r)
{
    if (r.timed_out)
        return ::testing::AssertionFailure() << "timed out";
    if (r.fault)
        return ::testing::AssertionFailure() << "fault cause " << r.cause << " tval 0x" << std::hex << r.tval;
    return ::testing::AssertionSuccess();
}

}  // namespace vmt

#endif
