/* SPDX-License-Identifier: MIT */
/* One core's MMU model: twin of rtl/mmu/vm_mmu.sv (request FSM, CSRs, TLB and walker glue). */
#include "vm_mmu.h"

#include <string.h>

int vm_mmu_init(struct vm_mmu *m, const struct vm_hwcfg *cfg)
{
    memset(m, 0, sizeof *m);
    m->mem_bytes = cfg->mem_bytes;
    return vm_tlb_init(&m->tlb, cfg->tlb_entries, cfg->tlb_ways, cfg->tlb_repl);
}

void vm_mmu_free(struct vm_mmu *m)
{
    vm_tlb_free(&m->tlb);
}

static uint64_t size_bytes_mask(unsigned size)
{
    return size == 3 ? ~0ull : (1ull << (8u << size)) - 1;
}

/* CSR write decode: the fence command and register updates that take effect at the edge. */
struct csr_effect {
    bool fence, fence_use_vaddr, fence_use_asid, seed_we;
    uint16_t fence_asid;
    uint32_t fence_vpn;
    uint64_t satp, fence_vaddr;
    uint64_t status;
};

/* The effects of the cycle's CSR write (none without csr_we: *c keeps the registers as they are). */
static void decode_csr(const struct vm_mmu *m, const struct vm_core_in *in, bool sv32, struct csr_effect *c)
{
    *c = (struct csr_effect){.satp = m->satp, .status = m->status, .fence_vaddr = m->fence_vaddr};
    if (!in->csr_we)
        return;
    c->fence_use_vaddr = (in->csr_wdata >> VM_SFENCE_USE_VADDR) & 1;
    c->fence_use_asid = (in->csr_wdata >> VM_SFENCE_USE_ASID) & 1;
    c->fence_asid = (uint16_t)((in->csr_wdata >> VM_SFENCE_ASID_LSB) & (sv32 ? 0x1FF : 0xFFFF));
    c->fence_vpn = sv32 ? (uint32_t)((m->fence_vaddr >> 12) & VM_VPN_MASK_SV32)
                        : (uint32_t)((m->fence_vaddr >> 12) & VM_VPN_MASK_SV39);
    switch (in->csr_addr) {
    case VM_CSR_SATP: {
        unsigned mode = (unsigned)(in->csr_wdata >> 60);
        if (mode == VM_SATP_MODE_SV39 || mode == VM_SATP_MODE_BARE)
            c->satp = in->csr_wdata;
        else if (mode == VM_SATP_MODE_SV32)
            c->satp = ((uint64_t)mode << 60) | (in->csr_wdata & (0x1FFull << 44)) | (in->csr_wdata & 0x3FFFFF);
        break;
    }
    case VM_CSR_STATUS: c->status = (unsigned)(in->csr_wdata & 0xF); break;
    case VM_CSR_SFENCE_VADDR: c->fence_vaddr = in->csr_wdata; break;
    case VM_CSR_SFENCE: c->fence = true; break;
    case VM_CSR_LFSR_SEED: c->seed_we = true; break;
    default: break;
    }
}

static void data_request(struct vm_mem_req *r, uint64_t paddr, unsigned op, unsigned size, uint64_t wdata)
{
    unsigned off = (unsigned)(paddr & 7);
    r->valid = true;
    r->op = op == VM_OP_STORE ? VM_MEMOP_WRITE : VM_MEMOP_READ;
    r->addr = paddr & ~7ull;
    r->strb = (uint8_t)((((1u << (1u << size)) - 1) << off) & 0xFF);
    r->wdata = op == VM_OP_STORE ? (wdata & size_bytes_mask(size)) << (8 * off) : 0;
    r->cmp = 0;
}

/* The request port's answer in a cycle. */
struct port_answer {
    bool valid, fault;
    uint8_t cause;
    uint64_t rdata, tval;
};

/* The MMU's fields of the observation, every one of them (the record is not cleared first): the request
 * port, the TLB's fill (zeros without one) and its invalidations. */
static void observe(struct vm_core_obs *o, bool ready, const struct port_answer *a, const struct vm_tlb_entry *fill,
                    int fill_index, uint64_t inval)
{
    static const struct vm_tlb_entry kNoFill;   /* read-only: the fill fields without a fill */
    const struct vm_tlb_entry *e = fill ? fill : &kNoFill;
    o->req_ready = ready;
    o->resp_valid = a->valid;
    o->resp_fault = a->fault;
    o->resp_cause = a->cause;
    o->resp_rdata = a->rdata;
    o->resp_tval = a->tval;
    o->fill_valid = fill != NULL;
    o->fill_index = (uint16_t)(fill ? fill_index : 0);
    o->fill_vpn = e->vpn;
    o->fill_level = e->level;
    o->fill_asid = e->asid;
    o->fill_ppn = e->ppn;
    o->fill_perm = e->perm;
    o->inval_mask = inval;
}

