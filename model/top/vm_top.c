/* SPDX-License-Identifier: MIT */
/* The model of rtl/top/vm_top.sv: one MMU in front of a flat memory, evaluated in the RTL's
 * combinational order (memory outputs -> MMU -> memory request). */
#include <vmcosim/contract.h>
#include <vmcosim/model.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../bus/vm_bus.h"
#include "../cache/vm_l1.h"
#include "../mem/vm_mem_flat.h"
#include "../mem/vm_dma.h"
#include "../mem/vm_memctl.h"
#include "../mmu/vm_mmu.h"

/* Two tops, as in rtl/top: vm_top (one MMU straight on a flat memory, l1_size = 0) and vm_soc (cores of
 * an MMU and an L1 each, bus, memory controller, DMA engine). Both keep physical memory in mem.words. */
struct vm_model {
    struct vm_hwcfg cfg;
    bool soc;
    unsigned cores;
    struct vm_mmu mmu[VM_MAX_CORES];
    struct vm_mem_flat mem;
    struct vm_l1 l1[VM_MAX_CORES];
    struct vm_bus bus;
    struct vm_memctl mc;
    struct vm_dma dma;
    uint64_t cycles;
    uint64_t inject_fill_flip_at;   /* UINT64_MAX = off */
    /* Each core's CSR read port: the register behind every address (a table, not a switch: the drivers
     * move the read address every cycle). Write-only and unused addresses read zero. */
    const uint64_t *csr[VM_MAX_CORES][32];
    uint64_t zero;
};

static void map_csrs(struct vm_model *m, unsigned c)
{
    const uint64_t **t = m->csr[c];
    const struct vm_mmu *u = &m->mmu[c];
    const struct vm_l1 *l1 = &m->l1[c];
    for (unsigned a = 0; a < 32; a++)
        t[a] = &m->zero;
    t[VM_CSR_SATP] = &u->satp;
    t[VM_CSR_STATUS] = &u->status;
    t[VM_CSR_SFENCE_VADDR] = &u->fence_vaddr;
    t[VM_CSR_PERF_LOADS] = &u->loads;
    t[VM_CSR_PERF_STORES] = &u->stores;
    t[VM_CSR_PERF_TLB_LOOKUPS] = &u->lookups;
    t[VM_CSR_PERF_TLB_MISSES] = &u->misses;
    t[VM_CSR_PERF_PTW_WALKS] = &u->ptw.walks;
    t[VM_CSR_PERF_PTW_WALK_CYCLES] = &u->ptw.walk_cycles;
    t[VM_CSR_PERF_PTW_PTE_READS] = &u->ptw.pte_reads;
    if (!m->soc)
        return;   /* vm_top has no L1: its counters read zero */
    t[VM_CSR_PERF_L1_ACCESSES] = &l1->accesses;
    t[VM_CSR_PERF_L1_MISSES] = &l1->misses;
    t[VM_CSR_PERF_L1_WRITEBACKS] = &l1->writebacks;
    t[VM_CSR_PERF_L1_HITS_S] = &l1->hits[0];
    t[VM_CSR_PERF_L1_HITS_E] = &l1->hits[1];
    t[VM_CSR_PERF_L1_HITS_M] = &l1->hits[2];
    t[VM_CSR_PERF_L1_SNOOP_HITS] = &l1->snoop_hits;
}

/* Core c's CSR read port (addr: the port's 5 bits). */
static uint64_t csr_read(const struct vm_model *m, unsigned c, unsigned addr)
{
    return *m->csr[c][addr];
}

static int is_pow2(uint64_t v)
{
    return v && !(v & (v - 1));
}

static unsigned log2_u32(uint32_t v)
{
    unsigned n = 0;
    while (v > 1)
        v >>= 1, n++;
    return n;
}

/* A line lies in one row: the smallest row holds the largest line (l1.line <= 64). */
_Static_assert(VM_MEMROW_MIN_BYTES >= 64, "rows of at least one line");

