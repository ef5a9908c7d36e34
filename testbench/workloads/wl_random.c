/* SPDX-License-Identifier: MIT */
/* random: constrained-random page tables with fault knobs, several ASIDs with global pages, superpages,
 * and random traffic interleaved with satp switches, status changes and every kind of sfence.vma.
 *
 * Layout (Sv39; Sv32 uses the parts that exist in it):
 *   0x40000000 + k * 4 KiB   per-ASID 4 KiB pages (random VPNs in a 4 MiB window), random frames
 *   0x20000000 + k * 4 KiB   global pages: identical leaf PTEs with G=1 in every address space
 *   0x50000000 + k * 4 KiB   pages under a non-leaf PTE with U set (reserved: every access faults)
 *   0x80000000 + j * 2 MiB   superpages (Sv32: 4 MiB), some misaligned
 *   0xC0000000               one 1 GiB read/execute page over physical 0 (Sv39)
 * Fault knobs on 4 KiB leaves: V=0, W without R, reserved bits, A=0, D=0, U=0, pointer at the last
 * level, execute-only. Global mappings stay identical across address spaces (the spec requires it).
 * Software also clears A/D bits of random pages with physical stores followed by a targeted sfence. */
#include <vmcosim/contract.h>

#include <stdlib.h>
#include <string.h>

#include "workload_impl.h"

#define NASID 4
#define NPAGES 40
#define NGLOBAL 8
#define NSUPER 4
#define PAGE_WINDOW 0x40000000ull
#define GLOBAL_WINDOW 0x20000000ull
#define RSVD_WINDOW 0x50000000ull
#define SUPER_WINDOW 0x80000000ull
#define GIGA_VA 0xC0000000ull

struct rnd {
    struct vm_config cfg;
    uint64_t rng, seed;
    bool sv32, bare;
    uint64_t root[NASID];
    uint64_t page_va[NASID][NPAGES];
    uint64_t page_pte_addr[NASID][NPAGES];   /* where each 4 KiB leaf PTE lives, and its built value */
    uint64_t page_pte[NASID][NPAGES];
    uint64_t data_lo, data_hi;     /* physical range of data frames: bare stores stay inside it */
    /* per core: its current address space and the actions it has queued */
    struct {
        unsigned cur_asid;
        struct vm_action pending[4];
        unsigned npending, taken;
    } core[VM_MAX_CORES];
    unsigned cur;   /* the core being served (next() sets it) */
};

static uint64_t rnd(struct rnd *r, uint64_t n) { return vm_rand_below(&r->rng, n); }

static void *create(const struct vm_config *cfg, uint64_t seed, const char *arg, char *err, size_t errlen)
{
    (void)arg;
    if (cfg->mem_size < (1u << 20)) {
        snprintf(err, errlen, "workload random needs mem.size >= 1M (got %llu)",
                 (unsigned long long)cfg->mem_size);
        return NULL;
    }
    struct rnd *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errlen, "out of host memory");
        return NULL;
    }
    r->cfg = *cfg;
    r->seed = seed;
    r->rng = seed ^ 0x5EEDull;
    r->sv32 = cfg->mode == VM_MODE_SV32;
    r->bare = cfg->mode == VM_MODE_BARE;
    return r;
}

static void destroy(void *st) { free(st); }

static unsigned pte_bit(unsigned b) { return 1u << b; }

/* Leaf flags for an ordinary user page, with random A/D (both A/D modes then see A/D work). */
static unsigned user_flags(struct rnd *r)
{
    unsigned f = pte_bit(VM_PTE_R) | pte_bit(VM_PTE_W) | pte_bit(VM_PTE_U);
    if (rnd(r, 4))
        f |= pte_bit(VM_PTE_X) * (unsigned)rnd(r, 2);
    if (r->cfg.ad == VM_AD_FAULT) {
        if (rnd(r, 8))
            f |= pte_bit(VM_PTE_A) | pte_bit(VM_PTE_D);
    } else {
        f |= pte_bit(VM_PTE_A) * (unsigned)rnd(r, 2);
        if (f & pte_bit(VM_PTE_A))
            f |= pte_bit(VM_PTE_D) * (unsigned)rnd(r, 2);
    }
    return f;
}