/* A load's bytes as the port answers them. */
static uint64_t load_data(const struct vm_mmu *m, uint64_t word)
{
    return m->op != VM_OP_STORE ? (word >> (8 * (m->paddr & 7))) & size_bytes_mask(m->size) : 0;
}

/* The translation context of a cycle: satp and status as they are (CSR writes take effect at the edge). */
struct xlate {
    unsigned mode;
    bool sv32, priv_s, sum, mxr, adhw;
    uint16_t asid;
    uint64_t root;
};

static void xlate_of(const struct vm_mmu *m, struct xlate *x)
{
    x->mode = (unsigned)(m->satp >> 60);
    x->sv32 = x->mode == VM_SATP_MODE_SV32;
    x->asid = (uint16_t)((m->satp >> 44) & 0xFFFF);
    x->root = m->satp & 0xFFFFFFFFFFFull;
    x->priv_s = (m->status >> VM_STATUS_PRIV_S) & 1;
    x->sum = (m->status >> VM_STATUS_SUM) & 1;
    x->mxr = (m->status >> VM_STATUS_MXR) & 1;
    x->adhw = (m->status >> VM_STATUS_ADHW) & 1;
}

/* The walker's start: the request's values and the CSRs as they were this cycle. */
static void start_walk(struct vm_mmu *m, const struct vm_ptw_out *po, bool start, const struct xlate *x,
                       uint32_t vpn, unsigned op, const struct vm_mem_view *mv)
{
    struct vm_ptw_start ps = {
        .vpn = vpn, .asid = x->asid, .root_ppn = x->root, .op = op,
        .priv_s = x->priv_s, .sum = x->sum, .mxr = x->mxr, .adhw = x->adhw, .sv32 = x->sv32,
    };
    vm_ptw_next(&m->ptw, po, start, &ps, mv->req_ready, mv->resp_valid);
}

/* An idle MMU takes the request offered: a fault, a data access now (translated by a TLB hit, or bare) or a
 * walk (*ptw_start: a TLB miss, or a store whose entry lacks D with hardware A/D, which invalidates the
 * entry). Returns the next state; fills *mreq for the data access and *tc with the hit's touch or the
 * invalidation, *req_vpn with the VPN the walker starts from. */
static inline __attribute__((always_inline)) enum vm_mmu_state
take_request(struct vm_mmu *m, const struct vm_core_in *in, const struct vm_mem_view *mv, const struct xlate *x,
             struct vm_mem_req *mreq, struct vm_tlb_cmd *tc, bool *ptw_start, uint32_t *req_vpn)
{
    enum vm_mmu_state next = MMU_IDLE;
    bool data_now = false;
    m->op = in->req_op;
    m->size = in->req_size;
    m->vaddr = in->req_addr;
    m->wdata = in->req_wdata;
    m->cont = in->req_cont;
    m->paddr = in->req_addr;
    if (in->req_op == VM_OP_LOAD)
        m->loads++;
    if (in->req_op == VM_OP_STORE)
        m->stores++;
    uint64_t a = in->req_addr;
    bool translate = !in->req_bare && x->mode != VM_SATP_MODE_BARE;
    bool misaligned = (a & ((1ull << in->req_size) - 1)) != 0;
    uint64_t top = a >> 38;
    bool noncanon = x->sv32 ? (a >> 32) != 0 : (top != 0 && top != 0x3FFFFFF);
    *req_vpn = x->sv32 ? (uint32_t)((a >> 12) & VM_VPN_MASK_SV32) : (uint32_t)((a >> 12) & VM_VPN_MASK_SV39);
    if (misaligned) {
        m->cause = vm_misaligned_cause(in->req_op);
        next = MMU_FAULT;
    } else if (!translate) {
        if (a >= m->mem_bytes) {
            m->cause = vm_access_fault_cause(in->req_op);
            next = MMU_FAULT;
        } else {
            data_now = true;
        }
    } else if (noncanon) {
        m->cause = vm_page_fault_cause(in->req_op);
        next = MMU_FAULT;
    } else {
        m->lookups++;
        int hit = vm_tlb_lookup(&m->tlb, *req_vpn, x->asid, x->sv32);
        if (hit >= 0) {
            const struct vm_tlb_entry *e = &m->tlb.e[hit];
            uint64_t pa = vm_leaf_paddr(e, *req_vpn, a, x->sv32);
            tc->touch_hit = true;
            tc->hit_index = hit;
            m->paddr = pa;
            if (!vm_leaf_perm_ok(e->perm, in->req_op, x->priv_s, x->sum, x->mxr)) {
                m->cause = vm_page_fault_cause(in->req_op);
                next = MMU_FAULT;
            } else if (in->req_op == VM_OP_STORE && !((e->perm >> VM_PTE_D) & 1)) {
                if (x->adhw) {
                    tc->inval_one = true;
                    tc->inval_one_index = hit;
                    m->misses++;
                    *ptw_start = true;
                    next = MMU_WALK;
                } else {
                    m->cause = vm_page_fault_cause(in->req_op);
                    next = MMU_FAULT;
                }
            } else if (pa >= m->mem_bytes) {
                m->cause = vm_access_fault_cause(in->req_op);
                next = MMU_FAULT;
            } else {
                data_now = true;
            }
        } else {
            m->misses++;
            *ptw_start = true;
            next = MMU_WALK;
        }
    }
    if (data_now) {
        data_request(mreq, m->paddr, m->op, m->size, m->wdata);
        mreq->cont = m->cont;
        next = mv->req_ready ? MMU_DATA_WAIT : MMU_DATA_REQ;
    }
    return next;
}