/* The memory controller's timing keys (mem.row, mem.banks, mem.row_size, mem.row_hit, mem.row_miss). */
static int check_mem_row(const struct vm_hwcfg *c, char *err, size_t errlen)
{
    if (c->mem_row != VM_MEMROW_OFF && c->mem_row != VM_MEMROW_OPEN) {
        snprintf(err, errlen, "mem.row=%u: must be off or open", c->mem_row);
        return -1;
    }
    if (!is_pow2(c->mem_banks) || c->mem_banks > VM_MEMROW_MAX_BANKS) {
        snprintf(err, errlen, "mem.banks=%u: must be a power of two from 1 to %u", c->mem_banks,
                 (unsigned)VM_MEMROW_MAX_BANKS);
        return -1;
    }
    if (!is_pow2(c->mem_row_size) || c->mem_row_size < VM_MEMROW_MIN_BYTES || c->mem_row_size > VM_MEMROW_MAX_BYTES) {
        snprintf(err, errlen, "mem.row_size=%u: must be a power of two from %u to %u bytes", c->mem_row_size,
                 (unsigned)VM_MEMROW_MIN_BYTES, (unsigned)VM_MEMROW_MAX_BYTES);
        return -1;
    }
    if (c->mem_row_hit < 1 || c->mem_row_hit > 255) {
        snprintf(err, errlen, "mem.row_hit=%u: must be 1..255 cycles", c->mem_row_hit);
        return -1;
    }
    if (c->mem_row_miss < c->mem_row_hit || c->mem_row_miss > 255) {
        snprintf(err, errlen, "mem.row_miss=%u: must be mem.row_hit=%u..255 cycles (a miss adds precharge and "
                 "activate to the hit's CAS)", c->mem_row_miss, c->mem_row_hit);
        return -1;
    }
    if (c->mem_row == VM_MEMROW_OPEN && !c->l1_size) {
        snprintf(err, errlen, "mem.row=open models the memory controller of the system (l1.size > 0); the MMU's "
                 "flat memory (l1.size=0) has the fixed mem.latency only");
        return -1;
    }
    return 0;
}

int vm_hwcfg_check(const struct vm_hwcfg *c, char *err, size_t errlen)
{
    if (c->cores < 1 || c->cores > VM_MAX_CORES) {
        snprintf(err, errlen, "cores=%u: must be 1..%u", c->cores, VM_MAX_CORES);
        return -1;
    }
    if (c->cores > 1 && !c->l1_size) {
        snprintf(err, errlen, "cores=%u needs the L1 caches (l1.size > 0): the cores share memory through the "
                 "coherent bus", c->cores);
        return -1;
    }
    if (!is_pow2(c->tlb_entries) || c->tlb_entries > VM_TLB_MAX_ENTRIES) {
        snprintf(err, errlen, "tlb.entries=%u: must be a power of two from 1 to %u", c->tlb_entries,
                 VM_TLB_MAX_ENTRIES);
        return -1;
    }
    if (!is_pow2(c->tlb_ways) || c->tlb_ways > c->tlb_entries) {
        snprintf(err, errlen, "tlb.ways=%u: must be a power of two that divides tlb.entries=%u", c->tlb_ways,
                 c->tlb_entries);
        return -1;
    }
    if (c->tlb_repl > VM_REPL_RANDOM) {
        snprintf(err, errlen, "tlb.repl=%u: unknown policy", c->tlb_repl);
        return -1;
    }
    if (c->mem_latency < 1 || c->mem_latency > 255) {
        snprintf(err, errlen, "mem.latency=%u: must be 1..255 cycles", c->mem_latency);
        return -1;
    }
    if (!is_pow2(c->mem_bytes) || c->mem_bytes < (64u << 10) || c->mem_bytes > VM_MEM_MAX_BYTES) {
        snprintf(err, errlen, "mem.size=%llu: must be a power of two from 64K to 64M",
                 (unsigned long long)c->mem_bytes);
        return -1;
    }
    if (!c->l1_size)
        return check_mem_row(c, err, errlen);
    if (!is_pow2(c->l1_line) || c->l1_line < 8 || c->l1_line > 64) {
        snprintf(err, errlen, "l1.line=%u: must be a power of two from 8 to 64 bytes", c->l1_line);
        return -1;
    }
    if (!is_pow2(c->l1_ways) || c->l1_ways > 64) {
        snprintf(err, errlen, "l1.ways=%u: must be a power of two from 1 to 64", c->l1_ways);
        return -1;
    }
    if (!is_pow2(c->l1_size) || c->l1_size < c->l1_line * c->l1_ways || c->l1_size > (1u << 20)) {
        snprintf(err, errlen, "l1.size=%u: must be a power of two, at least l1.ways x l1.line = %u, at most 1M",
                 c->l1_size, c->l1_line * c->l1_ways);
        return -1;
    }
    if (c->l1_repl > VM_REPL_RANDOM) {
        snprintf(err, errlen, "l1.repl=%u: unknown policy", c->l1_repl);
        return -1;
    }
    return check_mem_row(c, err, errlen);
}

