/* SPDX-License-Identifier: MIT */
/* Flat physical memory model: twin of rtl/mem/vm_mem_flat.sv. */
#include "vm_mem_flat.h"

#include <vmcosim/contract.h>

#include "../common/vm_bits.h"

static void write_word(struct vm_mem_flat *m, uint64_t index, uint64_t data, uint8_t strb)
{
    uint64_t bits = vm_strb_bits(strb);
    m->words[index] = (m->words[index] & ~bits) | (data & bits);
}

void vm_mem_flat_step(struct vm_mem_flat *m, const struct vm_mem_req *r)
{
    bool accept = r->valid && m->count == 0;
    /* second half of a CAS accepted last cycle (never in the same cycle as an accept) */
    if (m->cas && ((m->rdata ^ m->cmp) & vm_strb_bits(m->strb)) == 0)
        write_word(m, m->index, m->wdata, m->strb);
    if (accept) {
        uint64_t index = (r->addr >> 3) & (m->nwords - 1);
        m->rdata = m->words[index];
        if (r->op == VM_MEMOP_WRITE)
            write_word(m, index, r->wdata, r->strb);
        m->index = index;
        m->wdata = r->wdata;
        m->cmp = r->cmp;
        m->strb = r->strb;
        m->count = m->latency;
    } else if (m->count) {
        m->count--;
    }
    m->cas = accept && r->op == VM_MEMOP_CAS;
}
