/* SPDX-License-Identifier: MIT */
/* Page faults: demand paging (the shared zero page for reads, a zeroed frame for writes), swap-in, A/D
 * faults, breaking away from the zero page; and eviction to the swap device when the process's budget
 * (vm.frames) or memory runs out. */
#include <vmcosim/contract.h>

#include <stdarg.h>
#include <stdlib.h>

#include "kernel_impl.h"

#define PTE_BIT(b) (1u << VM_PTE_##b)

void proc_kill(struct fw_proc *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->report, sizeof p->report, fmt, ap);
    va_end(ap);
    p->killed = true;
}

struct vpage *vpage_find(struct fw_proc *p, uint64_t vpn)
{
    if (p->find_hint < p->npages && p->pages[p->find_hint].vpn == vpn)
        return &p->pages[p->find_hint];
    for (size_t i = 0; i < p->npages; i++)
        if (p->pages[i].vpn == vpn) {
            p->find_hint = i;
            return &p->pages[i];
        }
    return NULL;
}

/* The record of a page touched for the first time. NULL when host memory is short. */
struct vpage *vpage_add(struct fw_proc *p, uint64_t vpn)
{
    if (p->npages == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 16;
        struct vpage *n = realloc(p->pages, cap * sizeof *n);
        if (!n)
            return NULL;
        p->pages = n;
        p->cap = cap;
    }
    struct vpage *v = &p->pages[p->npages++];
    *v = (struct vpage){.vpn = vpn, .state = VP_ZERO};
    return v;
}

static const struct region *region_of(const struct fw_proc *p, uint64_t va)
{
    for (unsigned i = 0; i < p->nregions; i++)
        if (va >= p->regions[i].start && va < p->regions[i].end)
            return &p->regions[i];
    return NULL;
}

/* Evicts one resident page of p chosen by the policy: its PTE becomes a swap entry (V clear, slot + 1 in
 * the PPN field), every TLB forgets it, then the frame's content goes to the slot and the frame is freed.
 * Returns 0, or -1 when p has nothing to evict or the swap device is full or failed. */
int evict_one(struct fw_kernel *k, unsigned core, struct fw_proc *p)
{
    struct vpage *v = k->policy->victim(k, core, p);
    uint64_t slot;
    if (v && v->file_shared)
        return file_evict(k, core, p, v);
    if (!v || swap_alloc(&k->swap, &slot))
        return -1;
    uint64_t va = v->vpn << 12, pa = pt_leaf(k, core, p, va, false);
    if (!pa) {
        swap_free(&k->swap, slot);
        return -1;
    }
    pt_write(k, core, pa, (slot + 1) << VM_PTE_PPN_LSB);
    pt_shootdown(k, p, va);   /* before the copy: no store can land in the frame after it */
    if (swap_out(k, core, v->pfn, slot)) {
        swap_free(&k->swap, slot);
        return -1;
    }
    frame_put(k, v->pfn);   /* a frame shared copy-on-write stays with the other processes */
    v->state = VP_SWAPPED;
    v->slot = slot;
    v->pfn = 0;
    p->nresident--;
    k->st.evictions++;
    return 0;
}

uint64_t frame_reclaim(struct fw_kernel *k, unsigned core, struct fw_proc *p)
{
    uint64_t pfn;
    while (!(pfn = frame_alloc(k)))
        if (evict_one(k, core, p))
            return 0;
    return pfn;
}

/* A frame for a new resident page of p: within its budget and memory, evicting p's own pages as needed.
 * Returns the PFN, or 0 when nothing could be freed (out of memory or swap). */
uint64_t frame_for(struct fw_kernel *k, unsigned core, struct fw_proc *p)
{
    while (k->cfg.frames && p->nresident >= k->cfg.frames)
        if (evict_one(k, core, p))
            return 0;
    return frame_reclaim(k, core, p);
}