struct vm_model *vm_model_new(const struct vm_hwcfg *cfg, char *err, size_t errlen)
{
    if (vm_hwcfg_check(cfg, err, errlen))
        return NULL;
    struct vm_model *m = calloc(1, sizeof *m);
    if (!m)
        goto oom;
    m->cfg = *cfg;
    m->mem.nwords = cfg->mem_bytes / 8;
    m->mem.latency = cfg->mem_latency;
    m->mem.words = calloc(m->mem.nwords, sizeof(uint64_t));
    if (!m->mem.words)
        goto oom;
    m->soc = cfg->l1_size != 0;
    m->cores = cfg->cores;
    for (unsigned c = 0; c < m->cores; c++)
        if (vm_mmu_init(&m->mmu[c], cfg))
            goto oom;
    if (m->soc) {
        unsigned line_words = cfg->l1_line / 8;
        for (unsigned c = 0; c < m->cores; c++)
            if (vm_l1_init(&m->l1[c], cfg->l1_size / cfg->l1_line / cfg->l1_ways, cfg->l1_ways, line_words,
                           cfg->l1_repl))
                goto oom;
        vm_bus_init(&m->bus, m->cores + 1);   /* masters 0..cores-1: the L1s; the last: the DMA engine */
        vm_dma_init(&m->dma, line_words, cfg->mem_bytes);
        m->mc.words = m->mem.words;
        m->mc.nwords = m->mem.nwords;
        m->mc.line_words = line_words;
        m->mc.latency = cfg->mem_latency;
        m->mc.row_open = cfg->mem_row == VM_MEMROW_OPEN;
        m->mc.row_shift = log2_u32(cfg->mem_row_size);
        m->mc.bank_bits = log2_u32(cfg->mem_banks);
        m->mc.row_hit = cfg->mem_row_hit;
        m->mc.row_miss = cfg->mem_row_miss;
    }
    for (unsigned c = 0; c < m->cores; c++)
        map_csrs(m, c);
    m->inject_fill_flip_at = UINT64_MAX;
    return m;
oom:
    vm_model_free(m);
    snprintf(err, errlen, "out of host memory for the model");
    return NULL;
}

void vm_model_free(struct vm_model *m)
{
    if (!m)
        return;
    for (unsigned c = 0; c < VM_MAX_CORES; c++) {
        vm_mmu_free(&m->mmu[c]);
        vm_l1_free(&m->l1[c]);
    }
    free(m->mem.words);
    free(m);
}

int vm_model_poke(struct vm_model *m, uint64_t word_index, uint64_t value)
{
    if (word_index >= m->mem.nwords)
        return -1;
    m->mem.words[word_index] = value;
    return 0;
}

uint64_t vm_model_peek(const struct vm_model *m, uint64_t word_index)
{
    return word_index < m->mem.nwords ? m->mem.words[word_index] : 0;
}

uint64_t vm_model_mem_words(const struct vm_model *m)
{
    return m->mem.nwords;
}

const uint64_t *vm_model_mem(const struct vm_model *m)
{
    return m->mem.words;
}