/* Applies one fault knob to the 4 KiB leaf of va (the tables exist). */
static void corrupt_leaf(struct rnd *r, struct vm_image *img, uint64_t root, uint64_t va)
{
    uint64_t pa = vm_image_pte_addr(img, root, va, 0);
    unsigned psz = r->sv32 ? 4 : 8;
    uint64_t pte = vm_image_read(img, pa, psz);
    switch (rnd(r, 8)) {
    case 0: pte &= ~(uint64_t)pte_bit(VM_PTE_V); break;
    case 1: pte = (pte & ~(uint64_t)(pte_bit(VM_PTE_R) | pte_bit(VM_PTE_X))) | pte_bit(VM_PTE_W); break;
    case 2:
        if (!r->sv32)
            pte |= 1ull << (54 + rnd(r, 10));
        else
            pte &= ~(uint64_t)pte_bit(VM_PTE_V);
        break;
    case 3: pte &= ~(uint64_t)(pte_bit(VM_PTE_A) | pte_bit(VM_PTE_D)); break;
    case 4: pte &= ~(uint64_t)pte_bit(VM_PTE_D); break;
    case 5: pte &= ~(uint64_t)pte_bit(VM_PTE_U); break;
    case 6: pte &= ~(uint64_t)(pte_bit(VM_PTE_R) | pte_bit(VM_PTE_W) | pte_bit(VM_PTE_X)); break;
    default: pte = (pte & ~(uint64_t)(pte_bit(VM_PTE_R) | pte_bit(VM_PTE_W))) | pte_bit(VM_PTE_X); break;
    }
    vm_image_write(img, pa, psz, pte);
}

static int build_space(struct rnd *r, struct vm_image *img, unsigned a, const uint64_t *frames, unsigned nframes,
                       const uint64_t *global_frames, uint64_t super_base_ppn, unsigned super_ppns)
{
    uint64_t root = r->root[a];
    /* 4 KiB pages at distinct random VPNs of the window. */
    for (unsigned p = 0; p < NPAGES; p++) {
        uint64_t va;
        bool dup;
        do {
            va = PAGE_WINDOW + 4096 * rnd(r, 1024);
            dup = false;
            for (unsigned q = 0; q < p; q++)
                dup |= r->page_va[a][q] == va;
        } while (dup);
        r->page_va[a][p] = va;
        if (vm_image_map(img, root, va, 0, frames[rnd(r, nframes)], user_flags(r)))
            return -1;
        if (rnd(r, 6) == 0)
            corrupt_leaf(r, img, root, va);
        r->page_pte_addr[a][p] = vm_image_pte_addr(img, root, va, 0);
        r->page_pte[a][p] = vm_image_read(img, r->page_pte_addr[a][p], r->sv32 ? 4 : 8);
    }
    unsigned gflags = pte_bit(VM_PTE_R) | pte_bit(VM_PTE_W) | pte_bit(VM_PTE_U) | pte_bit(VM_PTE_G) |
                      pte_bit(VM_PTE_A) | pte_bit(VM_PTE_D);
    for (unsigned g = 0; g < NGLOBAL; g++)
        if (vm_image_map(img, root, GLOBAL_WINDOW + 4096ull * g, 0, global_frames[g], gflags))
            return -1;
    /* A region whose level-1 pointer has U set: reserved in a non-leaf PTE. */
    for (unsigned p = 0; p < 4; p++)
        if (vm_image_map(img, root, RSVD_WINDOW + 4096ull * p, 0, frames[rnd(r, nframes)], user_flags(r)))
            return -1;
    uint64_t ptr = vm_image_pte_addr(img, root, RSVD_WINDOW, 1);
    unsigned psz = r->sv32 ? 4 : 8;
    vm_image_write(img, ptr, psz, vm_image_read(img, ptr, psz) | pte_bit(VM_PTE_U));
    /* Superpages; one in four misaligned (a nonzero low PPN field). */
    unsigned span = r->sv32 ? 1024 : 512;
    for (unsigned j = 0; j < NSUPER; j++) {
        uint64_t ppn = super_base_ppn + span * rnd(r, super_ppns ? super_ppns : 1);
        if (rnd(r, 4) == 0)
            ppn += 1 + rnd(r, span - 1);
        uint64_t va = SUPER_WINDOW + (uint64_t)span * 4096 * j;
        if (vm_image_map(img, root, va, 1, ppn, user_flags(r) | pte_bit(VM_PTE_A)))
            return -1;
    }
    if (!r->sv32 &&
        vm_image_map(img, root, GIGA_VA, 2, 0,
                     pte_bit(VM_PTE_R) | pte_bit(VM_PTE_X) | pte_bit(VM_PTE_U) | pte_bit(VM_PTE_A)))
        return -1;
    return 0;
}

