/* SPDX-License-Identifier: MIT */
/* The kernel's setup, frames, processes and statistics (kernel.h). */
#include <vmcosim/contract.h>

#include <stdlib.h>
#include <string.h>

#include "kernel_impl.h"

uint64_t frame_alloc(struct fw_kernel *k)
{
    uint64_t pfn;
    if (fw_buddy_alloc(k->buddy, 0, &pfn))
        return 0;
    k->frame_refs[pfn] = 1;
    return pfn;
}

void frame_free(struct fw_kernel *k, uint64_t pfn)
{
    k->frame_refs[pfn] = 0;
    fw_buddy_free(k->buddy, pfn, 0);
}

void frame_get(struct fw_kernel *k, uint64_t pfn) { k->frame_refs[pfn]++; }

void frame_put(struct fw_kernel *k, uint64_t pfn)
{
    if (k->frame_refs[pfn] > 1)
        k->frame_refs[pfn]--;
    else
        frame_free(k, pfn);
}

unsigned frame_refs(const struct fw_kernel *k, uint64_t pfn) { return k->frame_refs[pfn]; }

struct fw_kernel *fw_kernel_new(const struct fw_config *cfg, struct fw_hal *hal, char *err, size_t errlen)
{
    struct fw_kernel *k = calloc(1, sizeof *k);
    if (!k) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    k->cfg = *cfg;
    k->hal = hal;
    k->policy = policy_get(cfg->policy);
    k->next_pid = 1;
    k->next_asid = 1;
    k->asid_limit = cfg->sv32 ? 1u << 9 : 1u << 16;
    uint64_t frames = cfg->mem_bytes / 4096;
    k->nframes = frames;
    if (frames < 2 || !(k->frame_refs = calloc(frames, sizeof *k->frame_refs)) || !(k->buddy = fw_buddy_new(1, frames - 1))) {   /* frame 0 stays reserved */
        snprintf(err, errlen, "cannot manage %llu frames", (unsigned long long)frames);
        goto fail;
    }
    if (!(k->proc_cache = fw_slab_cache_new(k->buddy, "fw_proc", sizeof(struct fw_proc), 0)) ||
        !(k->shm_cache = fw_slab_cache_new(k->buddy, "fw_shm", sizeof(struct fw_shm), 0))) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    if (swap_init(&k->swap, cfg->swap_bytes, err, errlen))
        goto fail;
    return k;
fail:
    fw_kernel_free(k);
    return NULL;
}

/* The host state of p (no hardware access), unlinked from the kernel's list. */
static void proc_release(struct fw_kernel *k, struct fw_proc *p)
{
    for (unsigned c = 0; c < 8; c++)
        if (k->current[c] == p)
            k->current[c] = NULL;
    for (struct fw_proc **q = &k->procs; *q; q = &(*q)->next_proc) {
        if (*q == p) {
            *q = p->next_proc;
            break;
        }
    }
    free(p->pages);
    free(p->tables);
    free(p->future);
    fw_slab_free(k->proc_cache, p);
    fw_slab_cache_shrink(k->proc_cache);   /* an empty slab goes back at once: the census stays exact */
}

void fw_kernel_free(struct fw_kernel *k)
{
    if (!k)
        return;
    while (k->procs)   /* processes still alive when the run stopped: host state only */
        proc_release(k, k->procs);
    while (k->shms) {
        k->shms->refs = 1;
        shm_put(k, k->shms);
    }
    fw_slab_cache_destroy(k->proc_cache);
    fw_slab_cache_destroy(k->shm_cache);
    fw_buddy_destroy(k->buddy);
    swap_close(&k->swap);
    free(k->frame_refs);
    free(k);
}