uint64_t vm_model_cycles(const struct vm_model *m)
{
    return m->cycles;
}

void vm_model_inject_fill_ppn_flip(struct vm_model *m, uint64_t at_cycle)
{
    m->inject_fill_flip_at = at_cycle;
}

static void step_soc(struct vm_model *m, const struct vm_in *in, struct vm_obs *obs);
static void step_one(struct vm_model *m, const struct vm_in *in, struct vm_obs *obs);

/* The MMU's memory port as observed (both tops; every field: an invalid request is all zeros), and the
 * injected fault of the checker proofs. */
static void observe_mem_port(const struct vm_model *m, const struct vm_mem_req *mreq, const struct vm_mem_view *mv,
                             struct vm_core_obs *obs)
{
    obs->mem_req_valid = mreq->valid;
    obs->mem_req_ready = mv->req_ready;
    obs->mem_req_op = (uint8_t)mreq->op;
    obs->mem_req_strb = mreq->strb;
    obs->mem_req_addr = mreq->addr;
    obs->mem_req_wdata = mreq->wdata;
    obs->mem_req_cmp = mreq->cmp;
    obs->mem_req_cont = mreq->cont;
    obs->mem_resp_valid = mv->resp_valid;
    obs->mem_resp_rdata = mv->resp_valid ? mv->resp_rdata : 0;
    if (obs->fill_valid && m->cycles >= m->inject_fill_flip_at)
        obs->fill_ppn ^= 1;
}
/* n quiet cycles (vm_model_quiet_cycles): only the memory countdown and the walkers' busy counts move. */
static void count_down(struct vm_model *m, uint64_t n)
{
    if (m->soc)
        m->mc.count -= (unsigned)n;
    else
        m->mem.count -= (unsigned)n;
    for (unsigned c = 0; c < m->cores; c++)
        if (m->mmu[c].state == MMU_WALK)
            m->mmu[c].ptw.walk_cycles += n;
}

/* Clears the bus and DMA scalars of the observation (port.h: the lines only change with their flags). */
static void clear_obs_bus(struct vm_obs *obs)
{
    memset(&obs->dma_ready, 0, offsetof(struct vm_obs, bus_done_line) - offsetof(struct vm_obs, dma_ready));
}

/* The RTL's ports are narrower than the C fields: copies the inputs the model reads (the active cores and
 * the system ports), keeping only the bits a port has. */
static void mask_inputs(struct vm_in *in, const struct vm_in *raw, unsigned cores)
{
    for (unsigned c = 0; c < cores; c++) {
        struct vm_core_in *ci = &in->core[c];
        *ci = raw->core[c];
        ci->req_valid &= 1;
        ci->req_op &= 3;
        ci->req_size &= 3;
        ci->req_bare &= 1;
        ci->req_cont &= 1;
        ci->csr_we &= 1;
        ci->csr_addr &= 31;
    }
    in->dma_valid = raw->dma_valid & 1;
    in->dma_op = raw->dma_op & 3;
    in->dma_src = raw->dma_src;
    in->dma_dst = raw->dma_dst;
    in->buf_we = raw->buf_we & 1;
    in->buf_addr = raw->buf_addr & 511;
    in->buf_wdata = raw->buf_wdata;
}

/* A core's seven narrow inputs lead its record, one byte each; the bits above each port's width are tested
 * in one word (the eighth byte is padding, ignored; the mask is built as bytes too, in the host's order). */
_Static_assert(offsetof(struct vm_core_in, req_valid) == 0 && offsetof(struct vm_core_in, req_op) == 1 &&
               offsetof(struct vm_core_in, req_size) == 2 && offsetof(struct vm_core_in, req_bare) == 3 &&
               offsetof(struct vm_core_in, req_cont) == 4 && offsetof(struct vm_core_in, csr_we) == 5 &&
               offsetof(struct vm_core_in, csr_addr) == 6 && offsetof(struct vm_core_in, req_addr) == 8,
               "the narrow core inputs are bytes 0..6");
