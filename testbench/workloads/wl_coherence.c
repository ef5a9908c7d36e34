/* SPDX-License-Identifier: MIT */
/* coherence: the random coherence tester. Every core runs random loads and stores on a small set of hot
 * lines that all cores share, so lines move between the caches all the time:
 *   - true and false sharing: a core mostly touches "its" word of a line (false sharing with the other
 *     cores' words), sometimes any word (true sharing);
 *   - conflicts: the hot lines sit at offsets 0x000/0x400/0x800/0xC00 (+0x40, +0x80) of several pages, so
 *     they collide in the sets of small caches and dirty victims are written back while others want them;
 *   - unique store values ((core + 1) << 56 | a running count), so a stale value cannot pass for a new one
 *     in the data-value monitor;
 *   - the rest of the system joins in: full sfence (walks again, their PTE reads snoop the caches), loads
 *     of the page-table lines (PTE lines in the L1s), hardware A/D clearing by a physical store (vm.ad=hw:
 *     the walkers' atomic RMW on lines other cores hold), and page DMA zero/copy on the hot pages.
 * Open-ended: it runs until --max-cycles. Correctness comes from the monitors (lockstep, data values,
 * single writer), not from the workload. */
#include <vmcosim/contract.h>

#include <stdlib.h>
#include <string.h>

#include "workload_impl.h"

#define HOT_VA 0x10000000ull
#define HOT_PAGES 6
#define NOFFSETS 6
static const uint16_t kHotOffsets[NOFFSETS] = {0x000, 0x040, 0x400, 0x480, 0x800, 0xC00};

struct core_st {
    struct vm_action pending[4];
    unsigned npending, taken;
};

struct coh {
    struct vm_config cfg;
    uint64_t seed, rng, stores;
    bool bare, sv32;
    uint64_t root;
    uint64_t frame[HOT_PAGES];       /* physical frame of each hot page */
    uint64_t pte_addr[HOT_PAGES], pte[HOT_PAGES];
    unsigned line_words;
    struct core_st core[VM_MAX_CORES];
};

static uint64_t rnd(struct coh *h, uint64_t n) { return vm_rand_below(&h->rng, n); }

static void *create(const struct vm_config *cfg, uint64_t seed, const char *arg, char *err, size_t errlen)
{
    (void)arg;
    if (!cfg->l1_size) {
        snprintf(err, errlen, "workload coherence needs the L1 caches (l1.size > 0)");
        return NULL;
    }
    struct coh *h = calloc(1, sizeof *h);
    if (!h) {
        snprintf(err, errlen, "out of host memory");
        return NULL;
    }
    h->cfg = *cfg;
    h->seed = seed;
    h->rng = seed ^ 0xC04E4E7ull;
    h->bare = cfg->mode == VM_MODE_BARE;
    h->sv32 = cfg->mode == VM_MODE_SV32;
    h->line_words = cfg->l1_line / 8;
    return h;
}

static void destroy(void *st) { free(st); }

static unsigned satp_mode(const struct coh *h)
{
    return h->bare ? VM_SATP_MODE_BARE : h->sv32 ? VM_SATP_MODE_SV32 : VM_SATP_MODE_SV39;
}

static int build(void *st, struct vm_image *img, char *err, size_t errlen)
{
    struct coh *h = st;
    /* Hardware A/D: leaves start with A and D clear (the walkers set them); software A/D: set. */
    unsigned ad = h->cfg.ad == VM_AD_FAULT ? (1u << VM_PTE_A) | (1u << VM_PTE_D) : 0;
    unsigned flags = (1u << VM_PTE_R) | (1u << VM_PTE_W) | (1u << VM_PTE_X) | (1u << VM_PTE_U) | ad;
    if (!h->bare && !(h->root = vm_image_alloc_page(img)))
        goto full;
    for (unsigned p = 0; p < HOT_PAGES; p++) {
        if (!(h->frame[p] = vm_image_alloc_page(img)))
            goto full;
        for (unsigned w = 0; w < 512; w++)
            img->words[(h->frame[p] << 9) + w] = vm_rand(&h->rng);
        if (h->bare)
            continue;
        if (vm_image_map(img, h->root, HOT_VA + 4096ull * p, 0, h->frame[p], flags))
            goto full;
        h->pte_addr[p] = vm_image_pte_addr(img, h->root, HOT_VA + 4096ull * p, 0);
        h->pte[p] = vm_image_read(img, h->pte_addr[p], h->sv32 ? 4 : 8);
    }
    /* Every core boots into the one shared address space (ASID 1), each with its own LFSR seed. */
    for (unsigned c = 0; c < h->cfg.cores; c++) {
        struct core_st *k = &h->core[c];
        k->npending = vm_boot_actions(&h->cfg, h->seed + 977 * c, 0, vm_satp(satp_mode(h), 1, h->root), k->pending);
        k->taken = 0;
    }
    return 0;
full:
    snprintf(err, errlen, "mem.size=%llu is too small for workload coherence", (unsigned long long)h->cfg.mem_size);
    return -1;
}