/* Every state and CSR write; kept apart from the waits in vm_mmu_cycle so that those, half of all cycles,
 * take none of its stack frame. */
static __attribute__((noinline)) void full_cycle(struct vm_mmu *m, const struct vm_core_in *in,
                                                 const struct vm_mem_view *mv, struct vm_mem_req *mreq,
                                                 struct vm_core_obs *obs)
{
    struct xlate x;
    xlate_of(m, &x);
    const bool sv32 = x.sv32;

    struct csr_effect csr;
    decode_csr(m, in, sv32, &csr);

    struct vm_ptw_out po;
    vm_ptw_outputs(&m->ptw, m->mem_bytes, mv->resp_valid, mv->resp_rdata, &po);

    struct vm_tlb_cmd tc = {
        .fence = csr.fence, .fence_use_vaddr = csr.fence_use_vaddr, .fence_use_asid = csr.fence_use_asid,
        .fence_vpn = csr.fence_vpn, .fence_asid = csr.fence_asid, .seed_we = csr.seed_we,
        .seed = (uint32_t)in->csr_wdata, .hit_index = -1,
    };

    enum vm_mmu_state next = m->state;
    bool ptw_start = false;
    bool stale_next = m->stale || csr.fence;
    uint32_t req_vpn = 0;
    struct port_answer answer = {0};
    memset(mreq, 0, sizeof *mreq);

    switch (m->state) {
    case MMU_IDLE:
        if (!in->req_valid)
            break;
        next = take_request(m, in, mv, &x, mreq, &tc, &ptw_start, &req_vpn);
        if (ptw_start)
            stale_next = csr.fence;   /* a new walk: only a fence in this very cycle makes it stale */
        break;
    case MMU_WALK:
        mreq->valid = po.mem_req_valid;
        mreq->walk = true;
        if (po.mem_req_valid) {
            mreq->op = po.mem_req_op;
            mreq->addr = po.mem_req_addr;
            mreq->wdata = po.mem_req_wdata;
            mreq->cmp = po.mem_req_cmp;
            mreq->strb = po.mem_req_strb;
        }
        if (po.done) {
            if (po.fault) {
                m->cause = po.cause;
                next = MMU_FAULT;
            } else {
                uint64_t pa = vm_leaf_paddr(&po.entry, po.entry.vpn, m->vaddr, sv32);
                tc.fill = !(m->stale || csr.fence);
                tc.fill_entry = po.entry;
                m->paddr = pa;
                if (pa >= m->mem_bytes) {
                    m->cause = vm_access_fault_cause(m->op);
                    next = MMU_FAULT;
                } else {
                    next = MMU_DATA_REQ;
                }
            }
        }
        break;
    case MMU_DATA_REQ:
        data_request(mreq, m->paddr, m->op, m->size, m->wdata);
        mreq->cont = m->cont;
        if (mv->req_ready)
            next = MMU_DATA_WAIT;
        break;
    case MMU_DATA_WAIT:
        if (mv->resp_valid) {
            answer = (struct port_answer){.valid = true, .rdata = load_data(m, mv->resp_rdata)};
            next = MMU_IDLE;
        }
        break;
    case MMU_FAULT:
        answer = (struct port_answer){.valid = true, .fault = true, .cause = (uint8_t)m->cause, .tval = m->vaddr};
        next = MMU_IDLE;
        break;
    }

