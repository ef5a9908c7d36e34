/* SPDX-License-Identifier: MIT */
/* Page-table walker model: twin of rtl/mmu/vm_ptw.sv (privileged spec translation algorithm, Svade/Svadu). */
#include "vm_ptw.h"

#include <string.h>

static uint64_t pte_addr_of(const struct vm_ptw *p)
{
    return (p->base << 12) + ((uint64_t)vm_vpn_field(p->vpn, p->level, p->sv32) << (p->sv32 ? 2 : 3));
}

static uint64_t pte_from_word(const struct vm_ptw *p, uint64_t addr, uint64_t word)
{
    if (!p->sv32)
        return word;
    return (addr & 4) ? (word >> 32) : (word & 0xFFFFFFFFu);
}

static uint64_t ppn_of(const struct vm_ptw *p, uint64_t pte)
{
    return p->sv32 ? (pte >> 10) & 0x3FFFFF : (pte >> 10) & 0xFFFFFFFFFFFull;
}

static uint8_t perm_of(const struct vm_ptw *p, uint64_t pte)
{
    return (uint8_t)((pte & 0xFF) | (p->g ? 1u << VM_PTE_G : 0));
}

#define BIT(pte, b) (((pte) >> (b)) & 1)

void vm_ptw_outputs(const struct vm_ptw *p, uint64_t mem_bytes, bool mem_resp_valid, uint64_t mem_resp_rdata,
                    struct vm_ptw_out *o)
{
    if (p->state == PTW_IDLE) {
        /* Nothing reads the rest of the outputs of an idle walker. */
        o->done = o->fault = o->mem_req_valid = false;
        o->descend = o->cas_start = o->cas_retry = false;
        return;
    }
    uint64_t addr = pte_addr_of(p);
    uint64_t pte = pte_from_word(p, addr, mem_resp_rdata);
    uint64_t ppn = ppn_of(p, pte);

    memset(o, 0, sizeof *o);
    o->cause = vm_page_fault_cause(p->op);
    o->entry.vpn = p->vpn;
    o->entry.level = (uint8_t)p->level;
    o->entry.asid = p->asid;
    o->entry.ppn = ppn;
    o->entry.perm = perm_of(p, pte);
    o->pte = pte;
    o->pte_ppn = ppn;
    o->need_d = p->op == VM_OP_STORE && !BIT(pte, VM_PTE_D);
    o->mem_req_op = VM_MEMOP_READ;
    o->mem_req_addr = addr & ~7ull;
    o->mem_req_strb = p->sv32 ? ((addr & 4) ? 0xF0 : 0x0F) : 0xFF;

    switch (p->state) {
    case PTW_REQ:
        if (addr >= mem_bytes) {
            o->done = o->fault = true;
            o->cause = vm_access_fault_cause(p->op);
        } else {
            o->mem_req_valid = true;
        }
        break;
    case PTW_WAIT: {
        if (!mem_resp_valid)
            break;
        bool fail = false;
        bool rsvd = p->sv32 ? false : (pte >> 54) != 0;
        uint64_t super_low = ppn & ~(0xFFFFFFFFFFFull << (p->sv32 ? 10 * p->level : 9 * p->level));
        if (!BIT(pte, VM_PTE_V) || (!BIT(pte, VM_PTE_R) && BIT(pte, VM_PTE_W)) || rsvd) {
            fail = true;
        } else if (!BIT(pte, VM_PTE_R) && !BIT(pte, VM_PTE_X)) {
            if (BIT(pte, VM_PTE_A) || BIT(pte, VM_PTE_D) || BIT(pte, VM_PTE_U) || p->level == 0)
                fail = true;
            else
                o->descend = true;
        } else if (!vm_leaf_perm_ok((unsigned)(pte & 0xFF), p->op, p->priv_s, p->sum, p->mxr) ||
                   (super_low & 0xFFFFFFFFFFFull) != 0) {
            fail = true;
        } else if (!BIT(pte, VM_PTE_A) || o->need_d) {
            if (!p->adhw)
                fail = true;
            else
                o->cas_start = true;
        } else {
            o->done = true;
        }
        if (fail)
            o->done = o->fault = true;
        break;
    }
    case PTW_CAS_REQ:
        o->mem_req_valid = true;
        o->mem_req_op = VM_MEMOP_CAS;
        o->mem_req_wdata = p->sv32 ? ((p->new_pte & 0xFFFFFFFFu) * 0x100000001ull) : p->new_pte;
        o->mem_req_cmp = p->sv32 ? ((p->pte & 0xFFFFFFFFu) * 0x100000001ull) : p->pte;
        break;
    case PTW_CAS_WAIT:
        o->entry.ppn = ppn_of(p, p->new_pte);
        o->entry.perm = perm_of(p, p->new_pte);
        if (mem_resp_valid) {
            if (pte == p->pte)
                o->done = true;
            else
                o->cas_retry = true;
        }
        break;
    default:
        break;
    }
}

void vm_ptw_next(struct vm_ptw *p, const struct vm_ptw_out *o, bool start, const struct vm_ptw_start *s,
                 bool mem_req_ready, bool mem_resp_valid)
{
    if (p->state != PTW_IDLE)
        p->walk_cycles++;
    switch (p->state) {
    case PTW_IDLE:
        if (start) {
            p->vpn = s->vpn;
            p->asid = s->asid;
            p->root = p->base = s->root_ppn;
            p->op = s->op;
            p->priv_s = s->priv_s;
            p->sum = s->sum;
            p->mxr = s->mxr;
            p->adhw = s->adhw;
            p->sv32 = s->sv32;
            p->level = s->sv32 ? 1 : 2;
            p->g = false;
            p->walks++;
            p->state = PTW_REQ;
        }
        break;
    case PTW_REQ:
        if (o->done)
            p->state = PTW_IDLE;
        else if (mem_req_ready)
            p->state = PTW_WAIT;
        break;
    case PTW_WAIT:
        if (mem_resp_valid) {
            p->pte_reads++;
            p->pte = o->pte;
            if (o->done) {
                p->state = PTW_IDLE;
            } else if (o->descend) {
                p->level--;
                p->base = o->pte_ppn;
                p->g = p->g || BIT(o->pte, VM_PTE_G);
                p->state = PTW_REQ;
            } else if (o->cas_start) {
                p->new_pte = o->pte | (1ull << VM_PTE_A) | (o->need_d ? 1ull << VM_PTE_D : 0);
                p->state = PTW_CAS_REQ;
            }
        }
        break;
    case PTW_CAS_REQ:
        if (mem_req_ready)
            p->state = PTW_CAS_WAIT;
        break;
    case PTW_CAS_WAIT:
        if (o->done) {
            p->state = PTW_IDLE;
        } else if (o->cas_retry) {
            p->level = p->sv32 ? 1 : 2;
            p->base = p->root;
            p->g = false;
            p->state = PTW_REQ;
        }
        break;
    }
}
