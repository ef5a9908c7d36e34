/* The model of rtl/top/vm_top.sv: one MMU in front of a flat memory, evaluated in the RTL's
 * combinational order (memory outputs -> MMU -> memory request). */
#include <vmcosim/contract.h>
#include <vmcosim/model.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../mem/vm_mem_flat.h"
#include "../mmu/vm_mmu.h"

struct vm_model {
    struct vm_hwcfg cfg;
    struct vm_mmu mmu;
    struct vm_mem_flat mem;
    uint64_t cycles;
    uint64_t inject_fill_flip_at;   /* UINT64_MAX = off */
};

static int is_pow2(uint64_t v)
{
    return v && !(v & (v - 1));
}

int vm_hwcfg_check(const struct vm_hwcfg *c, char *err, size_t errlen)
{
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
    return 0;
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
    if (vm_mmu_init(&m->mmu, cfg))
        goto oom;
    m->inject_fill_flip_at = UINT64_MAX;
    return m;
oom:
    if (m) {
        vm_mmu_free(&m->mmu);
        free(m->mem.words);
    }
    free(m);
    snprintf(err, errlen, "out of memory for the model");
    return NULL;
}

void vm_model_free(struct vm_model *m)
{
    if (!m)
        return;
    vm_mmu_free(&m->mmu);
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

void vm_model_step(struct vm_model *m, const struct vm_in *raw, struct vm_obs *obs)
{
    /* The RTL's ports are narrower than the C fields: keep only the bits a port has. */
    struct vm_in in_bits = *raw;
    const struct vm_in *in = &in_bits;
    in_bits.req_valid &= 1;
    in_bits.req_op &= 3;
    in_bits.req_size &= 3;
    in_bits.req_bare &= 1;
    in_bits.csr_we &= 1;
    in_bits.csr_addr &= 15;

    struct vm_mem_view mv = {
        .req_ready = vm_mem_flat_ready(&m->mem),
        .resp_valid = vm_mem_flat_resp_valid(&m->mem),
        .resp_rdata = m->mem.rdata,
    };
    struct vm_mem_req mreq;
    vm_mmu_cycle(&m->mmu, in, &mv, &mreq, obs);
    if (obs) {
        obs->mem_req_valid = mreq.valid;
        if (mreq.valid) {
            obs->mem_req_op = (uint8_t)mreq.op;
            obs->mem_req_strb = mreq.strb;
            obs->mem_req_addr = mreq.addr;
            obs->mem_req_wdata = mreq.wdata;
            obs->mem_req_cmp = mreq.cmp;
        }
        obs->mem_resp_valid = mv.resp_valid;
        obs->mem_resp_rdata = mv.resp_valid ? mv.resp_rdata : 0;
        if (obs->fill_valid && m->cycles >= m->inject_fill_flip_at)
            obs->fill_ppn ^= 1;
    }
    vm_mem_flat_step(&m->mem, &mreq);
    m->cycles++;
}

uint64_t vm_model_quiet_cycles(const struct vm_model *m)
{
    const struct vm_mmu *u = &m->mmu;
    bool waiting = u->state == MMU_DATA_WAIT ||
                   (u->state == MMU_WALK && (u->ptw.state == PTW_WAIT || u->ptw.state == PTW_CAS_WAIT));
    if (!waiting || m->mem.cas || m->mem.count < 2)
        return 0;
    return m->mem.count - 1;
}

void vm_model_skip(struct vm_model *m, uint64_t n)
{
    m->mem.count -= (unsigned)n;
    if (m->mmu.state == MMU_WALK)
        m->mmu.ptw.walk_cycles += n;
    m->cycles += n;
}
