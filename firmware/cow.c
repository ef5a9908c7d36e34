/* SPDX-License-Identifier: MIT */
/* Copy-on-write fork: the child shares every resident frame of the parent read-only (PTE bit FW_PTE_COW,
 * W clear, a reference per mapping); the first write copies the frame (DMA COPY), or just makes it
 * writable when the writer holds the last reference. Swapped pages get their own slot in the child. */
#include <vmcosim/contract.h>

#include <string.h>

#include "kernel_impl.h"

#define PTE_BIT(b) (1u << VM_PTE_##b)

/* An ASID-wide flush of p on every core (cheaper than a shootdown per page after a fork). */
static void flush_asid(struct fw_kernel *k, struct fw_proc *p)
{
    for (unsigned c = 0; c < k->cfg.cores; c++) {
        hal_csr_write(k->hal, c, VM_CSR_SFENCE, (1u << VM_SFENCE_USE_ASID) | ((uint64_t)p->asid << VM_SFENCE_ASID_LSB));
        k->st.shootdowns++;
    }
}

/* The child's copy of one parent page. Returns 0, or -1 (out of frames for a table, or swap full). */
static int fork_page(struct fw_kernel *k, unsigned core, struct fw_proc *parent, struct fw_proc *child,
                     const struct vpage *pv)
{
    uint64_t va = pv->vpn << 12;
    struct vpage *cv = vpage_add(child, pv->vpn);
    if (!cv)
        return -1;
    if (pv->state == VP_ZERO)
        return 0;   /* the child faults it in from the zero page itself */
    if (pv->state == VP_SHARED) {   /* a shared segment: the child maps the same frame read-write */
        uint64_t ppa = pt_leaf(k, core, parent, va, false), spa = pt_leaf(k, core, child, va, true);
        if (!ppa || !spa)
            return -1;
        pt_write(k, core, spa, pt_read(k, core, ppa));
        *cv = *pv;
        return 0;
    }
    uint64_t cpa = pt_leaf(k, core, child, va, true);
    if (!cpa)
        return -1;
    if (pv->state == VP_SWAPPED) {
        uint64_t slot;
        if (swap_dup(&k->swap, pv->slot, &slot))
            return -1;
        pt_write(k, core, cpa, (slot + 1) << VM_PTE_PPN_LSB);
        cv->state = VP_SWAPPED;
        cv->slot = slot;
        return 0;
    }
    uint64_t ppa = pt_leaf(k, core, parent, va, false);
    if (!ppa)
        return -1;   /* a resident page without a table: kernel state is inconsistent */
    uint64_t pte = pt_read(k, core, ppa);
    if ((pte & PTE_BIT(W)) && !pv->file_shared)   /* a shared file page stays shared read-write */
        pte = (pte & ~(uint64_t)PTE_BIT(W)) | FW_PTE_COW;
    pt_write(k, core, ppa, pte);
    pt_write(k, core, cpa, pte);
    frame_get(k, pv->pfn);
    *cv = *pv;
    cv->pins = 0;
    child->nresident++;
    return 0;
}

struct fw_proc *fw_fork(struct fw_kernel *k, unsigned core, struct fw_proc *parent)
{
    struct fw_proc *child = fw_proc_create(k, core);
    if (!child)
        return NULL;
    memcpy(child->regions, parent->regions, sizeof parent->regions);
    child->nregions = parent->nregions;
    for (unsigned i = 0; i < child->nregions; i++) {
        if (child->regions[i].shm)
            shm_get(child->regions[i].shm);
        if (child->regions[i].file)
            file_get(child->regions[i].file);
    }
    for (size_t i = 0; i < parent->npages; i++) {
        if (fork_page(k, core, parent, child, &parent->pages[i])) {
            flush_asid(k, parent);
            fw_proc_exit(k, core, child);
            return NULL;
        }
    }
    flush_asid(k, parent);   /* the parent's writable translations became read-only */
    k->st.forks++;
    return child;
}

int cow_fault(struct fw_kernel *k, unsigned core, struct fw_proc *p, struct vpage *v, uint64_t pte_pa, uint64_t pte,
              uint64_t (*frame_for)(struct fw_kernel *, unsigned, struct fw_proc *))
{
    uint64_t old = pte_pfn(k, pte);
    unsigned flags = (unsigned)(pte & 0xFF) | PTE_BIT(W) | PTE_BIT(A) | PTE_BIT(D);
    flags &= ~(unsigned)PTE_BIT(V);
    if (frame_refs(k, old) == 1) {   /* the last reference: the frame is ours */
        pt_write(k, core, pte_pa, pte_leaf(k, old, flags));
        pt_shootdown(k, p, v->vpn << 12);
        k->st.cow_faults++;
        k->st.cow_reuses++;
        return 0;
    }
    v->pins++;   /* the page being copied must not be the victim of the allocation */
    uint64_t pfn = frame_for(k, core, p);
    v->pins--;
    if (!pfn)
        return -1;
    hal_dma(k->hal, core, VM_DMA_COPY, old << 12, pfn << 12);
    pt_write(k, core, pte_pa, pte_leaf(k, pfn, flags));
    pt_shootdown(k, p, v->vpn << 12);
    frame_put(k, old);
    v->pfn = pfn;
    k->st.cow_faults++;
    k->st.cow_copies++;
    return 0;
}