/* A hot line's address: page p, offset slot, as the core sees it (virtual, or physical in bare mode). */
static uint64_t hot_line(const struct coh *h, unsigned p, unsigned slot)
{
    uint64_t base = h->bare ? h->frame[p] << 12 : HOT_VA + 4096ull * p;
    return base + kHotOffsets[slot];
}

/* Occasional system traffic into the core's pending queue; false when none this time. */
static bool queue_system(struct coh *h, unsigned c)
{
    struct core_st *k = &h->core[c];
    struct vm_action *q = k->pending;
    unsigned pick = (unsigned)rnd(h, 1000);
    unsigned p = (unsigned)rnd(h, HOT_PAGES);
    if (pick < 4 && !h->bare) {                         /* full sfence: the next accesses walk again */
        q[0] = (struct vm_action){.kind = VM_ACT_CSR, .csr = VM_CSR_SFENCE, .value = 0};
        k->npending = 1;
    } else if (pick < 8 && !h->bare) {                  /* a load of a page-table line */
        q[0] = (struct vm_action){.kind = VM_ACT_REQ, .op = VM_OP_LOAD, .size = 3, .bare = 1,
                                  .addr = h->pte_addr[p] & ~7ull};
        k->npending = 1;
    } else if (pick < 10 && !h->bare && h->cfg.ad == VM_AD_HW) {
        /* Clear A and D with a physical store, then fence the page here: walkers set them again. */
        uint64_t ad = (1ull << VM_PTE_A) | (1ull << VM_PTE_D);
        q[0] = (struct vm_action){.kind = VM_ACT_REQ, .op = VM_OP_STORE, .size = h->sv32 ? 2 : 3, .bare = 1,
                                  .addr = h->pte_addr[p], .wdata = h->pte[p] & ~ad};
        q[1] = (struct vm_action){.kind = VM_ACT_CSR, .csr = VM_CSR_SFENCE_VADDR, .value = HOT_VA + 4096ull * p};
        q[2] = (struct vm_action){.kind = VM_ACT_CSR, .csr = VM_CSR_SFENCE, .value = 1u << VM_SFENCE_USE_VADDR};
        k->npending = 3;
    } else if (pick < 11) {                             /* page DMA: zero or copy a hot page */
        unsigned op = rnd(h, 2) ? VM_DMA_ZERO : VM_DMA_COPY;
        q[0] = (struct vm_action){.kind = VM_ACT_DMA, .csr = (uint8_t)op,
                                  .addr = h->frame[rnd(h, HOT_PAGES)] << 12, .value = h->frame[p] << 12};
        k->npending = 1;
    } else {
        return false;
    }
    k->taken = 0;
    return true;
}

static void next(void *st, unsigned c, struct vm_action *a)
{
    struct coh *h = st;
    struct core_st *k = &h->core[c];
    if (k->taken < k->npending || queue_system(h, c)) {
        *a = k->pending[k->taken++];
        return;
    }
    memset(a, 0, sizeof *a);
    a->kind = VM_ACT_REQ;
    unsigned o = (unsigned)rnd(h, 20);
    a->op = o < 9 ? VM_OP_LOAD : o < 19 ? VM_OP_STORE : VM_OP_FETCH;
    a->size = (uint8_t)rnd(h, 4);
    a->bare = h->bare;
    /* Mostly this core's own word of the line (false sharing), sometimes any word (true sharing). */
    unsigned word = rnd(h, 3) ? c % h->line_words : (unsigned)rnd(h, h->line_words);
    unsigned byte = (unsigned)rnd(h, 8) & ~((1u << a->size) - 1);
    /* Three accesses in four go to the hottest lines (they are shared, and hit); the rest anywhere. */
    bool hottest = rnd(h, 4) != 0;
    unsigned page = (unsigned)rnd(h, hottest ? 2 : HOT_PAGES), slot = (unsigned)rnd(h, hottest ? 3 : NOFFSETS);
    a->addr = hot_line(h, page, slot) + 8 * word + byte;
    a->wdata = ((uint64_t)(c + 1) << 56) | ++h->stores;
    if (a->op == VM_OP_FETCH)
        a->size = 2;
    if (a->op == VM_OP_FETCH)
        a->addr &= ~3ull;
}

const struct vm_workload_ops vm_wl_coherence = {
    .name = "coherence",
    .description = "random coherence tester (any core count): every core loads and stores unique values on a few shared hot "
    "lines (true and false sharing, set conflicts), with sfence, page-table line loads, A/D clearing and page "
    "DMA mixed in; checked by lockstep and the data-value and single-writer monitors",
    .create = create, .destroy = destroy, .build = build, .next = next,
};