static unsigned user_flags(const struct region *r, bool dirty)
{
    unsigned f = PTE_BIT(R) | PTE_BIT(U) | PTE_BIT(A);
    if (r->writable)
        f |= PTE_BIT(W);
    if (dirty)
        f |= PTE_BIT(D);
    return f;
}

static void make_resident(struct fw_kernel *k, struct fw_proc *p, struct vpage *v, uint64_t pfn)
{
    v->state = VP_RESIDENT;
    v->pfn = pfn;
    v->map_time = ++k->tick;
    v->uses = 0;
    v->age = 0;
    p->nresident++;
}

/* Fault-around: the untouched pages of vpn's aligned window (same region, same last-level table) get the
 * zero page too, so their first reads do not fault. pte_pa: vpn's PTE. */
static void fault_around(struct fw_kernel *k, unsigned core, struct fw_proc *p, const struct region *r, uint64_t vpn,
                         uint64_t pte_pa)
{
    unsigned n = k->cfg.fault_around;
    if (n < 2 || r->file || r->shm)
        return;   /* file and shared pages have their own content */
    unsigned pte_bytes = k->cfg.sv32 ? 4 : 8, per_table = 4096 / pte_bytes;
    n = n > per_table ? per_table : n;
    uint64_t first = vpn & ~(uint64_t)(n - 1);
    for (uint64_t q = first; q < first + n; q++) {
        uint64_t va = q << 12;
        if (q == vpn || va < r->start || va >= r->end || vpage_find(p, q))
            continue;
        uint64_t pa = pte_pa + (q - vpn) * pte_bytes;   /* the window lies in one table: n divides per_table */
        if (pt_read(k, core, pa))
            continue;
        if (!vpage_add(p, q))
            return;
        pt_write(k, core, pa, pte_leaf(k, k->zero_pfn, PTE_BIT(R) | PTE_BIT(U) | PTE_BIT(A)));
        k->st.fault_around_maps++;
    }
}

/* Not present: first touch or swap-in. */
static int fault_in(struct fw_kernel *k, unsigned core, struct fw_proc *p, struct vpage *v, const struct region *r,
                    uint64_t pte_pa, bool write)
{
    if (v->state == VP_ZERO && !write) {   /* a read of a fresh page: the shared zero page, read-only */
        pt_write(k, core, pte_pa, pte_leaf(k, k->zero_pfn, PTE_BIT(R) | PTE_BIT(U) | PTE_BIT(A)));
        k->st.page_faults++;
        p->window_faults++;
        fault_around(k, core, p, r, v->vpn, pte_pa);
        return 0;
    }
    uint64_t pfn = frame_for(k, core, p);
    if (!pfn) {
        k->st.oom_kills++;
        /* why: no swap, a full swap, or nothing evictable (every resident page pinned or a page table) */
        proc_kill(p, "out of memory: no frame for page %#llx (budget %u, swap %s)", (unsigned long long)v->vpn,
                  k->cfg.frames, !k->swap.slots ? "absent" : k->swap.used == k->swap.slots ? "full"
                                                 : "not full: nothing left to evict");
        return -1;
    }
    if (v->state == VP_SWAPPED) {
        if (swap_in(k, core, v->slot, pfn)) {
            frame_free(k, pfn);
            proc_kill(p, "swap device error reading page %#llx", (unsigned long long)v->vpn);
            return -1;
        }
        swap_free(&k->swap, v->slot);
        k->st.major_faults++;
    } else {
        hal_dma(k->hal, core, VM_DMA_ZERO, 0, pfn << 12);
        k->st.zero_fills++;
    }
    pt_write(k, core, pte_pa, pte_leaf(k, pfn, user_flags(r, write)));
    make_resident(k, p, v, pfn);
    v->file_shared = false;
    k->st.page_faults++;
    p->window_faults++;
    return 0;
}