int fw_kernel_boot(struct fw_kernel *k, unsigned core)
{
    k->st.kernel_calls++;
    if (!(k->zero_pfn = frame_alloc(k)))
        return -1;
    hal_dma(k->hal, core, VM_DMA_ZERO, 0, k->zero_pfn << 12);
    /* User mode on every core (the kernel's own accesses are physical), A/D by the walker or by faults. */
    uint64_t status = k->cfg.ad_hw ? 1u << VM_STATUS_ADHW : 0;
    for (unsigned c = 0; c < k->cfg.cores; c++)
        hal_csr_write(k->hal, c, VM_CSR_STATUS, status);
    /* read it back through the CSR port: a core that does not hold the mode would run users wrongly */
    if (hal_csr_read(k->hal, core, VM_CSR_STATUS) != status)
        return -1;
    return hal_failed(k->hal) ? -1 : 0;
}

/* Whether asid is held by a process current on some core (kept across a generation change). */
static bool asid_running(const struct fw_kernel *k, unsigned asid)
{
    for (unsigned c = 0; c < k->cfg.cores && c < 8; c++)
        if (k->current[c] && k->current[c]->asid == asid && k->current[c]->asid_gen == k->asid_gen)
            return true;
    return false;
}

/* A fresh ASID of the current generation for p. When the ASIDs run out a new generation starts: every TLB
 * is flushed, the processes current on a core keep theirs (so running translations never alias), every
 * other process gets a new one at its next switch (fw_proc_switch_to). */
static void asid_assign(struct fw_kernel *k, struct fw_proc *p)
{
    for (;;) {
        if (k->next_asid >= k->asid_limit) {
            k->next_asid = 1;
            k->asid_gen++;
            k->st.asid_wraps++;
            for (unsigned c = 0; c < k->cfg.cores && c < 8; c++)
                if (k->current[c])
                    k->current[c]->asid_gen = k->asid_gen;
            pt_flush_all(k);
        }
        unsigned a = k->next_asid++;
        if (!asid_running(k, a)) {
            p->asid = a;
            p->asid_gen = k->asid_gen;
            return;
        }
    }
}

struct fw_proc *fw_proc_create(struct fw_kernel *k, unsigned core)
{
    k->st.kernel_calls++;
    struct fw_proc *p = fw_slab_alloc(k->proc_cache);
    if (!p)
        return NULL;
    memset(p, 0, sizeof *p);
    p->k = k;
    p->next_proc = k->procs;
    k->procs = p;
    p->pid = k->next_pid++;
    asid_assign(k, p);
    if (!(p->root_pfn = pt_new_table(k, core, p))) {
        proc_release(k, p);
        return NULL;
    }
    return p;
}

int fw_proc_add_region(struct fw_proc *p, uint64_t va, uint64_t len, bool writable)
{
    uint64_t top = p->k->cfg.sv32 ? 1ull << 32 : 1ull << 38;   /* Sv39 user half: below bit 38 */
    if (!len || (va | len) & 0xFFF || va + len > top || va + len < va || p->nregions == FW_MAX_REGIONS)
        return -1;
    for (unsigned i = 0; i < p->nregions; i++)
        if (va < p->regions[i].end && p->regions[i].start < va + len)
            return -1;
    p->regions[p->nregions++] = (struct region){va, va + len, writable, NULL, NULL};
    return 0;
}

int fw_proc_set_future(struct fw_proc *p, const uint64_t *vpns, size_t n)
{
    uint64_t *f = n ? malloc(n * sizeof *f) : NULL;
    if (n && !f)
        return -1;
    if (n)
        memcpy(f, vpns, n * sizeof *f);
    free(p->future);
    p->future = f;
    p->nfuture = n;
    return 0;
}

void fw_proc_switch_to(struct fw_kernel *k, unsigned core, struct fw_proc *p)
{
    if (core < 8 && k->current[core] == p && p->asid_gen != k->asid_gen)
        k->current[core] = NULL;   /* its ASID is stale: it must not count as running while it gets a new one */
    if (p->asid_gen != k->asid_gen)
        asid_assign(k, p);
    if (core < 8)
        k->current[core] = p;
    unsigned mode = k->cfg.sv32 ? VM_SATP_MODE_SV32 : VM_SATP_MODE_SV39;
    uint64_t satp = ((uint64_t)mode << VM_SATP_MODE_LSB) | ((uint64_t)p->asid << VM_SATP_ASID_LSB) | p->root_pfn;
    hal_csr_write(k->hal, core, VM_CSR_SATP, satp);
}

