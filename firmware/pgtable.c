/* SPDX-License-Identifier: MIT */
/* Page tables in simulated memory (Sv39: three levels of 8-byte PTEs; Sv32: two levels of 4-byte PTEs),
 * read and written only through the HAL; and TLB shootdowns. */
#include <vmcosim/contract.h>

#include <stdlib.h>

#include "kernel_impl.h"

static unsigned levels(const struct fw_kernel *k) { return k->cfg.sv32 ? 2 : 3; }
static unsigned pte_size(const struct fw_kernel *k) { return k->cfg.sv32 ? 2 : 3; }   /* log2 bytes */

/* The index of va's PTE in the table of `level`. */
static unsigned vpn_index(const struct fw_kernel *k, uint64_t va, unsigned level)
{
    return k->cfg.sv32 ? (unsigned)((va >> (12 + 10 * level)) & 1023) : (unsigned)((va >> (12 + 9 * level)) & 511);
}

uint64_t pte_leaf(const struct fw_kernel *k, uint64_t pfn, unsigned flags)
{
    (void)k;
    return (pfn << VM_PTE_PPN_LSB) | flags | (1u << VM_PTE_V);
}

uint64_t pte_pfn(const struct fw_kernel *k, uint64_t pte)
{
    unsigned bits = k->cfg.sv32 ? VM_PTE_SV32_PPN_BITS : VM_PTE_SV39_PPN_BITS;
    return (pte >> VM_PTE_PPN_LSB) & ((1ull << bits) - 1);
}

uint64_t pt_read(struct fw_kernel *k, unsigned core, uint64_t pte_pa)
{
    return hal_load(k->hal, core, pte_pa, pte_size(k));
}

void pt_write(struct fw_kernel *k, unsigned core, uint64_t pte_pa, uint64_t pte)
{
    hal_store(k->hal, core, pte_pa, pte_size(k), pte);
}

/* A zeroed frame for a page table of p, recorded so that exit frees it. Returns its PFN, 0 when none. */
uint64_t pt_new_table(struct fw_kernel *k, unsigned core, struct fw_proc *p)
{
    if (p->ntables == p->tcap) {
        size_t cap = p->tcap ? 2 * p->tcap : 8;
        uint64_t *t = realloc(p->tables, cap * sizeof *t);
        if (!t)
            return 0;
        p->tables = t;
        p->tcap = cap;
    }
    uint64_t pfn = frame_reclaim(k, core, p);   /* memory full: p's own pages make room, as for its data */
    if (!pfn)
        return 0;
    hal_dma(k->hal, core, VM_DMA_ZERO, 0, pfn << 12);
    p->tables[p->ntables++] = pfn;
    k->st.pt_pages++;
    return pfn;
}

/* The physical address of va's leaf PTE (4 KiB pages only), building missing tables when `create`.
 * Returns 0 when a table is missing (and not created) or no frame is left for one. */
uint64_t pt_leaf(struct fw_kernel *k, unsigned core, struct fw_proc *p, uint64_t va, bool create)
{
    uint64_t table = p->root_pfn;
    for (unsigned level = levels(k) - 1; level > 0; level--) {
        uint64_t pa = (table << 12) + ((uint64_t)vpn_index(k, va, level) << pte_size(k));
        uint64_t pte = pt_read(k, core, pa);
        if (pte & (1u << VM_PTE_V)) {
            table = pte_pfn(k, pte);
            continue;
        }
        if (!create)
            return 0;
        uint64_t next = pt_new_table(k, core, p);
        if (!next)
            return 0;
        pt_write(k, core, pa, (next << VM_PTE_PPN_LSB) | (1u << VM_PTE_V));   /* a pointer: V only */
        table = next;
    }
    return (table << 12) + ((uint64_t)vpn_index(k, va, 0) << pte_size(k));
}

/* sfence.vma va, asid on one core's port: the address first, then the command. */
static void sfence_core(struct fw_kernel *k, unsigned core, uint64_t va, unsigned asid, bool use_vaddr)
{
    unsigned shift = VM_SFENCE_ASID_LSB;
    uint64_t cmd = (use_vaddr ? 1u << VM_SFENCE_USE_VADDR : 0) | (1u << VM_SFENCE_USE_ASID) | ((uint64_t)asid << shift);
    if (use_vaddr)
        hal_csr_write(k->hal, core, VM_CSR_SFENCE_VADDR, va);
    hal_csr_write(k->hal, core, VM_CSR_SFENCE, cmd);
    k->st.shootdowns++;
}

/* A translation of p changed or went away: every core that may cache it forgets it (the caller has the
 * other cores stopped, kernel.h). */
void pt_shootdown(struct fw_kernel *k, struct fw_proc *p, uint64_t va)
{
    for (unsigned c = 0; c < k->cfg.cores; c++)
        sfence_core(k, c, va, p->asid, true);
}

/* Every translation of every address space on every core (an ASID wrap). */
void pt_flush_all(struct fw_kernel *k)
{
    for (unsigned c = 0; c < k->cfg.cores; c++) {
        hal_csr_write(k->hal, c, VM_CSR_SFENCE, 0);
        k->st.shootdowns++;
    }
}