/* Present: a write to the zero page (break away: a zeroed private frame), or an A/D fault. */
static int fault_present(struct fw_kernel *k, unsigned core, struct fw_proc *p, struct vpage *v,
                         const struct region *r, uint64_t pte_pa, uint64_t pte, bool write)
{
    uint64_t va = v->vpn << 12;
    if (write && (pte & FW_PTE_COW) && r->writable) {
        if (cow_fault(k, core, p, v, pte_pa, pte, frame_for)) {
            k->st.oom_kills++;
            proc_kill(p, "out of memory: no frame to copy page %#llx", (unsigned long long)v->vpn);
            return -1;
        }
        return 0;
    }
    if (write && pte_pfn(k, pte) == k->zero_pfn && v->state == VP_ZERO) {
        uint64_t pfn = frame_for(k, core, p);
        if (!pfn) {
            k->st.oom_kills++;
            proc_kill(p, "out of memory: no frame for page %#llx", (unsigned long long)v->vpn);
            return -1;
        }
        hal_dma(k->hal, core, VM_DMA_ZERO, 0, pfn << 12);
        pt_write(k, core, pte_pa, pte_leaf(k, pfn, user_flags(r, true)));
        pt_shootdown(k, p, va);   /* the TLB may hold the read-only zero-page translation */
        make_resident(k, p, v, pfn);
        k->st.zero_fills++;
        k->st.cow_faults++;
        return 0;
    }
    unsigned need = PTE_BIT(A) | (write ? PTE_BIT(D) : 0);
    if ((pte & need) != need) {   /* software A/D (vm.ad=fault) */
        pt_write(k, core, pte_pa, pte | need);
        pt_shootdown(k, p, va);   /* a TLB entry with D clear would fault the store again */
        k->st.ad_faults++;
        return 0;
    }
    return 0;   /* already fixed (another core's fault, or a stale TLB entry now shot down) */
}

int fw_trap(struct fw_kernel *k, unsigned core, struct fw_proc *p, unsigned cause, uint64_t tval)
{
    k->st.kernel_calls++;
    if (cause != VM_CAUSE_LOAD_PAGE_FAULT && cause != VM_CAUSE_STORE_PAGE_FAULT) {
        k->st.segfaults++;
        proc_kill(p, "killed: cause %u at %#llx (not a page fault)", cause, (unsigned long long)tval);
        return -1;
    }
    bool write = cause == VM_CAUSE_STORE_PAGE_FAULT;
    const struct region *r = region_of(p, tval);
    if (!r || (write && !r->writable)) {
        k->st.segfaults++;
        proc_kill(p, "segmentation fault: %s at %#llx %s", write ? "store" : "load", (unsigned long long)tval,
                  r ? "(read-only region)" : "(outside every region)");
        return -1;
    }
    uint64_t vpn = tval >> 12;
    struct vpage *v = vpage_find(p, vpn);
    if (!v && !(v = vpage_add(p, vpn))) {
        proc_kill(p, "kernel out of host memory");
        return -1;
    }
    uint64_t pte_pa = pt_leaf(k, core, p, tval, true);
    if (!pte_pa) {
        k->st.oom_kills++;
        proc_kill(p, "out of memory: no frame for a page table at %#llx", (unsigned long long)tval);
        return -1;
    }
    uint64_t pte = pt_read(k, core, pte_pa);
    if (r->file && !(pte & PTE_BIT(V)) && v->state == VP_ZERO) {
        int frc = file_fault(k, core, p, r, v, pte_pa, write);
        return frc ? frc : (hal_failed(k->hal) ? -1 : 0);
    }
    if (r->shm && !(pte & PTE_BIT(V))) {
        int src = shm_fault(k, core, p, r, v, pte_pa);
        return src ? src : (hal_failed(k->hal) ? -1 : 0);
    }
    int rc = (pte & PTE_BIT(V)) ? fault_present(k, core, p, v, r, pte_pa, pte, write)
                                : fault_in(k, core, p, v, r, pte_pa, write);
    if (!rc && hal_failed(k->hal)) {
        proc_kill(p, "hardware access failed in the fault handler");
        return -1;
    }
    return rc;
}