static const uint8_t kCoreInWide[8] = {0xFE, 0xFC, 0xFC, 0xFE, 0xFE, 0xFE, 0xE0, 0};

/* Whether every narrow input the model reads already fits its port (the drivers' way): then the model
 * reads the caller's record as it is, without the masked copy. */
static inline __attribute__((always_inline)) bool inputs_fit(const struct vm_in *raw, const unsigned cores)
{
    uint64_t wide = (uint64_t)((raw->dma_valid | raw->buf_we) >> 1 | raw->dma_op >> 2 | raw->buf_addr >> 9), mask;
    memcpy(&mask, kCoreInWide, sizeof mask);
    for (unsigned c = 0; c < cores; c++) {
        uint64_t narrow;
        memcpy(&narrow, &raw->core[c], sizeof narrow);
        wide |= narrow & mask;
    }
    return !wide;
}

/* vm_top: the MMU straight on the flat memory. */
static void step_top(struct vm_model *m, const struct vm_in *in, struct vm_obs *obs)
{
    struct vm_mem_view mv = {
        .req_ready = vm_mem_flat_ready(&m->mem),
        .resp_valid = vm_mem_flat_resp_valid(&m->mem),
        .resp_rdata = m->mem.rdata,
    };
    struct vm_mem_req mreq;
    uint64_t csr_rdata = csr_read(m, 0, in->core[0].csr_addr);   /* before the counters move */
    if (obs)   /* core 0's record: its MMU's fields, then the top's */
        clear_obs_bus(obs);
    vm_mmu_cycle(&m->mmu[0], &in->core[0], &mv, &mreq, obs ? &obs->core[0] : NULL);
    if (obs) {
        struct vm_core_obs *co = &obs->core[0];
        co->csr_rdata = csr_rdata;
        observe_mem_port(m, &mreq, &mv, co);
        co->mem_req_cont = 0;   /* vm_top's flat memory has no continuation port */
        co->l1_chg_valid = co->l1_chg_old = co->l1_chg_new = 0;   /* nor an L1 */
        co->l1_chg_index = 0;
        co->l1_chg_addr = 0;
    }
    vm_mem_flat_step(&m->mem, &mreq);
}

/* Every step but the common one: inputs to mask, several cores, or vm_top (a frame of its own, so that the
 * common step's caller stays small). */
static __attribute__((noinline)) void step_other(struct vm_model *m, const struct vm_in *raw, struct vm_obs *obs)
{
    struct vm_in in_bits;   /* only the active cores' part is written and read */
    const struct vm_in *in = raw;
    if (!inputs_fit(raw, m->cores)) {
        mask_inputs(&in_bits, raw, m->cores);
        in = &in_bits;
    }
    if (m->soc)
        step_soc(m, in, obs);
    else
        step_top(m, in, obs);
}

void vm_model_step(struct vm_model *m, const struct vm_in *raw, struct vm_obs *obs)
{
    if (m->soc && m->cores == 1 && inputs_fit(raw, 1))   /* the common case, first */
        step_one(m, raw, obs);
    else
        step_other(m, raw, obs);
    m->cycles++;
}

/* The quiet cycles the memory allows, the cheapest test and the one that fails most (inline: step_cores
 * asks it first every cycle): on vm_soc the bus waits for the memory controller, every L1 waits for the bus
 * (the DMA engine, if busy, waits too: nothing is granted or completed before the controller answers). The
 * open-row state (mem.row=open) moves only when the controller accepts, which needs a grant: never in a
 * quiet cycle, so the countdown is all that moves. */
static inline uint64_t memory_quiet(const struct vm_model *m)
{
    if (m->soc)
        return !m->bus.busy || m->bus.upgr || m->mc.rmw || m->mc.count < 2 ? 0 : m->mc.count - 1;
    return m->mem.cas || m->mem.count < 2 ? 0 : m->mem.count - 1;
}

/* A core record that shows only its ready ports and CSR read port, field by field (stores cost less than
 * clearing the whole record first, which compilers do with a slow string instruction). */