    /* The walker sees start with the request's values and the CSRs as they were this cycle (an idle
     * walker without a start stays as it is). */
    if (ptw_start || m->ptw.state != PTW_IDLE)
        start_walk(m, &po, ptw_start, &x, req_vpn, in->req_op, mv);

    int fill_index;
    uint64_t inval = vm_tlb_update(&m->tlb, &tc, sv32, &fill_index);
    if (obs)
        observe(obs, m->state == MMU_IDLE, &answer, tc.fill ? &tc.fill_entry : NULL, fill_index, inval);

    m->state = next;
    m->stale = stale_next;
    m->satp = csr.satp;
    m->status = csr.status;
    m->fence_vaddr = csr.fence_vaddr;
}

/* A walk that starts from an idle MMU without a CSR write (no fence in the cycle: the walk is not stale). */
static __attribute__((noinline)) void begin_walk(struct vm_mmu *m, const struct vm_core_in *in,
                                                 const struct vm_mem_view *mv, const struct xlate *x, uint32_t vpn)
{
    struct vm_ptw_out po;
    vm_ptw_outputs(&m->ptw, m->mem_bytes, mv->resp_valid, mv->resp_rdata, &po);
    start_walk(m, &po, true, x, vpn, in->req_op, mv);
    m->stale = false;
}

/* An idle MMU (and walker) in a cycle without a CSR write, most request cycles: the request, if any, and no
 * fence, fill, seed or register write to apply. */
static __attribute__((noinline)) void idle_cycle(struct vm_mmu *m, const struct vm_core_in *in,
                                                 const struct vm_mem_view *mv, struct vm_mem_req *mreq,
                                                 struct vm_core_obs *obs)
{
    static const struct port_answer kNone;   /* read-only: an idle MMU answers nothing */
    struct vm_tlb_cmd tc = {.hit_index = -1};
    struct xlate x;
    bool ptw_start = false;
    uint32_t req_vpn = 0;
    enum vm_mmu_state next = MMU_IDLE;
    uint64_t inval = 0;
    xlate_of(m, &x);
    memset(mreq, 0, sizeof *mreq);
    if (in->req_valid)
        next = take_request(m, in, mv, &x, mreq, &tc, &ptw_start, &req_vpn);
    if (ptw_start)
        begin_walk(m, in, mv, &x, req_vpn);
    if (tc.inval_one) {
        int fill_index;
        inval = vm_tlb_update(&m->tlb, &tc, x.sv32, &fill_index);
    } else if (tc.touch_hit) {
        vm_tlb_touch(&m->tlb, tc.hit_index);
    }
    if (obs)
        observe(obs, true, &kNone, NULL, 0, inval);
    m->state = next;
}

void vm_mmu_cycle(struct vm_mmu *m, const struct vm_core_in *in, const struct vm_mem_view *mv,
                  struct vm_mem_req *mreq, struct vm_core_obs *obs)
{
    /* Fast path, no CSR write: a data access waits for memory or takes its answer (the walker is idle), or
     * a walk waits for memory (only its cycle count moves). */
    bool data_wait = m->state == MMU_DATA_WAIT;
    bool walk_wait = m->state == MMU_WALK && !mv->resp_valid &&
                     (m->ptw.state == PTW_WAIT || m->ptw.state == PTW_CAS_WAIT);
    if (!in->csr_we && (data_wait || walk_wait)) {
        memset(mreq, 0, sizeof *mreq);
        if (obs) {
            struct port_answer a = {.valid = data_wait && mv->resp_valid};
            a.rdata = a.valid ? load_data(m, mv->resp_rdata) : 0;
            observe(obs, false, &a, NULL, 0, 0);
        }
        if (walk_wait)
            m->ptw.walk_cycles++;
        else if (mv->resp_valid)
            m->state = MMU_IDLE;
        return;
    }
    if (!in->csr_we && m->state == MMU_IDLE && m->ptw.state == PTW_IDLE)
        idle_cycle(m, in, mv, mreq, obs);
    else
        full_cycle(m, in, mv, mreq, obs);
}