/* Thrashing detection: the window of this access; at its end, PFF and working set. */
static void window_account(struct fw_kernel *k, struct fw_proc *p, struct vpage *v)
{
    if (v && v->ws_window != p->window + 1) {
        v->ws_window = p->window + 1;
        p->window_ws++;
    }
    if (++p->window_accesses < FW_PFF_WINDOW)
        return;
    p->last_pff = p->window_faults * 1000 / p->window_accesses;
    p->last_ws = p->window_ws;
    k->st.pff_windows++;
    k->st.thrashing_windows += p->last_pff > FW_PFF_THRASH;
    k->st.pff_max = p->last_pff > k->st.pff_max ? p->last_pff : k->st.pff_max;
    k->st.ws_max = p->last_ws > k->st.ws_max ? p->last_ws : k->st.ws_max;
    p->window++;
    p->window_accesses = p->window_faults = p->window_ws = 0;
}

void fw_proc_accessed(struct fw_kernel *k, struct fw_proc *p, uint64_t va)
{
    p->accesses++;
    struct vpage *v = vpage_find(p, va >> 12);
    if (v && v->state == VP_RESIDENT) {
        v->last_use = p->accesses;
        v->uses++;
    }
    window_account(k, p, v);
}

void fw_proc_pff(const struct fw_proc *p, uint64_t *pff, uint64_t *ws)
{
    *pff = p->last_pff;
    *ws = p->last_ws;
}

int fw_proc_pin(struct fw_kernel *k, unsigned core, struct fw_proc *p, uint64_t va)
{
    bool writable = false;
    for (unsigned i = 0; i < p->nregions; i++)
        if (va >= p->regions[i].start && va < p->regions[i].end)
            writable = p->regions[i].writable;
    if (!writable || (va & 7))
        return -1;
    /* A private writable resident page: whatever it is now (absent, swapped, zero page, shared COW), a write
     * fault makes it so; at most two faults (e.g. A/D after a swap-in). */
    for (int tries = 0; tries < 3; tries++) {
        struct vpage *v = vpage_find(p, va >> 12);
        if (v && v->state == VP_RESIDENT) {
            uint64_t pa = pt_leaf(k, core, p, va, false), pte = pa ? pt_read(k, core, pa) : 0;
            if ((pte & (1u << VM_PTE_W)) && !(pte & FW_PTE_COW)) {
                v->pins++;
                k->st.pins++;
                return 0;
            }
        }
        if (fw_trap(k, core, p, VM_CAUSE_STORE_PAGE_FAULT, va))
            return -1;
    }
    return -1;
}

int fw_proc_unpin(struct fw_kernel *k, struct fw_proc *p, uint64_t va)
{
    struct vpage *v = vpage_find(p, va >> 12);
    if (!v || !v->pins)
        return -1;
    v->pins--;
    k->st.pins--;
    return 0;
}

int fw_proc_read(struct fw_kernel *k, unsigned core, struct fw_proc *p, uint64_t va, uint64_t *value)
{
    bool inside = false;
    for (unsigned i = 0; i < p->nregions; i++)
        inside |= va >= p->regions[i].start && va < p->regions[i].end;
    if (!inside || (va & 7))
        return -1;
    struct vpage *v = vpage_find(p, va >> 12);
    *value = 0;
    if (!v || v->state == VP_ZERO)
        return 0;
    if (v->state == VP_SWAPPED)
        return swap_peek(&k->swap, v->slot, (unsigned)((va & 0xFFF) >> 3), value);   /* VP_SHARED: its frame */
    *value = hal_load(k->hal, core, (v->pfn << 12) | (va & 0xFFF), 3);
    return hal_failed(k->hal) ? -1 : 0;
}