_Static_assert(sizeof(struct vm_core_obs) == 120, "a new field: write it here and in vm_mmu.c observe()");
static void observe_quiet_core(struct vm_core_obs *co, bool ready, uint64_t csr_rdata)
{
    co->req_ready = co->mem_req_ready = ready;
    co->resp_valid = co->resp_fault = co->resp_cause = 0;
    co->resp_rdata = co->resp_tval = 0;
    co->csr_rdata = csr_rdata;
    co->mem_req_valid = co->mem_req_cont = co->mem_req_op = co->mem_req_strb = co->mem_resp_valid = 0;
    co->mem_req_addr = co->mem_req_wdata = co->mem_req_cmp = co->mem_resp_rdata = 0;
    co->fill_valid = co->fill_level = co->fill_perm = 0;
    co->fill_index = co->fill_asid = 0;
    co->fill_vpn = 0;
    co->fill_ppn = co->inval_mask = 0;
    co->l1_chg_valid = co->l1_chg_old = co->l1_chg_new = 0;
    co->l1_chg_index = 0;
    co->l1_chg_addr = 0;
}

/* vm_soc: evaluated in the RTL's combinational order (memory controller and bus answers, L1 outputs,
 * arbitration and snoop, MMUs, L1 requests), then every block crosses the edge. */

/* n: m->cores, a constant where step_soc expands this for one core. */
static inline __attribute__((always_inline)) void step_cores(struct vm_model *m, const struct vm_in *in,
                                                             struct vm_obs *obs, const unsigned n)
{
    const unsigned dma_master = n;
    /* Fast path: everything waits for the memory controller and no CSR, DMA or buffer input moves. */
    if (memory_quiet(m) && vm_model_quiet_cycles(m, in)) {
        if (obs) {
            clear_obs_bus(obs);
            /* a waiting core shows nothing; an idle one (core_waits) shows both ports ready */
            for (unsigned c = 0; c < n; c++)
                observe_quiet_core(&obs->core[c], m->mmu[c].state == MMU_IDLE, csr_read(m, c, in->core[c].csr_addr));
            obs->dma_ready = m->dma.state == DMA_IDLE;
            obs->buf_rdata = m->dma.buf[in->buf_addr];
        }
        count_down(m, 1);
        return;
    }

    if (obs)   /* the active cores' records: their MMUs' fields, then the top's below */
        clear_obs_bus(obs);
    uint64_t csr_rdata[VM_MAX_CORES];   /* the CSR read ports show the values before this edge */
    for (unsigned c = 0; c < n; c++)
        csr_rdata[c] = csr_read(m, c, in->core[c].csr_addr);
    bool mc_resp = vm_memctl_resp_valid(&m->mc);
    int done_master = vm_bus_done(&m->bus, mc_resp);
    struct vm_l1_bus_in bi = {0};   /* what every L1 sees; grant, done and snoop_self are per core */
    bi.shared = m->bus.shared;
    /* The bus is busy from grant to done, so nothing is granted in a done cycle: the controller accepts
     * nothing below and its line stays as it is for the whole step. */
    bi.line = m->mc.line;
    bi.word = vm_memctl_resp_word(&m->mc);

    struct vm_l1_out lo[VM_MAX_CORES];
    uint32_t wanting = 0;   /* bit m: master m requests the bus */
    for (unsigned c = 0; c < n; c++) {
        bi.done = done_master == (int)c;
        vm_l1_outputs(&m->l1[c], &bi, &lo[c]);
        wanting |= (uint32_t)lo[c].bus_req << c;
    }
    struct vm_dma_out dout;
    vm_dma_outputs(&m->dma, &dout);
    wanting |= (uint32_t)dout.bus_req << dma_master;
    struct vm_bus_req breqs[VM_MAX_CORES + 1];
    struct vm_bus_grant g = {0};
    if (!m->bus.busy && wanting) {   /* arbitration (a busy bus grants nothing): the requests' fields */
        for (unsigned c = 0; c < n; c++)
            breqs[c] = (struct vm_bus_req){lo[c].bus_req, lo[c].bus_type, lo[c].bus_word, lo[c].bus_addr,
                                           lo[c].bus_cmp, lo[c].bus_wdata, lo[c].bus_strb, lo[c].bus_line};
        breqs[dma_master] = (struct vm_bus_req){dout.bus_req, dout.bus_type, 0, dout.bus_addr, 0, 0, 0,
                                                dout.bus_line};
        vm_bus_arbitrate(&m->bus, breqs, &g);
    }
    const struct vm_bus_req *breq = g.valid ? &breqs[g.master] : NULL;
    bi.snoop_valid = g.valid;
    bi.snoop_type = g.type;
    bi.snoop_addr = g.addr;

