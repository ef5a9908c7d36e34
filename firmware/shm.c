/* SPDX-License-Identifier: MIT */
/* Shared memory segments: frames that several address spaces map read-write at once (MAP_SHARED). A
 * segment's frames are allocated zeroed on the first touch by any process, never copied on write nor
 * evicted (they are outside every process's replacement set and budget), and freed with the segment's
 * last reference: its creator's handle and one per attached region (a fork attaches the child too). */
#include <vmcosim/contract.h>

#include <stdlib.h>
#include <string.h>

#include "kernel_impl.h"

#define PTE_BIT(b) (1u << VM_PTE_##b)

struct fw_shm *fw_shm_create(struct fw_kernel *k, uint64_t pages)
{
    if (!pages || pages > k->nframes)
        return NULL;
    struct fw_shm *s = fw_slab_alloc(k->shm_cache);
    if (!s)
        return NULL;
    memset(s, 0, sizeof *s);
    if (!(s->pfn = calloc(pages, sizeof *s->pfn))) {
        fw_slab_free(k->shm_cache, s);
        return NULL;
    }
    s->pages = pages;
    s->refs = 1;
    s->next = k->shms;
    k->shms = s;
    k->st.shm_segments++;
    return s;
}

void shm_get(struct fw_shm *s) { s->refs++; }

void shm_put(struct fw_kernel *k, struct fw_shm *s)
{
    if (--s->refs)
        return;
    for (uint64_t i = 0; i < s->pages; i++)
        if (s->pfn[i])
            frame_free(k, s->pfn[i]);
    for (struct fw_shm **q = &k->shms; *q; q = &(*q)->next)
        if (*q == s) {
            *q = s->next;
            break;
        }
    free(s->pfn);
    fw_slab_free(k->shm_cache, s);
    fw_slab_cache_shrink(k->shm_cache);
    k->st.shm_segments--;
}

void fw_shm_release(struct fw_kernel *k, struct fw_shm *s) { shm_put(k, s); }

int fw_shm_attach(struct fw_kernel *k, struct fw_proc *p, struct fw_shm *s, uint64_t va)
{
    (void)k;
    if (fw_proc_add_region(p, va, s->pages << 12, true))
        return -1;
    p->regions[p->nregions - 1].shm = s;
    shm_get(s);
    return 0;
}

/* A fault in an attached segment: its frame (allocated zeroed on the first touch) mapped read-write. */
int shm_fault(struct fw_kernel *k, unsigned core, struct fw_proc *p, const struct region *r, struct vpage *v,
              uint64_t pte_pa)
{
    struct fw_shm *s = r->shm;
    uint64_t i = ((v->vpn << 12) - r->start) >> 12;
    if (!s->pfn[i]) {
        if (!(s->pfn[i] = frame_alloc(k))) {
            k->st.oom_kills++;
            proc_kill(p, "out of memory: no frame for shared page %llu", (unsigned long long)i);
            return -1;
        }
        hal_dma(k->hal, core, VM_DMA_ZERO, 0, s->pfn[i] << 12);
        k->st.zero_fills++;
    }
    unsigned flags = PTE_BIT(R) | PTE_BIT(W) | PTE_BIT(U) | PTE_BIT(A) | PTE_BIT(D);
    pt_write(k, core, pte_pa, pte_leaf(k, s->pfn[i], flags));
    v->state = VP_SHARED;
    v->pfn = s->pfn[i];
    k->st.page_faults++;
    p->window_faults++;
    return 0;
}