static int build(void *st, struct vm_image *img, char *err, size_t errlen)
{
    struct rnd *r = st;
    uint64_t frames[64], global_frames[NGLOBAL];
    for (unsigned a = 0; a < NASID; a++)
        if (!(r->root[a] = vm_image_alloc_page(img)))
            goto full;
    r->data_lo = img->next_free_ppn << 12;
    for (unsigned i = 0; i < 64; i++)
        if (!(frames[i] = vm_image_alloc_page(img)))
            goto full;
    for (unsigned g = 0; g < NGLOBAL; g++)
        if (!(global_frames[g] = vm_image_alloc_page(img)))
            goto full;
    r->data_hi = img->next_free_ppn << 12;
    for (uint64_t w = r->data_lo / 8; w < r->data_hi / 8; w++)
        img->words[w] = vm_rand(&r->rng);
    /* Superpage targets: the upper half of memory when it holds whole superpages, else beyond memory
     * (their accesses are then access faults). */
    unsigned span = r->sv32 ? 1024 : 512;
    uint64_t mem_ppns = r->cfg.mem_size >> 12;
    uint64_t base = (mem_ppns / 2 + span - 1) / span * span;
    unsigned count = base + span <= mem_ppns ? (unsigned)((mem_ppns - base) / span) : 0;
    if (!count)
        base = mem_ppns;
    for (unsigned a = 0; a < NASID && !r->bare; a++)
        if (build_space(r, img, a, frames, 64, global_frames, base, count))
            goto full;
    unsigned mode = r->bare ? VM_SATP_MODE_BARE : r->sv32 ? VM_SATP_MODE_SV32 : VM_SATP_MODE_SV39;
    for (unsigned c = 0; c < r->cfg.cores; c++) {
        r->core[c].npending = vm_boot_actions(&r->cfg, r->seed + 977 * c, 0, vm_satp(mode, 1, r->root[0]),
                                              r->core[c].pending);
        r->core[c].cur_asid = 0;
    }
    return 0;
full:
    snprintf(err, errlen, "mem.size=%llu is too small for workload random",
             (unsigned long long)r->cfg.mem_size);
    return -1;
}

static unsigned satp_mode(const struct rnd *r)
{
    return r->bare ? VM_SATP_MODE_BARE : r->sv32 ? VM_SATP_MODE_SV32 : VM_SATP_MODE_SV39;
}

/* A virtual address to touch: mostly mapped pages, sometimes anything. */
static uint64_t pick_va(struct rnd *r)
{
    unsigned span = r->sv32 ? (4u << 20) : (2u << 20);
    switch (rnd(r, 20)) {
    case 0: return GLOBAL_WINDOW + 4096 * rnd(r, NGLOBAL) + rnd(r, 4096);
    case 1: return RSVD_WINDOW + rnd(r, 4 * 4096);
    case 2: case 3: return SUPER_WINDOW + rnd(r, (uint64_t)span * NSUPER);
    case 4: return r->sv32 ? PAGE_WINDOW + rnd(r, 4 << 20) : GIGA_VA + rnd(r, 2 * r->cfg.mem_size);
    case 5:
        if (r->sv32)
            return rnd(r, 2) ? vm_rand(&r->rng) : (uint32_t)vm_rand(&r->rng);
        return rnd(r, 2) ? vm_rand(&r->rng) : (uint64_t)(int64_t)((int64_t)(vm_rand(&r->rng) << 25) >> 25);
    default:
        /* Locality, as programs have it: mostly the first few lines of a few hot pages (so caches hit,
         * lines go E -> M and dirty victims are written back), sometimes anywhere in any page. */
        if (rnd(r, 4))
            return r->page_va[r->core[r->cur].cur_asid][rnd(r, 6)] + rnd(r, 4) * 64 + rnd(r, 64);
        return r->page_va[r->core[r->cur].cur_asid][rnd(r, NPAGES)] + rnd(r, 4096);
    }
}

/* A page DMA command on the data frames (which user pages map), or a few swap-buffer words. */
static void queue_dma(struct rnd *r)
{
    struct vm_action *p = r->core[r->cur].pending;
    uint64_t frames = (r->data_hi - r->data_lo) >> 12;
    uint64_t src = r->data_lo + (rnd(r, frames) << 12), dst = r->data_lo + (rnd(r, frames) << 12);
    unsigned op = (unsigned)rnd(r, 5);
    if (op < 4) {
        p[0] = (struct vm_action){.kind = VM_ACT_DMA, .csr = (uint8_t)op, .addr = src, .value = dst};
        r->core[r->cur].npending = 1;
    } else {
        for (unsigned i = 0; i < 4; i++)
            p[i] = (struct vm_action){.kind = VM_ACT_BUF, .addr = rnd(r, VM_DMA_BUF_WORDS), .value = vm_rand(&r->rng)};
        r->core[r->cur].npending = 4;
    }
    r->core[r->cur].taken = 0;
}