    /* Every cache snoops the grant; at most one supplies a dirty line (the bus asserts it). */
    static const struct vm_l1_snoop kNoSnoop;   /* read-only: what a cache sees without a grant */
    struct vm_l1_snoop sn[VM_MAX_CORES];
    const uint64_t *dirty_line = NULL;
    uint32_t snoop_hits = 0;
    for (unsigned c = 0; g.valid && c < n; c++) {
        bi.snoop_self = g.master == c;
        vm_l1_snoop(&m->l1[c], &bi, &sn[c]);
        if (sn[c].dirty)
            dirty_line = sn[c].line;
        snoop_hits |= (uint32_t)sn[c].hit << c;
    }

    struct vm_mem_view mv[VM_MAX_CORES];
    struct vm_mem_req mreq[VM_MAX_CORES];
    for (unsigned c = 0; c < n; c++) {
        mv[c] = (struct vm_mem_view){vm_l1_ready(&m->l1[c], g.valid), lo[c].resp_valid, lo[c].resp_rdata};
        vm_mmu_cycle(&m->mmu[c], &in->core[c], &mv[c], &mreq[c], obs ? &obs->core[c] : NULL);
        if (obs)
            obs->core[c].csr_rdata = csr_rdata[c];
    }

    /* The memory access of a granted transaction starts in its grant cycle (an idle controller without a
     * request stays as it is). */
    enum vm_memctl_row row = VM_MEMCTL_ROW_NONE;
    bool mem_write = false;
    if (g.valid && g.type != VM_BUS_UPGR) {
        struct vm_memctl_req mr = {.valid = true, .addr = g.addr, .rmw = g.type == VM_BUS_RMW, .word = breq->word,
                                   .cmp = breq->cmp, .wdata = breq->wdata, .strb = breq->strb};
        bool own_line = g.type == VM_BUS_WB || g.type == VM_BUS_WLI;
        mr.write = mem_write = own_line || dirty_line;
        mr.line = own_line ? breq->line : dirty_line;
        row = vm_memctl_step(&m->mc, &mr);
        if (obs && mr.write)   /* before the blocks below move their lines */
            memcpy(obs->bus_grant_line, mr.line, m->l1[0].line_words * sizeof(uint64_t));
    } else if (m->mc.count || m->mc.rmw) {
        static const struct vm_memctl_req kNoRequest;   /* read-only */
        row = vm_memctl_step(&m->mc, &kNoRequest);
    }

    for (unsigned c = 0; c < n; c++) {
        const struct vm_core_in *ci = &in->core[c];
        struct vm_l1_change chg;
        bool seed_we = ci->csr_we && ci->csr_addr == VM_CSR_LFSR_SEED;
        bi.grant = g.valid && g.master == c;
        bi.done = done_master == (int)c;
        bi.snoop_self = g.valid && g.master == c;
        vm_l1_next(&m->l1[c], &mreq[c], &bi, g.valid ? &sn[c] : &kNoSnoop, seed_we, (uint32_t)ci->csr_wdata, &chg);
        if (!obs)
            continue;
        struct vm_core_obs *co = &obs->core[c];
        observe_mem_port(m, &mreq[c], &mv[c], co);
        co->l1_chg_valid = chg.valid;   /* every field: no change is all zeros */
        co->l1_chg_index = (uint16_t)chg.index;
        co->l1_chg_old = chg.old_state;
        co->l1_chg_new = chg.new_state;
        co->l1_chg_addr = chg.addr;
    }
    uint64_t buf_rdata = m->dma.buf[in->buf_addr];
    bool dma_done = false;   /* an idle engine without a command or a buffer write stays as it is */
    if (m->dma.state != DMA_IDLE || in->dma_valid || in->buf_we)
        dma_done = vm_dma_next(&m->dma, in->dma_valid, in->dma_op, in->dma_src, in->dma_dst,
                               done_master == (int)dma_master, m->mc.line, in->buf_we, in->buf_addr, in->buf_wdata);
    vm_bus_next(&m->bus, &g, snoop_hits, mc_resp);