void fw_proc_exit(struct fw_kernel *k, unsigned core, struct fw_proc *p)
{
    if (!p)
        return;
    k->st.kernel_calls++;
    if (fw_msync(k, core, p))
        k->st.file_errors++;
    /* Unmapping everything at once: one ASID-wide flush per core instead of a shootdown per page. */
    for (unsigned c = 0; c < k->cfg.cores; c++) {
        hal_csr_write(k->hal, c, VM_CSR_SFENCE, (1u << VM_SFENCE_USE_ASID) | ((uint64_t)p->asid << VM_SFENCE_ASID_LSB));
        k->st.shootdowns++;
    }
    for (size_t i = 0; i < p->npages; i++) {
        struct vpage *v = &p->pages[i];
        k->st.pins -= v->pins;   /* exit drops the process's pins */
        if (v->state == VP_RESIDENT)
            frame_put(k, v->pfn);
        else if (v->state == VP_SWAPPED)
            swap_free(&k->swap, v->slot);
    }
    for (size_t i = 0; i < p->ntables; i++)
        frame_free(k, p->tables[i]);
    for (unsigned i = 0; i < p->nregions; i++)
        if (p->regions[i].shm)
            shm_put(k, p->regions[i].shm);
        else if (p->regions[i].file)
            file_put(p->regions[i].file);
    k->st.pt_pages -= p->ntables;
    proc_release(k, p);
}

int fw_munmap(struct fw_kernel *k, unsigned core, struct fw_proc *p, uint64_t va)
{
    unsigned ri = 0;
    while (ri < p->nregions && p->regions[ri].start != va)
        ri++;
    if (ri == p->nregions)
        return -1;
    struct region r = p->regions[ri];
    if (r.file && fw_msync(k, core, p))
        k->st.file_errors++;
    size_t kept = 0;
    for (size_t i = 0; i < p->npages; i++) {
        struct vpage *v = &p->pages[i];
        uint64_t a = v->vpn << 12;
        if (a < r.start || a >= r.end) {
            p->pages[kept++] = *v;
            continue;
        }
        uint64_t pa = pt_leaf(k, core, p, a, false);
        if (pa)
            pt_write(k, core, pa, 0);
        k->st.pins -= v->pins;
        if (v->state == VP_RESIDENT) {
            frame_put(k, v->pfn);
            p->nresident--;
        } else if (v->state == VP_SWAPPED) {
            swap_free(&k->swap, v->slot);
        }
    }
    p->npages = kept;
    p->clock_hand = 0;
    for (unsigned c = 0; c < k->cfg.cores; c++) {   /* one ASID-wide flush instead of a shootdown per page */
        hal_csr_write(k->hal, c, VM_CSR_SFENCE, (1u << VM_SFENCE_USE_ASID) | ((uint64_t)p->asid << VM_SFENCE_ASID_LSB));
        k->st.shootdowns++;
    }
    if (r.shm)
        shm_put(k, r.shm);
    else if (r.file)
        file_put(r.file);
    for (unsigned i = ri + 1; i < p->nregions; i++)
        p->regions[i - 1] = p->regions[i];
    p->nregions--;
    return hal_failed(k->hal) ? -1 : 0;
}

bool fw_proc_killed(const struct fw_proc *p) { return p->killed; }
const char *fw_proc_report(const struct fw_proc *p) { return p->report; }
unsigned fw_proc_pid(const struct fw_proc *p) { return p->pid; }
size_t fw_proc_resident(const struct fw_proc *p) { return p->nresident; }

void fw_kernel_stats(const struct fw_kernel *k, struct fw_stats *out) { *out = k->st; }

uint64_t fw_kernel_free_frames(const struct fw_kernel *k)
{
    struct fw_buddy_stats s;
    fw_buddy_stats(k->buddy, &s);
    return s.free_frames;
}

uint64_t fw_kernel_swap_used(const struct fw_kernel *k) { return k->swap.used; }

void fw_kernel_buddy_stats(const struct fw_kernel *k, struct fw_buddy_stats *out) { fw_buddy_stats(k->buddy, out); }

void fw_kernel_slab_info(const struct fw_kernel *k, unsigned cache, struct fw_slab_info *out)
{
    fw_slab_info(cache ? k->shm_cache : k->proc_cache, out);
}

int fw_kernel_check(const struct fw_kernel *k, char *err, size_t errlen) { return fw_buddy_check(k->buddy, err, errlen); }