static void queue_control(struct rnd *r)
{
    unsigned k = (unsigned)rnd(r, 4);
    struct vm_action *p = r->core[r->cur].pending;
    if (k == 0) {
        r->core[r->cur].cur_asid = (unsigned)rnd(r, NASID);
        p[0] = (struct vm_action){.kind = VM_ACT_CSR, .csr = VM_CSR_SATP,
                                  .value = vm_satp(satp_mode(r), 1 + r->core[r->cur].cur_asid, r->root[r->core[r->cur].cur_asid])};
        r->core[r->cur].npending = 1;
    } else if (k == 1) {
        /* Mostly user mode; supervisor mostly with SUM (else every user page faults); MXR at random. */
        unsigned pick = (unsigned)rnd(r, 10);
        unsigned status = pick < 7 ? 0 : pick < 9 ? pte_bit(VM_STATUS_PRIV_S) | pte_bit(VM_STATUS_SUM)
                                                  : pte_bit(VM_STATUS_PRIV_S);
        status |= (unsigned)rnd(r, 2) << VM_STATUS_MXR;
        status |= r->cfg.ad == VM_AD_HW ? pte_bit(VM_STATUS_ADHW) : 0;
        p[0] = (struct vm_action){.kind = VM_ACT_CSR, .csr = VM_CSR_STATUS, .value = status};
        r->core[r->cur].npending = 1;
    } else if (k == 2) {
        /* Software clears a page's A and D bits (as a clock-style reclaimer does) with a physical store,
         * then fences that page in its address space: the next accesses set them again (or fault). */
        unsigned a = (unsigned)rnd(r, NASID), pg = (unsigned)rnd(r, NPAGES);
        uint64_t ad = (1ull << VM_PTE_A) | (1ull << VM_PTE_D);
        p[0] = (struct vm_action){.kind = VM_ACT_REQ, .op = VM_OP_STORE, .size = r->sv32 ? 2 : 3, .bare = 1,
                                  .addr = r->page_pte_addr[a][pg], .wdata = r->page_pte[a][pg] & ~ad};
        p[1] = (struct vm_action){.kind = VM_ACT_CSR, .csr = VM_CSR_SFENCE_VADDR, .value = r->page_va[a][pg]};
        p[2] = (struct vm_action){.kind = VM_ACT_CSR, .csr = VM_CSR_SFENCE,
                                  .value = (1u << VM_SFENCE_USE_VADDR) | (1u << VM_SFENCE_USE_ASID) |
                                           ((uint64_t)(1 + a) << VM_SFENCE_ASID_LSB)};
        r->core[r->cur].npending = 3;
    } else {
        uint64_t cmd = rnd(r, 4) | ((1 + rnd(r, NASID)) << VM_SFENCE_ASID_LSB);
        p[0] = (struct vm_action){.kind = VM_ACT_CSR, .csr = VM_CSR_SFENCE_VADDR, .value = pick_va(r)};
        p[1] = (struct vm_action){.kind = VM_ACT_CSR, .csr = VM_CSR_SFENCE, .value = cmd};
        r->core[r->cur].npending = 2;
    }
    r->core[r->cur].taken = 0;
}

static void next(void *st, unsigned core, struct vm_action *a)
{
    struct rnd *r = st;
    r->cur = core;
    if (r->core[core].taken >= r->core[core].npending) {
        if (!r->bare && rnd(r, 48) == 0)
            queue_control(r);
        else if (r->cfg.l1_size && rnd(r, 96) == 0)
            queue_dma(r);
    }
    if (r->core[core].taken < r->core[core].npending) {
        *a = r->core[core].pending[r->core[core].taken++];
        return;
    }
    memset(a, 0, sizeof *a);
    a->kind = VM_ACT_REQ;
    unsigned o = (unsigned)rnd(r, 20);
    a->op = o < 9 ? VM_OP_LOAD : o < 18 ? VM_OP_STORE : VM_OP_FETCH;
    a->size = (uint8_t)rnd(r, 4);
    a->wdata = vm_rand(&r->rng);
    if (r->bare || rnd(r, 32) == 0) {
        a->bare = 1;
        /* Physical stores stay in the data frames so the page tables stay as built. */
        if (a->op == VM_OP_STORE)
            a->addr = r->data_lo + rnd(r, r->data_hi - r->data_lo);
        else
            a->addr = rnd(r, r->cfg.mem_size + r->cfg.mem_size / 8);
    } else {
        a->addr = pick_va(r);
    }
    if (rnd(r, 64))
        a->addr &= ~((1ull << a->size) - 1);
}

const struct vm_workload_ops vm_wl_random = {
    .name = "random",
    .description = "constrained-random page tables with fault knobs (invalid, W without R, reserved bits, A/D clear, U, "
    "pointer at last level, misaligned superpages, non-leaf U), 4 ASIDs with global pages, superpages, and "
    "random traffic mixed with satp switches, status changes and all four sfence.vma forms; every core runs "
    "its own stream over the shared address spaces",
    .create = create, .destroy = destroy, .build = build, .next = next,
};