    if (!obs)
        return;
    obs->dma_ready = dout.ready;
    obs->dma_done = dma_done;
    obs->buf_rdata = buf_rdata;
    obs->bus_grant_valid = g.valid;
    if (g.valid) {
        obs->bus_grant_master = (uint8_t)g.master;
        obs->bus_grant_type = (uint8_t)g.type;
        obs->bus_grant_addr = g.addr;
    }
    obs->bus_mem_write = mem_write;
    obs->bus_mem_row_hit = row == VM_MEMCTL_ROW_HIT;
    obs->bus_mem_row_miss = row == VM_MEMCTL_ROW_MISS;
    obs->bus_done_valid = done_master >= 0;
    if (done_master >= 0) {
        obs->bus_done_shared = bi.shared;
        obs->bus_done_word = bi.word;
        memcpy(obs->bus_done_line, m->mc.line, m->l1[0].line_words * sizeof(uint64_t));
    }
}

/* One core, the common case, gets its own copy of the step: its per-core loops and arrays fold away. */
static __attribute__((noinline)) void step_one(struct vm_model *m, const struct vm_in *in, struct vm_obs *obs)
{
    step_cores(m, in, obs, 1);
}

static void step_soc(struct vm_model *m, const struct vm_in *in, struct vm_obs *obs)
{
    if (m->cores == 1)
        step_one(m, in, obs);
    else
        step_cores(m, in, obs, m->cores);
}

/* A core that does nothing until the bus answers: its MMU waits for memory while its L1 waits for the bus,
 * or its MMU is idle with no request offered (ci) and its L1 idle too. */
static bool core_waits(const struct vm_model *m, unsigned c, const struct vm_core_in *ci)
{
    const struct vm_mmu *u = &m->mmu[c];
    bool idle = u->state == MMU_IDLE && !(ci->req_valid & 1);
    bool waiting = u->state == MMU_DATA_WAIT ||
                   (u->state == MMU_WALK && (u->ptw.state == PTW_WAIT || u->ptw.state == PTW_CAS_WAIT));
    if (!m->soc || !(waiting || idle))
        return waiting;
    return idle ? m->l1[c].state == L1_IDLE : vm_l1_waits_for_bus(&m->l1[c]);
}

/* No input that would move state this cycle: no CSR write, no buffer write, no DMA command the engine
 * would accept (one offered while the engine is busy waits). The request inputs are core_waits' part. */
static bool inputs_quiet(const struct vm_model *m, const struct vm_in *in)
{
    if (m->soc && ((in->buf_we & 1) || ((in->dma_valid & 1) && m->dma.state == DMA_IDLE)))
        return false;
    for (unsigned c = 0; c < m->cores; c++)
        if (in->core[c].csr_we & 1)
            return false;
    return true;
}

uint64_t vm_model_quiet_cycles(const struct vm_model *m, const struct vm_in *in)
{
    uint64_t n = memory_quiet(m);
    if (!n)
        return 0;
    for (unsigned c = 0; c < m->cores; c++)
        if (!core_waits(m, c, &in->core[c]))
            return 0;
    return inputs_quiet(m, in) ? n : 0;
}

void vm_model_skip(struct vm_model *m, uint64_t n)
{
    count_down(m, n);
    m->cycles += n;
}
